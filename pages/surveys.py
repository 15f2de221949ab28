import streamlit as st

from components.page import detail_id, empty_state, open_page, run_command, show_flash
from components.survey_results import proposals, results
from components.survey_view import desk, details_inputs, my_answer, survey_facts
from core.community import list_buildings
from core.markdown import escape_md, safe_markdown
from core.permissions import can
from core.surveys.drafting import create_survey
from core.surveys.queries import get_survey, list_surveys

page = open_page("page.surveys", "surveys.title", "surveys.caption")
t, principal, community = page.t, page.principal, page.community
tz = page.tz
staff = can(principal, "survey.manage")
buildings = {b.id: b for b in list_buildings(community.id)}
show_flash(t)

requested = detail_id()
if requested is not None:
    st.page_link("pages/surveys.py", label=t("surveys.back"), icon=":material/arrow_back:")
    survey = get_survey(viewer=principal, survey_id=requested)
    if survey is None:
        st.warning(t("error.not_found"))
        st.stop()
    st.subheader(escape_md(survey.title))
    st.caption(survey_facts(t, survey, tz))
    if survey.intro:
        st.markdown(safe_markdown(survey.intro))
    my_answer(t, principal, survey, tz=tz)
    if staff:
        desk(t, principal, survey, tz=tz, buildings=buildings)
    results(t, principal, survey)
    proposals(t, principal, survey, buildings=buildings)
    st.stop()

if staff:
    with st.expander(t("surveys.new"), icon=":material/add_circle:"):
        round_ = st.session_state.setdefault("new_survey_round", 0)
        with st.form(f"new_survey_{round_}"):
            values = details_inputs(t, f"new_survey_{round_}", tz=tz, buildings=buildings)

            def create() -> None:
                survey_id = create_survey(actor=principal, **values)
                st.session_state["new_survey_round"] = round_ + 1
                st.query_params["id"] = str(survey_id)  # straight on to its questions

            if st.form_submit_button(t("surveys.create"), type="primary"):
                run_command(t, create, "surveys.created")

items = list_surveys(viewer=principal)
if not items:
    empty_state(t, "surveys.empty")
for item in items:
    badges = []
    if item.accepting and item.for_me and not item.answered:
        badges.append(f":orange-badge[:material/edit: {t('surveys.for_you')}]")
    if item.answered:
        badges.append(f":green-badge[:material/task_alt: {t('surveys.answered')}]")
    with st.container(border=True):
        st.page_link(
            "pages/surveys.py",
            label=escape_md(item.title),
            query_params={"id": str(item.id)},
            icon=":material/checklist:",
        )
        if badges:
            st.markdown(" ".join(badges))
        st.caption(survey_facts(t, item, tz))
