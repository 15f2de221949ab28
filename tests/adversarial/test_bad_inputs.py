"""Bad input from users: every text field refuses empty, blank, invisible, oversized,
NUL-bearing and broken-Unicode text (and direction overrides where it is one line); user
names refuse look-alike letters; SQL strings are stored as text; numbers refuse negative,
zero, NaN and huge values; ballots refuse duplicate, unknown and foreign options; uploads
refuse what is not what they claim. Each answer is InvalidInput (a translated message) and
nothing is written."""

import io
import math
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func
from sqlmodel import SQLModel, select

from core.accounts.commands import register
from core.announcements import publish_announcement
from core.discussion import add_comment
from core.errors import Conflict, DomainError, InvalidInput
from core.hearings.commands import create_hearing
from core.imported_logs.saved import save_dataset
from core.proposals.commands import submit_proposal
from core.proposals.photos import prepare_photo
from core.proposals.queries import get_proposal, list_proposals
from core.voting.ballots import cast_ballot
from core.voting.polls import create_poll
from db.engine import read_session
from db.models.base import utcnow
from tests.conftest import BODY
from tests.core.test_voting import option_ids, poll, verified

pytestmark = pytest.mark.usefixtures("quick_accounts")

NASTY = {
    "empty": "",
    "blank": " \t\n ",
    "zero_width": "\u200b\u200c\u2060\ufeff",
    "nul": "楼道\x00灯",
    "lone_surrogate": "楼道\ud800灯",
    "megabyte": "长" * 1_000_000,
}
ONE_LINE_ONLY = {"direction_override": "楼道\u202e灯坏了"}


def soon(hours: float):
    return utcnow().replace(microsecond=0) + timedelta(hours=hours)


def text_fields(people, community, proposal_id):
    """(name, call with the nasty value, one line?) for each user-facing text field."""
    resident, moderator, researcher = people["resident"], people["moderator"], people["researcher"]
    return [
        (
            "proposal title",
            lambda v: submit_proposal(
                actor=resident, kind="proposal", title=v, body=BODY, category="facilities"
            ),
            True,
        ),
        (
            "proposal body",
            lambda v: submit_proposal(
                actor=resident, kind="proposal", title="标题", body=v, category="facilities"
            ),
            False,
        ),
        ("comment", lambda v: add_comment(actor=resident, proposal_id=proposal_id, body=v), False),
        (
            "hearing title",
            lambda v: create_hearing(
                actor=moderator,
                kind="public_hearing",
                title=v,
                starts_at=soon(48),
                ends_at=soon(50),
                place="活动室",
            ),
            True,
        ),
        (
            "poll title",
            lambda v: create_poll(
                actor=moderator,
                title=v,
                method="approval",
                opens_at=soon(1),
                closes_at=soon(48),
                options=[{"label": "甲"}, {"label": "乙"}],
            ),
            True,
        ),
        (
            "poll option",
            lambda v: create_poll(
                actor=moderator,
                title="投票",
                method="approval",
                opens_at=soon(1),
                closes_at=soon(48),
                options=[{"label": v}, {"label": "乙"}],
            ),
            True,
        ),
        (
            "announcement title",
            lambda v: publish_announcement(actor=moderator, kind="notice", title=v, body=BODY),
            True,
        ),
        (
            "announcement body",
            lambda v: publish_announcement(actor=moderator, kind="notice", title="通知", body=v),
            False,
        ),
        (
            "dataset name",
            lambda v: save_dataset(actor=researcher, name=v, data=b"person_id,kind\n1,comment\n"),
            True,
        ),
        (
            "display name",
            lambda v: register(
                community_id=community["id"],
                username="newbie",
                display_name=v,
                password="walnut-lantern-river",
                building_id=community["buildings"][0],
            ),
            True,
        ),
    ]


def row_counts() -> dict[str, int]:
    with read_session() as s:
        return {
            t.name: s.exec(select(func.count()).select_from(t)).one()
            for t in SQLModel.metadata.sorted_tables
        }


def test_every_text_field_refuses_nasty_text(people, community, proposal_id):
    before = row_counts()
    wrong = []
    for name, call, one_line in text_fields(people, community, proposal_id):
        cases = {**NASTY, **(ONE_LINE_ONLY if one_line else {})}
        for label, value in cases.items():
            try:
                call(value)
            except InvalidInput:
                continue
            except Exception as error:  # noqa: BLE001 - anything else is the finding
                wrong.append(f"{name} / {label}: {type(error).__name__} {error}"[:200])
            else:
                wrong.append(f"{name} / {label}: accepted")
    assert wrong == []
    assert row_counts() == before


