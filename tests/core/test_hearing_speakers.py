"""The speaker list: sign-up, ordering, timed and hand-recorded turns, speaking records."""

from datetime import timedelta

import pytest
from sqlmodel import select

from core.errors import Conflict, InvalidInput, PermissionDenied
from core.hearings.commands import create_hearing, move_hearing, register_for_hearing
from core.hearings.queries import get_hearing
from core.hearings.speakers import add_speaker, end_turn, move_speaker, sign_up_to_speak, start_turn
from db.engine import read_session, write_session
from db.models import ParticipationEvent
from db.models import Testimony as Turn  # a "Test..." name would be collected by pytest
from db.models.base import utcnow

pytestmark = pytest.mark.usefixtures("quick_accounts")


@pytest.fixture
def hearing_id(people) -> int:
    start = utcnow().replace(microsecond=0) + timedelta(days=3)
    hearing = create_hearing(
        actor=people["moderator"],
        kind="forum",
        title="停车管理座谈会",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        place="居委会会议室",
    )
    move_hearing(actor=people["moderator"], hearing_id=hearing, to_status="open")
    return hearing


def order(hearing_id, people) -> list[str]:
    return [s.name for s in get_hearing(viewer=people["moderator"], hearing_id=hearing_id).speakers]


def test_registered_residents_sign_up_once(people, hearing_id):
    with pytest.raises(Conflict) as raised:
        sign_up_to_speak(actor=people["resident"], hearing_id=hearing_id, position="for")
    assert raised.value.key == "hearing.not_registered"
    register_for_hearing(actor=people["resident"], hearing_id=hearing_id)
    with pytest.raises(InvalidInput):
        sign_up_to_speak(actor=people["resident"], hearing_id=hearing_id, position="maybe")
    sign_up_to_speak(actor=people["resident"], hearing_id=hearing_id, position="against")
    with pytest.raises(Conflict) as raised:
        sign_up_to_speak(actor=people["resident"], hearing_id=hearing_id, position="for")
    assert raised.value.key == "hearing.already_on_speaker_list"
    speaker = get_hearing(viewer=people["resident"], hearing_id=hearing_id).speakers[0]
    assert (speaker.role, speaker.position, speaker.turn_order) == ("resident", "against", 1)


def test_moderator_orders_and_times_turns(people, hearing_id):
    moderator = people["moderator"]
    expert = add_speaker(
        actor=moderator,
        hearing_id=hearing_id,
        speaker_name="李工程师",
        speaker_role="expert",
        position="neutral",
    )
    official = add_speaker(
        actor=moderator,
        hearing_id=hearing_id,
        speaker_name="街道王科长",
        speaker_role="official",
        position="for",
    )
    assert order(hearing_id, people) == ["李工程师", "街道王科长"]
    move_speaker(actor=moderator, testimony_id=official, step=-1)
    assert order(hearing_id, people) == ["街道王科长", "李工程师"]
    move_speaker(actor=moderator, testimony_id=official, step=-1)  # already first: no change
    assert order(hearing_id, people) == ["街道王科长", "李工程师"]
    with pytest.raises(Conflict) as raised:
        end_turn(actor=moderator, testimony_id=expert)
    assert raised.value.key == "hearing.turn_not_started"
    start_turn(actor=moderator, testimony_id=expert)
    with write_session() as s:  # pretend the expert spoke for two and a half minutes
        s.get(Turn, expert).started_at = utcnow() - timedelta(seconds=150)
    assert 150 <= end_turn(actor=moderator, testimony_id=expert) <= 152
    with pytest.raises(Conflict):
        end_turn(actor=moderator, testimony_id=expert)
    for bad in (0, -5, 4 * 3600, 1.5, True):
        with pytest.raises(InvalidInput):
            end_turn(actor=moderator, testimony_id=official, seconds=bad)
    assert (
        end_turn(actor=moderator, testimony_id=official, seconds=240, summary="支持错时停车") == 240
    )


def test_speaking_time_of_residents_is_a_participation_record(people, hearing_id):
    register_for_hearing(actor=people["resident"], hearing_id=hearing_id)
    turn = sign_up_to_speak(actor=people["resident"], hearing_id=hearing_id, position="for")
    add_speaker(
        actor=people["moderator"],
        hearing_id=hearing_id,
        speaker_name="专家",
        speaker_role="expert",
        position="neutral",
    )
    end_turn(actor=people["moderator"], testimony_id=turn, seconds=95)
    with read_session() as s:
        events = s.exec(
            select(ParticipationEvent).where(ParticipationEvent.kind == "speaking")
        ).all()
    assert [(e.resident_id, e.amount, e.channel) for e in events] == [
        (people["resident"].resident_id, 95, "offline")
    ]


def test_residents_cannot_run_the_list(people, hearing_id):
    turn = add_speaker(
        actor=people["moderator"],
        hearing_id=hearing_id,
        speaker_name="专家",
        speaker_role="expert",
        position="neutral",
    )
    for command in (
        lambda: start_turn(actor=people["resident"], testimony_id=turn),
        lambda: end_turn(actor=people["resident"], testimony_id=turn, seconds=60),
        lambda: move_speaker(actor=people["resident"], testimony_id=turn, step=1),
        lambda: add_speaker(
            actor=people["resident"],
            hearing_id=hearing_id,
            speaker_name="我",
            speaker_role="expert",
            position="for",
        ),
    ):
        with pytest.raises(PermissionDenied):
            command()


def test_list_closes_with_the_minutes(people, hearing_id):
    with write_session() as s:
        from db.models import Hearing

        s.get(Hearing, hearing_id).status = "minutes_published"
    with pytest.raises(Conflict) as raised:
        add_speaker(
            actor=people["moderator"],
            hearing_id=hearing_id,
            speaker_name="迟到者",
            speaker_role="resident",
            position="for",
        )
    assert raised.value.key == "hearing.speaking_closed"
