"""Needs surveys' results (core.surveys.results, core.surveys.privacy): counts per
question with the dashboard's small-cell suppression and consent rule, cross tabs, and
free text for moderators only."""

import csv
import io

import pytest
from sqlmodel import col, select

from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.surveys.answering import enter_paper_answer
from core.surveys.drafting import close_survey
from core.surveys.privacy import K, hidden_groups
from core.surveys.results import cross_tab, survey_results, text_answers, text_answers_csv
from db.engine import read_session
from db.models import Resident, SurveyAnswer
from tests.conftest import visitor
from tests.core.survey_helpers import answered_survey, full_answer, make_survey, roster

# Fixtures: imported by name so that pytest, and tests/pg's copy of this module, find them.
from tests.core.survey_helpers import moderator as moderator

pytestmark = pytest.mark.usefixtures("quick_accounts")


def test_per_question_results(moderator, community, people):
    sv = answered_survey(moderator, community)
    close_survey(actor=moderator, survey_id=sv["id"])
    result = survey_results(viewer=visitor(people), survey_id=sv["id"])
    assert (result.respondents, result.offline, result.status, result.k) == (25, 25, "closed", K)
    single, multiple, rating, ranking, text = result.questions
    assert all(q.shown for q in result.questions)
    assert [(o.label, o.count) for o in single.options] == [("照明", 12), ("停车", 6), ("绿化", 7)]
    assert single.answered == 25 and single.options[0].share == pytest.approx(12 / 25)
    assert [o.count for o in multiple.options] == [25, 0, 25]
    assert rating.ratings == [7, 6, 0, 0, 12] and rating.mean == pytest.approx(79 / 25)
    assert [(o.label, o.mean_rank, o.points) for o in ranking.options] == [
        ("电梯", 2.0, 25),
        ("路灯", 1.0, 50),
        ("长椅", 3.0, 0),
    ]
    assert (text.kind, text.answered, text.options) == ("text", 25, [])


def test_results_while_open_are_for_staff_and_researchers(moderator, community, people):
    sv = answered_survey(moderator, community)
    for who in ("moderator", "admin", "researcher"):
        assert survey_results(viewer=people[who], survey_id=sv["id"]).respondents == 25
    for who in (people["resident"], visitor(people)):
        with pytest.raises(Conflict) as raised:
            survey_results(viewer=who, survey_id=sv["id"])
        assert raised.value.key == "survey.results_after_close"
    draft = make_survey(moderator, start=False)
    with pytest.raises(NotFound):
        survey_results(viewer=moderator, survey_id=draft["id"])


def test_a_survey_one_person_answered_shows_no_counts_to_anyone(moderator, community, people):
    sv = make_survey(moderator, scope="buildings", building_ids=[community["buildings"][0]])
    enter_paper_answer(
        actor=moderator,
        survey_id=sv["id"],
        resident_id=roster(community, 1)[0],
        answers=full_answer(sv),
    )
    close_survey(actor=moderator, survey_id=sv["id"])
    for who in (visitor(people), people["resident"], people["researcher"], moderator):
        result = survey_results(viewer=who, survey_id=sv["id"])
        assert (result.respondents, result.offline, result.k) == (None, None, K)
        assert [(q.shown, q.answered, q.options, q.ratings, q.mean) for q in result.questions] == [
            (False, None, [], [], None)
        ] * 5
    table = cross_tab(
        viewer=people["researcher"],
        survey_id=sv["id"],
        question_id=sv["q"]["rating"],
        dimension="building",
    )
    assert [(r.persons, r.suppressed, r.values) for r in table.rows] == [(None, True, [None])]


def test_an_optional_question_fewer_than_k_answered_is_not_shown(moderator, community, people):
    sv = make_survey(moderator)
    people_ = roster(community, K)
    for i, resident_id in enumerate(people_):
        enter_paper_answer(
            actor=moderator,
            survey_id=sv["id"],
            resident_id=resident_id,
            answers=full_answer(sv, text="多装灯" if i < K - 1 else None),
        )
    result = survey_results(viewer=people["researcher"], survey_id=sv["id"])
    assert result.respondents == K
    assert [(q.kind, q.shown, q.answered) for q in result.questions] == [
        ("single", True, K),
        ("multiple", True, K),
        ("rating", True, K),
        ("ranking", True, K),
        ("text", False, None),
    ]


