import streamlit as st

from components.charts import building_participation, monthly_activity
from components.page import empty_state, open_page
from core.participation import overview_frames, participation_overview

t, principal = open_page("page.dashboard", "dashboard.title", "dashboard.caption")
overview = participation_overview(actor=principal)
if overview.events == 0:
    empty_state(t, "dashboard.empty")
    st.stop()

a, b, c, d = st.columns(4)
a.metric(t("dashboard.roster"), t.number(overview.roster))
b.metric(t("dashboard.participants"), t.number(overview.participants),
         help=t("dashboard.participants_help"))
c.metric(t("dashboard.rate"), t.percent(overview.participants / overview.roster, 1)
         if overview.roster else "—")
d.metric(t("dashboard.offline_share"), t.percent(overview.offline_share, 1),
         help=t("dashboard.offline_help"))

buildings, months = overview_frames(overview)
st.markdown(f"#### {t('dashboard.by_building')}")
st.altair_chart(building_participation(buildings, x_title=t("field_name.building"),
                                       y_title=t("dashboard.rate")), width="stretch")
st.markdown(f"#### {t('dashboard.by_month')}")
months["kind"] = months["kind"].map(lambda k: t(f"participation.{k}"))
st.altair_chart(monthly_activity(months, x_title=t("dashboard.month"),
                                 y_title=t("dashboard.events"),
                                 color_title=t("dashboard.kind")), width="stretch")
st.markdown(f"#### {t('dashboard.by_kind')}")
st.dataframe({t("dashboard.kind"): [t(f"participation.{k}") for k in overview.by_kind],
              t("dashboard.events"): list(overview.by_kind.values())},
             hide_index=True, width="stretch")
