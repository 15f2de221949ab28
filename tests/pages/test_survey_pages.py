"""The needs surveys page: a resident answers the demo's open survey and changes the answer;
a moderator drafts a survey, adds questions, opens it and enters a paper answer; the closed
survey's results, cross-tabulation and free text for each role; a proposal made from it
links back."""

import json
from datetime import timedelta

from sqlmodel import col, select

from core.i18n import Translator
from db.engine import read_session, write_session
from db.models import ParticipationEvent, Proposal, Survey, SurveyQuestion, SurveyResponse, User
from db.models.base import utcnow
from tests.pages.test_hearing_pages import button

T = Translator("en")


def demo_survey(status: str) -> int:
    with read_session() as s:
        return s.exec(select(Survey.id).where(Survey.status == status)).first()


def questions(survey_id: int) -> dict[str, int]:
    with read_session() as s:
        return {
            q.kind: q.id
            for q in s.exec(select(SurveyQuestion).where(SurveyQuestion.survey_id == survey_id))
        }


def open_surveys(app, role: str, survey_id: int | None = None):
    at = app(role)
    if survey_id is not None:
        at.query_params["id"] = str(survey_id)
    at.run()
    at.switch_page("pages/surveys.py").run()
    assert not at.exception, at.exception
    return at


def texts(at) -> list[str]:
    return [
        e.value
        for kind in ("markdown", "caption", "info", "success", "warning", "text")
        for e in getattr(at, kind)
    ]


def my_response(survey_id: int, username: str = "resident"):
    with read_session() as s:
        user = s.exec(select(User).where(User.username == username)).one()
        return s.exec(
            select(SurveyResponse).where(
                SurveyResponse.survey_id == survey_id,
                SurveyResponse.resident_id == user.resident_id,
            )
        ).first()


def test_resident_answers_the_open_survey_then_changes_it(app):
    survey_id = demo_survey("open")
    q = questions(survey_id)
    at = open_surveys(app, "resident")
    assert any(T("surveys.for_you") in m for m in texts(at))  # the list flags it
    at = open_surveys(app, "resident", survey_id)
    assert T("survey.results_after_close") in texts(at)
    button(at, T("surveys.submit")).click().run()
    assert at.error[0].value == f"{T('field_name.answers')}: {T('survey.answer_required', n=1)}"
    assert my_response(survey_id) is None
    at.radio(key=f"answer_{survey_id}_{q['single']}").set_value(option_ids(q["single"])[1])
    at.radio(key=f"answer_{survey_id}_{q['rating']}").set_value(4)
    at.text_area(key=f"answer_{survey_id}_{q['text']}").input("车棚里装充电桩")
    button(at, T("surveys.submit")).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.success[0].value == T("surveys.thanks")
    response = my_response(survey_id)
    assert response.channel == "online"
    # Change it: the form is filled with the answer given.
    assert at.radio(key=f"edit_{survey_id}_{q['rating']}").value == 4
    at.radio(key=f"edit_{survey_id}_{q['rating']}").set_value(2)
    button(at, T("surveys.save_changes")).click().run()
    assert at.success[0].value == T("surveys.changed")
    assert at.radio(key=f"edit_{survey_id}_{q['rating']}").value == 2
    with read_session() as s:
        events = s.exec(
            select(ParticipationEvent).where(
                ParticipationEvent.kind == "survey_answer",
                ParticipationEvent.resident_id == response.resident_id,
                ParticipationEvent.object_id == survey_id,
            )
        ).all()
    assert len(events) == 1  # one per response, not per change


def option_ids(question_id: int) -> list[int]:
    from db.models import SurveyOption

    with read_session() as s:
        return list(
            s.exec(
                select(SurveyOption.id)
                .where(SurveyOption.question_id == question_id)
                .order_by(col(SurveyOption.position))
            ).all()
        )


