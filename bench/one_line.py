"""The yardstick of bench/browser.py: a one-line Streamlit page, served like the app."""

import streamlit as st

st.write("一行页面 one-line page")