@pytest.mark.parametrize(
    "username, outcome",
    [
        ("аdmin1", InvalidInput),  # Cyrillic а
        ("admin1\u202e", InvalidInput),
        ("ad\u200bmin1", Conflict),
        ("admin 1", InvalidInput),
        ("ａｄｍｉｎ１", Conflict),  # full-width: the same name as admin1, which is taken
        ("ADMIN1", Conflict),
        ("../../etc/passwd", InvalidInput),
        ("a" * 33, InvalidInput),
    ],
)
def test_user_names_refuse_look_alikes(people, community, username, outcome):
    before = row_counts()
    with pytest.raises(outcome):
        register(
            community_id=community["id"],
            username=username,
            display_name="冒名者",
            password="walnut-lantern-river",
            building_id=community["buildings"][0],
        )
    assert row_counts() == before


def test_sql_is_just_text(people, proposal_id):
    title = "'; DROP TABLE proposal; --"
    new_id = submit_proposal(
        actor=people["resident"], kind="proposal", title=title, body=BODY, category="facilities"
    )
    assert get_proposal(viewer=people["admin"], proposal_id=new_id).title == title
    assert [p.id for p in list_proposals(community_id=1, search="' OR '1'='1").items] == []
    assert [p.id for p in list_proposals(community_id=1, search="DROP TABLE").items] == [new_id]
    assert list_proposals(community_id=1, search="%").total >= 0  # a wildcard is a character


@pytest.mark.parametrize("capacity", [0, -5, math.nan, 10**12, True, "20", 2.5])
def test_hearing_capacities(people, capacity):
    before = row_counts()
    with pytest.raises(InvalidInput):
        create_hearing(
            actor=people["moderator"],
            kind="public_hearing",
            title="听证会",
            starts_at=soon(48),
            ends_at=soon(50),
            place="活动室",
            capacity=capacity,
        )
    assert row_counts() == before


@pytest.mark.parametrize(
    "budget, cost",
    [
        (-100, 10),
        (0, 10),
        (math.nan, 10),
        (math.inf, 10),
        (10**15, 10),
        (100, -10),
        (100, math.nan),
        (100, 0),
        ("100", 10),
    ],
)
def test_budgets_and_costs(people, budget, cost):
    before = row_counts()
    with pytest.raises(InvalidInput):
        create_poll(
            actor=people["moderator"],
            title="参与式预算",
            method="budget",
            opens_at=soon(1),
            closes_at=soon(48),
            budget=budget,
            options=[{"label": "路灯", "cost": cost}, {"label": "长椅", "cost": 30}],
        )
    assert row_counts() == before


def test_ballots_with_duplicate_unknown_or_foreign_options(people, community):
    voter = verified(community, "ballot.tester")
    poll_id, other = poll(people["moderator"]), poll(people["moderator"])
    mine, theirs = option_ids(poll_id), option_ids(other)
    before = row_counts()
    for choice in (
        [mine[0], mine[0]],
        [999_999],
        [theirs[0]],
        [],
        "1",
        None,
        [True],
        [mine[0], "x"],
        list(range(10_000)),
    ):
        with pytest.raises(InvalidInput):
            cast_ballot(actor=voter, poll_id=poll_id, choice=choice)
    assert row_counts() == before


def png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(buffer, "PNG")
    return buffer.getvalue()


def test_uploads_that_are_not_what_they_claim():
    bomb = bytearray(png(10, 10))
    # Rewrite the PNG header to claim 60,000 x 60,000 pixels (3.6 gigapixels).
    bomb[16:24] = (60_000).to_bytes(4, "big") * 2
    for data in (
        b"",
        b"GIF89a not really",
        b"<svg onload=alert(1)>",
        b"\x00" * 100,
        bytes(bomb),
        b"\xff\xd8\xff" + b"\x00" * 6 * 1024 * 1024,
    ):
        with pytest.raises(InvalidInput):
            prepare_photo(data)
    stored, extension = prepare_photo(png(3000, 100))
    assert extension == "png" and Image.open(io.BytesIO(stored)).size[0] <= 2000


def test_external_logs_refuse_junk(people):
    from core.imported_logs.analysis import read_log

    for data in (
        b"",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 100,
        b"who,what\n1,2\n",
        b"person_id,kind\n",
        "person_id,kind\n\ud800".encode("utf-8", "surrogatepass"),
    ):
        with pytest.raises(DomainError):
            read_log(actor=people["researcher"], data=data)


@pytest.mark.parametrize(
    "bounds",
    [
        (-1, 3),
        (2, 1),
        (math.nan, 3),
        (0, math.inf),
        (10**9, 10**9),
        (True, 3),
        ("1", "3"),
        (1.5, 3),
        (1,),
        None,
    ],
)
def test_sortition_quotas(bounds):
    import pandas as pd

    from core.sortition.panel import select_panel

    pool = pd.DataFrame({"person_id": range(1, 41), "age_band": ["18-29", "60-74"] * 20})
    quotas = {"age_band": {"18-29": bounds, "60-74": (0, 10)}}
    with pytest.raises(InvalidInput):
        select_panel(pool, quotas, 10, seed=1)
    for k in (0, -3, math.nan, 10**9, True, "10"):
        with pytest.raises(InvalidInput):
            select_panel(pool, {"age_band": {"18-29": (0, 10), "60-74": (0, 10)}}, k, seed=1)