def test_moderator_drafts_adds_questions_opens_and_enters_a_paper_answer(app):
    at = open_surveys(app, "moderator")
    at.text_input(key="new_survey_0_title").input("Bike shed survey")
    at.radio(key="new_survey_0_scope").set_value("buildings")
    at.multiselect(key="new_survey_0_buildings").select(
        at.multiselect(key="new_survey_0_buildings").options[0]
    )
    button(at, T("surveys.create")).click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    with read_session() as s:
        survey = s.exec(select(Survey).where(Survey.title == "Bike shed survey")).one()
    assert (survey.status, survey.scope) == ("draft", "buildings")
    assert at.success[0].value == T("surveys.created")  # and straight on to the survey
    assert button(at, T("surveys.open")).disabled  # no questions yet
    key = f"new_q_{survey.id}_0"
    at.selectbox(key=f"{key}_kind").set_value("single")
    at.text_input(key=f"{key}_prompt").input("Where should the shed go?")
    at.text_area(key=f"{key}_options").input("North gate\nSouth gate\n")
    button(at, T("surveys.add_question")).click().run()
    assert at.success[0].value == T("surveys.question_added"), [e.value for e in at.error]
    key = f"new_q_{survey.id}_1"  # a fresh, empty form
    assert at.text_input(key=f"{key}_prompt").value == ""
    at.selectbox(key=f"{key}_kind").set_value("rating")
    at.text_input(key=f"{key}_prompt").input("How badly is it needed?")
    at.text_area(key=f"{key}_options").input("ignored for a rating")
    button(at, T("surveys.add_question")).click().run()
    assert not at.error, [e.value for e in at.error]
    button(at, T("surveys.open")).click().run()
    assert at.success[0].value == T("surveys.opened")
    # A paper answer for a roster resident of that building, found by name.
    with read_session() as s:
        from db.models import Resident, SurveyBuilding

        building = s.exec(
            select(SurveyBuilding.building_id).where(SurveyBuilding.survey_id == survey.id)
        ).one()
        person = s.exec(
            select(Resident).where(Resident.building_id == building).order_by(col(Resident.id))
        ).first()
    at.text_input(key=f"survey_paper_q_{survey.id}").input(person.full_name).run()
    q = questions(survey.id)
    matches = [w for w in at.selectbox if w.label == T("field_name.resident")][0]
    matches.select_index(
        [i for i, m in enumerate(matches.options) if m.startswith(person.full_name)][0]
    )
    at.radio(key=f"paper_{survey.id}_0_{q['single']}").set_value(option_ids(q["single"])[0])
    at.radio(key=f"paper_{survey.id}_0_{q['rating']}").set_value(5)
    button(at, T("surveys.paper_submit")).click().run()
    assert not at.error, [e.value for e in at.error]
    assert at.success[0].value.startswith(T("surveys.paper_ok", name="")[:12])
    with read_session() as s:
        responses = s.exec(
            select(SurveyResponse).where(SurveyResponse.survey_id == survey.id)
        ).all()
    assert [(r.channel, r.entered_by is not None) for r in responses] == [("offline", True)]


def test_moderator_sees_results_cross_tab_and_free_text_and_makes_a_proposal(app):
    survey_id = demo_survey("closed")
    at = open_surveys(app, "moderator", survey_id)
    assert not at.error, [e.value for e in at.error]
    charts = at.get("vega_lite_chart")
    assert len(charts) >= 4  # single, multiple, rating and ranking questions
    spec = json.loads(charts[0].proto.spec)
    assert spec["mark"]["type"] == "bar"
    frame = at.dataframe[0].value
    assert list(frame.columns)[:2] == [T("surveys.group"), T("surveys.persons")]
    hidden = frame[frame[T("dashboard.suppressed")]]
    assert (hidden[T("surveys.persons")] == "—").all()
    if len(hidden):
        assert any(
            c.value.startswith(T("surveys.hidden_groups", k=10, groups="")[:10]) for c in at.caption
        )
    at.selectbox(key=f"xd_{survey_id}").set_value("age_band").run()
    assert not at.exception and T("surveys.cross_tab_consent") in " ".join(
        c.value for c in at.caption
    )
    free = [e for e in at.expander if e.label.startswith("Text answers")]
    assert free and at.text, "the free-text answers are listed"
    assert at.get("download_button")
    key = f"from_survey_{survey_id}_0"
    at.text_input(key=f"{key}_title").input("Lunch corner for older residents")
    at.text_area(key=f"{key}_body").input("Most older residents asked for a lunch corner.")
    button(at, T("surveys.make_proposal_submit")).click().run()
    assert at.success[0].value == T("surveys.proposal_made"), [e.value for e in at.error]
    with read_session() as s:
        proposal = s.exec(select(Proposal).where(Proposal.survey_id == survey_id)).one()
    assert proposal.title == "Lunch corner for older residents"
    assert any("Lunch corner" in e.proto.label for e in at.get("page_link"))
    # The proposal links back to the survey.
    at = app("resident")
    at.query_params["id"] = str(proposal.id)
    at.run()
    at.switch_page("pages/proposals.py").run()
    links = [e.proto for e in at.get("page_link")]
    back = [link for link in links if link.label.startswith("From the needs survey")]
    assert back and back[0].query_string == f"id={survey_id}"