def test_a_lone_answer_cannot_be_derived_from_the_totals(moderator, community, people):
    """The reviewer's case: 10 answers in building 1 and 1 in building 2. The question's
    totals are public (11 answered); had building 1 been shown, total minus building 1
    would be the lone answer. Both are hidden."""
    b1, b2 = community["buildings"][:2]
    sv = make_survey(moderator, scope="buildings", building_ids=[b1, b2])
    for resident_id in roster(community, 10, building=0):
        enter_paper_answer(
            actor=moderator,
            survey_id=sv["id"],
            resident_id=resident_id,
            answers=full_answer(sv, single=0, rating=5),
        )
    enter_paper_answer(
        actor=moderator,
        survey_id=sv["id"],
        resident_id=roster(community, 1, building=1)[0],
        answers=full_answer(sv, single=1, rating=1),
    )
    close_survey(actor=moderator, survey_id=sv["id"])
    public = survey_results(viewer=visitor(people), survey_id=sv["id"])
    assert public.respondents == 11 and public.questions[0].answered == 11
    for kind in ("single", "multiple", "rating", "ranking"):
        table = cross_tab(
            viewer=people["researcher"],
            survey_id=sv["id"],
            question_id=sv["q"][kind],
            dimension="building",
        )
        assert [(r.group, r.persons, r.suppressed) for r in table.rows] == [
            ("1号楼", None, True),
            ("2号楼", None, True),
        ]
        assert all(v is None for r in table.rows for v in r.values)


@pytest.mark.parametrize(
    "sizes, hidden",
    [
        ({"a": 10, "b": 1}, {"a", "b"}),  # two groups, one small: both
        ({"a": 20, "b": 12}, set()),
        ({"a": 3}, {"a"}),
        ({"a": 0, "b": 15}, set()),
        ({"a": 12, "b": 6, "c": 17}, {"a", "b"}),  # one small: the next smallest with it
        ({"a": 12, "b": 3, "c": 12}, {"a", "b"}),  # ties by name
        ({"a": 20, "b": 6, "c": 7}, {"b", "c"}),  # two small holding 13 >= k: enough
        ({"a": 50, "b": 1, "c": 2, "d": 60}, {"a", "b", "c"}),  # 3 < k: one more
        ({"a": 12, "b": 1, "c": 1}, {"a", "b", "c"}),
        ({"a": 30, "b": 9, "c": 5, "d": 40}, {"b", "c"}),
    ],
)
def test_secondary_suppression_hides_at_least_two_groups_of_k_together(sizes, hidden):
    assert hidden_groups(sizes) == hidden
    found = hidden_groups(sizes)
    if found:
        assert len(found) >= 2 or found == {g for g, n in sizes.items() if n}
        assert sum(sizes[g] for g in found) >= K or found == {g for g, n in sizes.items() if n}


def test_cross_tab_by_building_suppresses_small_groups(moderator, community, people):
    sv = answered_survey(moderator, community)
    table = cross_tab(
        viewer=people["researcher"],
        survey_id=sv["id"],
        question_id=sv["q"]["single"],
        dimension="building",
    )
    assert (table.measure, table.columns, table.k) == ("share", ["照明", "停车", "绿化"], K)
    # 6 and 7 persons are under k: both hidden (building counts everyone, consent or not).
    assert [(r.group, r.persons, r.suppressed, r.values) for r in table.rows] == [
        ("1号楼", 12, False, [1.0, 0.0, 0.0]),
        ("2号楼", None, True, [None] * 3),
        ("3号楼", None, True, [None] * 3),
    ]
    rating = cross_tab(
        viewer=moderator, survey_id=sv["id"], question_id=sv["q"]["rating"], dimension="building"
    )
    assert (rating.measure, rating.columns, rating.rows[0].values) == ("mean", [""], [5.0])
    ranking = cross_tab(
        viewer=moderator, survey_id=sv["id"], question_id=sv["q"]["ranking"], dimension="building"
    )
    assert ranking.measure == "mean_rank" and ranking.rows[0].values == [2.0, 1.0, 3.0]


