"""Reusable form pieces."""

from __future__ import annotations

import streamlit as st

from core.accounts.profile import DEMOGRAPHIC_CHOICES
from core.i18n import Translator


def demographics_inputs(t: Translator, current: dict, *, key: str) -> dict:
    """Optional demographic selects (each may stay empty) and years in the community."""
    values: dict = {}
    columns = st.columns(2)
    for index, (field, choices) in enumerate(DEMOGRAPHIC_CHOICES.items()):
        options = [None, *choices]
        value = current.get(field)
        values[field] = columns[index % 2].selectbox(
            t(f"field_name.{field}"),
            options=options,
            index=options.index(value) if value in options else 0,
            format_func=lambda code, f=field: (
                t("common.not_given") if code is None else t(f"{f}.{code}")
            ),
            key=f"{key}_{field}",
        )
    years = current.get("years_in_community")
    values["years_in_community"] = columns[1].number_input(
        t("field_name.years_in_community"),
        min_value=0,
        max_value=100,
        step=1,
        value=years,
        placeholder=t("common.not_given"),
        key=f"{key}_years",
    )
    return values