def test_researcher_sees_results_and_cross_tab_but_no_free_text_or_desk(app):
    at = open_surveys(app, "researcher", demo_survey("closed"))
    assert at.get("vega_lite_chart") and at.dataframe
    assert not [e for e in at.expander if e.label.startswith("Text answers")]
    assert not at.text
    labels = {b.label for b in at.button}
    assert T("surveys.make_proposal_submit") not in labels and T("surveys.close") not in labels
    at = open_surveys(app, "researcher", demo_survey("open"))  # analysts see it while open
    assert at.get("vega_lite_chart") and not at.get("form")


def test_resident_sees_closed_results_without_cross_tab(app):
    at = open_surveys(app, "resident", demo_survey("closed"))
    assert at.get("vega_lite_chart")
    assert not at.dataframe and not at.text


def test_visitor_sees_the_list_and_is_asked_to_sign_in(app):
    at = open_surveys(app, "anonymous")
    links = [e.proto.label for e in at.get("page_link")]
    assert "停车与充电需求调查" in links and "社区养老服务需求调查" in links
    assert T("surveys.new") not in [e.label for e in at.expander]
    at = open_surveys(app, "anonymous", demo_survey("open"))
    assert T("surveys.sign_in_to_answer") in [e.value for e in at.info]
    assert not [b for b in at.button if b.label == T("surveys.submit")]


def test_unknown_or_draft_survey_is_not_found_for_residents(app):
    at = open_surveys(app, "resident", 999999)
    assert at.warning[0].value == T("error.not_found")


# --- the window, small counts and paper corrections ----------------------------------------


def set_window(survey_id: int, *, opens, closes) -> None:
    with write_session() as s:
        survey = s.get(Survey, survey_id)
        survey.opens_at, survey.closes_at = opens, closes


def facts(at) -> str:
    """The survey's caption: status · scope · window · responses."""
    return [c.value for c in at.caption if " · " in c.value][0]


def community_tz() -> str:
    from core.community import get_community

    return get_community(1).timezone


def test_a_survey_past_its_window_shows_as_closed_with_its_results(app):
    survey_id = demo_survey("open")
    set_window(
        survey_id, opens=utcnow() - timedelta(days=3), closes=utcnow() - timedelta(minutes=5)
    )  # nobody closed it
    at = open_surveys(app, "resident", survey_id)
    shown = texts(at)
    assert not [m for m in shown if m.startswith(T("surveys.not_yet_open", when="")[:15])]
    assert T("survey.results_after_close") not in shown  # the results are public now
    assert facts(at).startswith(T("survey_status.closed") + " · ")
    assert not at.get("form")  # no answering
    with read_session() as s:
        survey = s.get(Survey, survey_id)
        assert (survey.status, survey.closed_at) == ("closed", survey.closes_at)


