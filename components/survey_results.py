"""A survey's results: a chart per question (or, under k answers, why there is none), the
cross-tabulation (suppressed groups marked), the free-text answers with their CSV, and the
proposals made from the survey."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from components.charts import horizontal_counts
from components.page import label, message, run_command
from core.errors import DomainError
from core.i18n import Translator
from core.markdown import escape_md
from core.permissions import can
from core.principal import Principal
from core.surveys.privacy import K
from core.surveys.queries import SurveyDetail
from core.surveys.results import (
    CROSS_DIMENSIONS,
    CrossTab,
    QuestionResult,
    cross_tab,
    survey_results,
    text_answers,
    text_answers_csv,
)
from core.surveys.to_proposal import make_proposal
from core.vocabulary import CATEGORIES, PROPOSAL_KINDS


def rating_bars(frame: pd.DataFrame, *, title: str) -> alt.Chart:
    """Bars of how many gave each rating, 1 to 5 in order."""
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("rating:O", title=None, sort=None),
            y=alt.Y("count:Q", title=title),
            tooltip=["rating", "count"],
        )
        .properties(height=200)
    )


def _question(t: Translator, q: QuestionResult) -> None:
    st.markdown(
        f"**{q.position}. {escape_md(q.prompt)}** · :gray[{label(t, 'question_kind', q.kind)}]"
    )
    if not q.shown:
        st.caption(t("surveys.too_few_answers", k=K))
        return
    st.caption(t("surveys.answered_by", n=q.answered))
    if not q.answered or q.kind == "text":
        return
    if q.kind == "rating":
        st.metric(t("surveys.mean_rating"), t.number(q.mean or 0, 1))
        frame = pd.DataFrame({"rating": [f"{r} ★" for r in range(1, 6)], "count": q.ratings})
        st.altair_chart(rating_bars(frame, title=t("surveys.persons")), width="stretch")
        return
    if q.kind == "ranking":
        frame = pd.DataFrame(
            {"option": [o.label for o in q.options], "points": [o.points or 0 for o in q.options]}
        )
        st.altair_chart(
            horizontal_counts(frame, category="option", value="points", title=t("surveys.points")),
            width="stretch",
        )
        st.caption(
            t("surveys.points_help")
            + " "
            + " · ".join(
                t("surveys.mean_rank", option=o.label, rank=t.number(o.mean_rank or 0, 1))
                for o in sorted(q.options, key=lambda o: o.mean_rank or 99)
            )
        )
        return
    frame = pd.DataFrame(
        {"option": [o.label for o in q.options], "count": [o.count for o in q.options]}
    )
    st.altair_chart(
        horizontal_counts(frame, category="option", value="count", title=t("surveys.persons")),
        width="stretch",
    )


def _group_label(t: Translator, dimension: str, group: str) -> str:
    return group if dimension == "building" else label(t, dimension, group)


def _cross_tab_table(t: Translator, table: CrossTab) -> pd.DataFrame:
    measure = t(f"surveys.measure_{table.measure}")
    columns = [c if c else measure for c in table.columns]
    rows = []
    for row in table.rows:
        cells: dict[str, str | bool] = {
            t("surveys.group"): _group_label(t, table.dimension, row.group),
            t("surveys.persons"): "—" if row.suppressed else str(row.persons),
        }
        for column, value in zip(columns, row.values, strict=True):
            cells[column] = (
                "—"
                if value is None
                else (t.percent(value) if table.measure == "share" else t.number(value, 1))
            )
        cells[t("dashboard.suppressed")] = row.suppressed
        rows.append(cells)
    return pd.DataFrame(rows)


def _cross_tabs(t: Translator, viewer: Principal, survey: SurveyDetail) -> None:
    questions = [q for q in survey.questions if q.kind != "text"]
    if not questions:
        return
    st.markdown(f"#### {t('surveys.cross_tab')}")
    c1, c2 = st.columns(2)
    question = c1.selectbox(
        t("field_name.question"),
        questions,
        key=f"xq_{survey.id}",
        format_func=lambda q: f"{q.position}. {q.prompt}",
    )
    dimension = c2.selectbox(
        t("field_name.dimension"),
        CROSS_DIMENSIONS,
        key=f"xd_{survey.id}",
        format_func=lambda d: t(f"field_name.{d}"),
    )
    try:
        table = cross_tab(
            viewer=viewer, survey_id=survey.id, question_id=question.id, dimension=dimension
        )
    except DomainError as error:
        st.info(message(t, error))
        return
    st.caption(
        t("surveys.cross_tab_help", k=K)
        + ("" if dimension == "building" else " " + t("surveys.cross_tab_consent"))
    )
    if not table.rows:
        st.info(t("surveys.cross_tab_empty"))
        return
    st.dataframe(
        _cross_tab_table(t, table),
        hide_index=True,
        width="stretch",
        column_config={
            t("dashboard.suppressed"): st.column_config.CheckboxColumn(
                t("dashboard.suppressed"), help=t("surveys.suppressed_help", k=K)
            )
        },
    )
    hidden = [_group_label(t, dimension, r.group) for r in table.rows if r.suppressed]
    if hidden:
        st.caption(t("surveys.hidden_groups", k=K, groups="、".join(hidden)))


def _texts(t: Translator, viewer: Principal, survey: SurveyDetail) -> None:
    answers = text_answers(viewer=viewer, survey_id=survey.id)
    with st.expander(t("surveys.free_text", n=len(answers)), icon=":material/notes:"):
        st.caption(t("surveys.free_text_help"))
        if not answers:
            st.caption(t("surveys.no_free_text"))
            return
        for answer in answers:
            st.text(f"{answer.position}. {answer.text}")
        st.download_button(
            t("surveys.download_csv"),
            key=f"texts_csv_{survey.id}",
            data=text_answers_csv(viewer=viewer, survey_id=survey.id),
            file_name=f"survey-{survey.id}-texts.csv",
            mime="text/csv",
            icon=":material/download:",
        )


def results(t: Translator, viewer: Principal, survey: SurveyDetail) -> None:
    """The results, where the viewer may see them (closed: everyone; open: analysts)."""
    if survey.draft:
        return
    st.subheader(t("surveys.results"))
    try:
        with st.spinner(t("surveys.counting")):
            counted = survey_results(viewer=viewer, survey_id=survey.id)
    except DomainError as error:
        st.info(message(t, error), icon=":material/lock_clock:")
        return
    # Some, but fewer than k: no figure at all (both counts are None then).
    if counted.respondents is None or counted.offline is None:
        st.info(t("surveys.too_few_answers", k=counted.k), icon=":material/visibility_off:")
    elif not counted.respondents:
        st.info(t("surveys.no_answers_yet"), icon=":material/inbox:")
    else:
        c1, c2 = st.columns(2)
        c1.metric(t("surveys.respondents"), t.number(counted.respondents))
        c2.metric(t("surveys.on_paper"), t.number(counted.offline))
        for question in counted.questions:
            _question(t, question)
        if can(viewer, "survey.analyse"):
            _cross_tabs(t, viewer, survey)
    if can(viewer, "survey.read_text") and any(q.kind == "text" for q in survey.questions):
        _texts(t, viewer, survey)


def proposals(t: Translator, viewer: Principal, survey: SurveyDetail, *, buildings: dict) -> None:
    """The proposals made from this survey, and (staff, once closed) the form to make one."""
    if survey.proposals:
        st.markdown(f"**{t('surveys.proposals_from')}**")
        for p in survey.proposals:
            st.page_link(
                "pages/proposals.py",
                label=f"{escape_md(p.title)} · {label(t, 'status', p.status)}",
                query_params={"id": str(p.id)},
                icon=":material/lightbulb:",
            )
    if not survey.closed or not can(viewer, "survey.manage"):
        return
    with st.expander(t("surveys.make_proposal"), icon=":material/add_circle:"):
        st.caption(t("surveys.make_proposal_help"))
        round_ = st.session_state.setdefault(f"from_survey_{survey.id}", 0)
        key = f"from_survey_{survey.id}_{round_}"
        with st.form(key):
            kind = st.selectbox(
                t("field_name.kind"),
                PROPOSAL_KINDS,
                index=PROPOSAL_KINDS.index("need"),
                format_func=lambda k: t(f"kind.{k}"),
                key=f"{key}_kind",
            )
            title = st.text_input(t("field_name.title"), max_chars=120, key=f"{key}_title")
            body = st.text_area(t("field_name.body"), max_chars=20_000, key=f"{key}_body")
            category = st.selectbox(
                t("field_name.category"),
                CATEGORIES,
                key=f"{key}_category",
                format_func=lambda c: t(f"category.{c}"),
            )
            building = st.selectbox(
                t("field_name.building"),
                [None, *buildings],
                key=f"{key}_building",
                format_func=lambda b: (
                    t("proposal.whole_community") if b is None else buildings[b].name
                ),
            )

            def make() -> None:
                make_proposal(
                    actor=viewer,
                    survey_id=survey.id,
                    kind=kind,
                    title=title,
                    body=body,
                    category=category,
                    building_id=building,
                )
                st.session_state[f"from_survey_{survey.id}"] = round_ + 1

            if st.form_submit_button(t("surveys.make_proposal_submit"), type="primary"):
                run_command(t, make, "surveys.proposal_made")
