import pandas as pd
import streamlit as st

from components.charts import horizontal_counts
from components.page import empty_state, label, open_page
from core.accountability import actor_loads

t, principal = open_page("page.accountability", "accountability.title", "accountability.caption")
loads = actor_loads(community_id=principal.community_id)
if not loads:
    empty_state(t, "accountability.empty")
    st.stop()
table = pd.DataFrame([{
    t("accountability.actor"): load.name,
    t("accountability.kind"): label(t, "actor_kind", load.kind),
    t("accountability.open"): load.open_items,
    t("accountability.answered"): load.answered,
    t("accountability.implemented"): load.implemented,
    t("accountability.oldest_wait"): load.oldest_wait_days,
} for load in loads])
chart_data = pd.DataFrame({"actor": [l.name for l in loads], "open": [l.open_items for l in loads]})
st.altair_chart(horizontal_counts(chart_data, category="actor", value="open",
                                  title=t("accountability.open")), width="stretch")
st.dataframe(table, hide_index=True, width="stretch", column_config={
    t("accountability.oldest_wait"): st.column_config.NumberColumn(format="%.1f")})