def test_an_open_survey_before_its_window_says_when_it_opens(app):
    survey_id = demo_survey("open")
    opens = (utcnow() + timedelta(days=2)).replace(second=0, microsecond=0)
    set_window(survey_id, opens=opens, closes=opens + timedelta(days=7))
    at = open_surveys(app, "resident", survey_id)
    when = T.datetime(opens, community_tz(), "short")
    assert T("surveys.not_yet_open", when=when) in [e.value for e in at.info]
    assert facts(at).startswith(T("survey_status.open") + " · ")
    assert not at.get("form")


def small_closed_survey() -> int:
    """A survey of one building that one resident answered on paper, closed."""
    from core.principal import Principal
    from core.surveys.answering import enter_paper_answer
    from core.surveys.drafting import add_question, close_survey, create_survey, open_survey
    from db.models import Resident, User

    with read_session() as s:
        moderator = s.exec(select(User).where(User.username == "moderator")).one()
        person = s.exec(
            select(Resident)
            .where(
                col(Resident.id).not_in(
                    select(User.resident_id).where(col(User.resident_id).is_not(None))
                )
            )
            .order_by(col(Resident.id))
        ).first()
    actor = Principal(user_id=moderator.id, role="moderator", community_id=1)
    survey_id = create_survey(
        actor=actor,
        title="Small survey",
        scope="buildings",
        building_ids=[person.building_id],
        opens_at=utcnow(),
        closes_at=utcnow() + timedelta(days=1),
    )
    question = add_question(
        actor=actor,
        survey_id=survey_id,
        kind="single",
        prompt="Which one?",
        options=["Lights", "Benches"],
    )
    open_survey(actor=actor, survey_id=survey_id)
    enter_paper_answer(
        actor=actor,
        survey_id=survey_id,
        resident_id=person.id,
        answers={question: option_ids(question)[1]},
    )
    close_survey(actor=actor, survey_id=survey_id)
    return survey_id


def test_a_survey_one_person_answered_shows_no_counts(app):
    survey_id = small_closed_survey()
    too_few = T("surveys.too_few_answers", k=10)
    for role in ("anonymous", "resident", "researcher", "moderator"):
        at = open_surveys(app, role, survey_id)
        assert too_few in [e.value for e in at.info], role
        assert not at.get("vega_lite_chart") and not at.metric and not at.dataframe, role
        assert not any(T("surveys.answered_by", n=1) in m for m in texts(at)), role


def test_moderator_corrects_a_paper_answer(app):
    from db.models import Resident

    survey_id = demo_survey("open")
    q = questions(survey_id)
    with read_session() as s:
        response, person = s.exec(
            select(SurveyResponse, Resident)
            .join(Resident, Resident.id == SurveyResponse.resident_id)
            .where(SurveyResponse.survey_id == survey_id, SurveyResponse.channel == "offline")
            .order_by(col(SurveyResponse.id))
        ).first()
    at = app("moderator")
    at.query_params["id"] = str(survey_id)
    at.session_state[f"survey_paper_q_{survey_id}"] = person.full_name
    at.run()
    at.switch_page("pages/surveys.py").run()
    at.radio(key=f"paper_mode_{survey_id}").set_value("correct").run()
    who = at.selectbox(key=f"paper_fix_who_{survey_id}")
    who.select_index([i for i, m in enumerate(who.options) if m.startswith(person.full_name)][0])
    at.run()
    rating = at.radio(key=f"paper_fix_{survey_id}_{person.id}_0_{q['rating']}")
    before = rating.value
    assert before in (1, 2, 3, 4, 5)  # filled in with what was entered
    rating.set_value(5 if before != 5 else 1)
    button(at, T("surveys.paper_correct_submit")).click().run()
    assert not at.error, [e.value for e in at.error]
    assert at.success[0].value == T("surveys.paper_corrected", name=person.full_name)
    with read_session() as s:
        from db.models import SurveyAnswer

        stored = s.exec(
            select(SurveyAnswer.rating).where(
                SurveyAnswer.response_id == response.id, SurveyAnswer.question_id == q["rating"]
            )
        ).one()
        channel = s.get(SurveyResponse, response.id).channel
    assert (stored, channel) == (5 if before != 5 else 1, "offline")