def test_one_small_group_takes_the_next_smallest_with_it(moderator, community, people):
    sv = answered_survey(moderator, community)
    for resident_id in roster(community, 10, building=2, consent=False):
        enter_paper_answer(
            actor=moderator,
            survey_id=sv["id"],
            resident_id=resident_id,
            answers=full_answer(sv, single=2),
        )
    table = cross_tab(
        viewer=moderator, survey_id=sv["id"], question_id=sv["q"]["single"], dimension="building"
    )
    # Sizes 12, 6, 17: only building 2 is small, so the next smallest is hidden too, else
    # the total would give it away.
    assert [(r.group, r.suppressed) for r in table.rows] == [
        ("1号楼", True),
        ("2号楼", True),
        ("3号楼", False),
    ]


@pytest.mark.parametrize(
    "dimension, shown",
    [
        ("age_band", [("60-74", 12, False), ("30-44", None, True), ("18-29", None, True)]),
        ("occupation", [("employed", None, True), ("retired", 12, False), ("student", None, True)]),
        (
            "residency_status",
            [("local_registered", 12, False), ("migrant", None, True), ("renter", None, True)],
        ),
    ],
)
def test_demographic_cross_tabs_count_only_consenting_residents(
    moderator, community, people, dimension, shown
):
    sv = answered_survey(moderator, community)
    table = cross_tab(
        viewer=people["researcher"],
        survey_id=sv["id"],
        question_id=sv["q"]["single"],
        dimension=dimension,
    )
    # The two non-consenting unemployed residents aged 75+ appear nowhere.
    assert sorted((r.group, r.persons, r.suppressed) for r in table.rows) == sorted(shown)


def test_cross_tab_refusals(moderator, community, people):
    sv = answered_survey(moderator, community)
    for who in (people["resident"], visitor(people)):
        with pytest.raises(PermissionDenied):
            cross_tab(
                viewer=who, survey_id=sv["id"], question_id=sv["q"]["single"], dimension="building"
            )
    for question, dimension, key, field in (
        (sv["q"]["single"], "gender", "field.not_a_choice", "dimension"),
        (sv["q"]["single"], "education", "field.not_a_choice", "dimension"),
        (99999, "building", "field.not_a_choice", "question"),
        (sv["q"]["text"], "building", "survey.no_cross_tab_for_text", "question"),
    ):
        with pytest.raises(InvalidInput) as raised:
            cross_tab(
                viewer=moderator, survey_id=sv["id"], question_id=question, dimension=dimension
            )
        assert (raised.value.key, raised.value.field) == (key, field)


def test_free_text_for_moderators_only_without_names_in_a_stable_order(
    moderator, community, people
):
    sv = answered_survey(moderator, community)
    for who in (people["resident"], people["researcher"], visitor(people)):
        with pytest.raises(PermissionDenied):
            text_answers(viewer=who, survey_id=sv["id"])
        with pytest.raises(PermissionDenied):
            text_answers_csv(viewer=who, survey_id=sv["id"])
    first = text_answers(viewer=moderator, survey_id=sv["id"])
    assert first == text_answers(viewer=people["admin"], survey_id=sv["id"])
    assert len(first) == 25 and {a.position for a in first} == {5}
    assert set(type(first[0]).model_fields) == {"question_id", "position", "prompt", "text"}
    with read_session() as s:
        in_order = [
            a.text
            for a in s.exec(
                select(SurveyAnswer)
                .where(col(SurveyAnswer.text).is_not(None))
                .order_by(col(SurveyAnswer.id))
            )
        ]
    assert sorted(a.text for a in first) == sorted(in_order)
    assert [a.text for a in first] != in_order  # not in the order people answered
    exported = text_answers_csv(viewer=moderator, survey_id=sv["id"])
    rows = list(csv.reader(io.StringIO(exported.decode("utf-8-sig"))))
    assert rows[0] == ["question", "prompt", "answer"]
    assert all(row[2].startswith("'=HYPERLINK") for row in rows[1:])  # inert in a spreadsheet
    with read_session() as s:
        names = s.exec(select(Resident.full_name)).all()
    assert not any(name in exported.decode("utf-8-sig") for name in names)
