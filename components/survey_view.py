"""One needs survey: its questions as a form (answer, or change one's answer), and the
moderator's desk (details, questions, open and close, paper answers and their correction)."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from zoneinfo import ZoneInfo

import streamlit as st

from components.dates import local_datetime
from components.page import label, run_command
from core.hearings.queries import find_residents
from core.i18n import Translator
from core.markdown import escape_md
from core.permissions import can
from core.principal import Principal
from core.surveys.answering import (
    TEXT_MAX,
    answer_survey,
    correct_paper_answer,
    edit_answer,
    enter_paper_answer,
)
from core.surveys.common import CHOICE_KINDS, QUESTION_KINDS
from core.surveys.drafting import (
    add_question,
    close_survey,
    edit_question,
    open_survey,
    remove_question,
    update_survey,
)
from core.surveys.queries import QuestionView, SurveyDetail, paper_answer_of

RATINGS = (1, 2, 3, 4, 5)


def survey_facts(t: Translator, survey, tz: str) -> str:
    """Status · scope · window · responses, for a caption."""
    scope = (
        t("surveys.scope_community")
        if survey.scope == "community"
        else t("surveys.scope_buildings", buildings="、".join(survey.buildings))
    )
    return " · ".join(
        [
            label(t, "survey_status", survey.status),
            scope,
            t(
                "surveys.window",
                opens=t.datetime(survey.opens_at, tz, "short"),
                closes=t.datetime(survey.closes_at, tz, "short"),
            ),
            t("surveys.responses", n=survey.responses),
        ]
    )


# --- answering ------------------------------------------------------------------------------


def _prompt(t: Translator, q: QuestionView) -> str:
    text = f"{q.position}. {escape_md(q.prompt)}"
    return text if q.required else f"{text} {t('surveys.optional')}"


def answer_inputs(t: Translator, survey: SurveyDetail, key: str, initial: dict | None) -> dict:
    """A widget per question (inside the caller's form); returns {question id: value}."""
    answers: dict[int, int | list[int] | str | None] = {}
    for q in survey.questions:
        have, k = (initial or {}).get(q.id), f"{key}_{q.id}"
        names = {o.id: o.label for o in q.options}
        ids = list(names)
        if q.kind == "single":
            answers[q.id] = st.radio(
                _prompt(t, q),
                ids,
                key=k,
                index=ids.index(have) if have in ids else None,
                format_func=lambda i, names=names: escape_md(names[i]),
            )
        elif q.kind == "multiple":
            st.markdown(_prompt(t, q))
            st.caption(t("surveys.choose_any"))
            answers[q.id] = [
                i
                for i in ids
                if st.checkbox(escape_md(names[i]), value=i in (have or []), key=f"{k}_{i}")
            ]
        elif q.kind == "rating":
            answers[q.id] = st.radio(
                _prompt(t, q),
                RATINGS,
                key=k,
                horizontal=True,
                index=have - 1 if have in RATINGS else None,
                format_func=lambda r: f"{r} ★",
                help=t("surveys.rating_help"),
            )
        elif q.kind == "ranking":
            # Picked in order of importance: a list that works on a phone's width.
            answers[q.id] = st.multiselect(
                _prompt(t, q),
                ids,
                default=have or [],
                key=k,
                format_func=names.__getitem__,
                placeholder=t("surveys.rank_placeholder"),
                help=t("surveys.rank_help"),
            )
        else:
            answers[q.id] = st.text_area(
                _prompt(t, q), value=have or "", key=k, height=90, max_chars=TEXT_MAX
            )
    return answers


def my_answer(t: Translator, viewer: Principal, survey: SurveyDetail, *, tz: str) -> None:
    """The viewer's part: answer, see and change their answer, or why they cannot."""
    if survey.draft:
        return
    if not survey.accepting:
        if survey.waiting_to_open:  # (past its window it would be closed)
            st.info(
                t("surveys.not_yet_open", when=t.datetime(survey.opens_at, tz, "short")),
                icon=":material/schedule:",
            )
        if survey.answered:
            st.caption(t(f"surveys.you_answered_{survey.answered}"))
        return
    if not can(viewer, "survey.answer"):
        if not viewer.is_authenticated:
            st.info(t("surveys.sign_in_to_answer"), icon=":material/login:")
        return
    if not survey.verified:
        st.warning(t("survey.unverified"), icon=":material/verified_user:")
        return
    if not survey.for_me:
        st.info(t("survey.not_in_scope"))
        return
    if survey.answered == "offline":
        st.info(t("surveys.you_answered_offline"), icon=":material/description:")
        return
    if survey.answered == "online":
        st.success(t("surveys.you_answered_online"), icon=":material/task_alt:")
        with st.expander(t("surveys.change_answer"), icon=":material/edit:"):
            with st.form(f"edit_{survey.id}"):
                answers = answer_inputs(t, survey, f"edit_{survey.id}", survey.my_answers)
                if st.form_submit_button(
                    t("surveys.save_changes"), type="primary", width="stretch"
                ):
                    run_command(
                        t,
                        lambda: edit_answer(actor=viewer, survey_id=survey.id, answers=answers),
                        "surveys.changed",
                    )
        return
    with st.form(f"answer_{survey.id}"):
        st.markdown(f"**{t('surveys.your_answer')}**")
        answers = answer_inputs(t, survey, f"answer_{survey.id}", None)
        if st.form_submit_button(t("surveys.submit"), type="primary", width="stretch"):
            run_command(
                t,
                lambda: answer_survey(actor=viewer, survey_id=survey.id, answers=answers),
                "surveys.thanks",
            )


# --- the moderator's desk -------------------------------------------------------------------


def desk(
    t: Translator, viewer: Principal, survey: SurveyDetail, *, tz: str, buildings: dict
) -> None:
    with st.expander(t("surveys.desk"), icon=":material/shield:", expanded=not survey.closed):
        c1, c2 = st.columns(2)
        if survey.openable and c1.button(
            t("surveys.open"),
            type="primary",
            key=f"open_{survey.id}",
            disabled=not survey.questions,
        ):
            run_command(t, lambda: open_survey(actor=viewer, survey_id=survey.id), "surveys.opened")
        if survey.closable and c1.button(
            t("surveys.close"),
            type="primary",
            key=f"close_{survey.id}",
            help=t("surveys.close_help"),
        ):
            run_command(
                t, lambda: close_survey(actor=viewer, survey_id=survey.id), "surveys.closed"
            )
        if survey.draft and not survey.questions:
            st.caption(t("surveys.add_questions_first"))
        if survey.editable:
            _details_form(t, viewer, survey, tz=tz, buildings=buildings)
            _questions(t, viewer, survey)
        elif not survey.closed:
            st.caption(t("survey.questions_frozen"))
        if survey.accepting:
            _paper_answer(t, viewer, survey)


def details_inputs(t: Translator, key: str, *, tz: str, buildings: dict, survey=None) -> dict:
    """The survey's detail widgets (inside the caller's form); the create/update arguments."""
    now = datetime.now(ZoneInfo(tz)).replace(second=0, microsecond=0)
    opens = survey.opens_at.astimezone(ZoneInfo(tz)) if survey else now
    closes = survey.closes_at.astimezone(ZoneInfo(tz)) if survey else now + timedelta(days=14)
    title = st.text_input(
        t("field_name.title"),
        value=survey.title if survey else "",
        max_chars=120,
        key=f"{key}_title",
    )
    intro = st.text_area(
        t("field_name.intro"),
        value=survey.intro if survey else "",
        max_chars=5000,
        key=f"{key}_intro",
        help=t("surveys.intro_help"),
    )
    scope = st.radio(
        t("field_name.scope"),
        ("community", "buildings"),
        horizontal=True,
        index=1 if survey and survey.scope == "buildings" else 0,
        format_func=lambda s: t(f"survey_scope.{s}"),
        key=f"{key}_scope",
    )
    chosen = st.multiselect(
        t("surveys.buildings"),
        list(buildings),
        default=survey.building_ids if survey else [],
        format_func=lambda b: buildings[b].name,
        key=f"{key}_buildings",
        help=t("surveys.buildings_help"),
    )
    c1, c2 = st.columns(2)
    opens_day = c1.date_input(t("surveys.opens_day"), value=opens.date(), key=f"{key}_od")
    opens_time = c2.time_input(t("field_name.opens_at"), value=opens.time(), key=f"{key}_ot")
    closes_day = c1.date_input(t("surveys.closes_day"), value=closes.date(), key=f"{key}_cd")
    closes_time = c2.time_input(t("field_name.closes_at"), value=closes.time(), key=f"{key}_ct")
    return dict(
        title=title,
        intro=intro,
        scope=scope,
        building_ids=chosen if scope == "buildings" else [],
        opens_at=local_datetime(opens_day, opens_time, tz),
        closes_at=local_datetime(closes_day, closes_time, tz),
    )


def _details_form(t, viewer, survey, *, tz, buildings) -> None:
    with st.popover(t("surveys.edit_details"), icon=":material/edit_note:"):
        with st.form(f"details_{survey.id}"):
            values = details_inputs(
                t, f"details_{survey.id}", tz=tz, buildings=buildings, survey=survey
            )
            if st.form_submit_button(t("common.save"), type="primary"):
                run_command(
                    t,
                    lambda: update_survey(actor=viewer, survey_id=survey.id, **values),
                    "surveys.saved",
                )


def _option_lines(text: str) -> list[str]:
    return [line for line in (text or "").splitlines() if line.strip()]


def _questions(t: Translator, viewer: Principal, survey: SurveyDetail) -> None:
    st.markdown(f"**{t('surveys.questions')}**")
    for q in survey.questions:
        with st.container(border=True):
            st.markdown(f"{_prompt(t, q)} · :gray[{label(t, 'question_kind', q.kind)}]")
            if q.options:
                st.caption(" / ".join(escape_md(o.label) for o in q.options))
            c1, c2 = st.columns(2)
            with c1.popover(t("surveys.edit_question"), icon=":material/edit:"):
                with st.form(f"edit_q_{q.id}"):
                    values = _question_inputs(t, f"edit_q_{q.id}", q)
                    if st.form_submit_button(t("common.save")):
                        run_command(
                            t,
                            partial(edit_question, actor=viewer, question_id=q.id, **values),
                            "surveys.saved",
                        )
            if c2.button(
                t("surveys.remove_question"), key=f"remove_q_{q.id}", icon=":material/delete:"
            ):
                run_command(
                    t, partial(remove_question, actor=viewer, question_id=q.id), "surveys.removed"
                )
    round_ = st.session_state.setdefault(f"new_q_round_{survey.id}", 0)
    with st.form(f"new_q_{survey.id}_{round_}"):
        st.markdown(f"**{t('surveys.add_question')}**")
        values = _question_inputs(t, f"new_q_{survey.id}_{round_}", None)

        def add() -> None:
            add_question(actor=viewer, survey_id=survey.id, **values)
            st.session_state[f"new_q_round_{survey.id}"] = round_ + 1

        if st.form_submit_button(t("surveys.add_question"), icon=":material/add:"):
            run_command(t, add, "surveys.question_added")


def _question_inputs(t: Translator, key: str, q: QuestionView | None) -> dict:
    kind = st.selectbox(
        t("field_name.question_kind"),
        QUESTION_KINDS,
        key=f"{key}_kind",
        index=QUESTION_KINDS.index(q.kind) if q else 0,
        format_func=lambda k: t(f"question_kind.{k}"),
    )
    prompt = st.text_input(
        t("field_name.prompt"), value=q.prompt if q else "", max_chars=300, key=f"{key}_prompt"
    )
    options = st.text_area(
        t("field_name.options"),
        key=f"{key}_options",
        height=110,
        value="\n".join(o.label for o in q.options) if q else "",
        help=t("surveys.options_help"),
    )
    required = st.checkbox(
        t("field_name.required"), value=q.required if q else True, key=f"{key}_required"
    )
    # Options only count for the kinds that pick them (the form cannot hide the field).
    return dict(
        kind=kind,
        prompt=prompt,
        required=required,
        options=_option_lines(options) if kind in CHOICE_KINDS else [],
    )


def _paper_answer(t: Translator, viewer: Principal, survey: SurveyDetail) -> None:
    st.markdown(f"**{t('surveys.paper')}**")
    st.caption(t("surveys.paper_help"))
    query = st.text_input(
        t("hearings.find_resident"), max_chars=40, key=f"survey_paper_q_{survey.id}"
    )
    matches = find_residents(actor=viewer, query=query) if query else []
    if query and not matches:
        st.caption(t("votes.no_match"))
    if not matches:
        return
    mode = st.radio(
        t("surveys.paper_mode"),
        ("enter", "correct"),
        horizontal=True,
        key=f"paper_mode_{survey.id}",
        label_visibility="collapsed",
        format_func=lambda m: t(f"surveys.paper_mode_{m}"),
    )
    if mode == "correct":
        _paper_correction(t, viewer, survey, matches)
        return
    round_ = st.session_state.setdefault(f"paper_round_{survey.id}", 0)
    with st.form(f"paper_{survey.id}_{round_}"):
        person = st.selectbox(
            t("field_name.resident"),
            matches,
            format_func=lambda m: f"{m.name} · {m.building} {m.unit or ''}",
        )
        answers = answer_inputs(t, survey, f"paper_{survey.id}_{round_}", None)
        if st.form_submit_button(t("surveys.paper_submit"), type="primary"):

            def enter() -> None:  # a fresh, empty form once this answer is in
                enter_paper_answer(
                    actor=viewer,
                    survey_id=survey.id,
                    resident_id=person.resident_id,
                    answers=answers,
                )
                st.session_state[f"paper_round_{survey.id}"] = round_ + 1

            run_command(t, enter, "surveys.paper_ok", name=person.name)


def _paper_correction(t: Translator, viewer: Principal, survey: SurveyDetail, matches) -> None:
    """The paper answer of the chosen resident, filled in, to correct and save."""
    st.caption(t("surveys.paper_correct_help"))
    person = st.selectbox(
        t("field_name.resident"),
        matches,
        key=f"paper_fix_who_{survey.id}",
        format_func=lambda m: f"{m.name} · {m.building} {m.unit or ''}",
    )
    entered = paper_answer_of(viewer=viewer, survey_id=survey.id, resident_id=person.resident_id)
    if entered is None:
        st.caption(t("survey.no_paper_answer"))
        return
    round_ = st.session_state.setdefault(f"paper_fix_round_{survey.id}", 0)
    key = f"paper_fix_{survey.id}_{person.resident_id}_{round_}"
    with st.form(key):
        answers = answer_inputs(t, survey, key, entered)
        if st.form_submit_button(t("surveys.paper_correct_submit"), type="primary"):

            def correct() -> None:
                correct_paper_answer(
                    actor=viewer,
                    survey_id=survey.id,
                    resident_id=person.resident_id,
                    answers=answers,
                )
                st.session_state[f"paper_fix_round_{survey.id}"] = round_ + 1

            run_command(t, correct, "surveys.paper_corrected", name=person.name)
