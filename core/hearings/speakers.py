"""The speaker list of a hearing: residents sign up (for, against or neutral), moderators
add experts, officials and actors' representatives, order the turns and time them. The
seconds each resident spoke become a "speaking" participation record, so the dashboard can
show who holds the floor."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from core.audit import record
from core.errors import Conflict, InvalidInput, NotFound
from core.hearings import lifecycle
from core.hearings.commands import hearing_for_update
from core.hearings.lifecycle import RegistrationStatus
from core.participation import record_participation
from core.permissions import require
from core.principal import Principal
from core.text import clean_text, is_whole_number
from db.engine import write_session
from db.models import Hearing, HearingAttendance, HearingRegistration, Resident, Testimony
from db.models.base import utcnow
from db.models.hearings import SpeakerRole

SPEAKER_ROLES = tuple(SpeakerRole)
POSITIONS = ("for", "against", "neutral")
MAX_TURN_SECONDS = 3 * 3600


def _next_turn(s: Session, hearing_id: int) -> int:
    last = s.exec(
        select(func.max(Testimony.turn_order)).where(Testimony.hearing_id == hearing_id)
    ).one()
    return (last or 0) + 1


def _speaking_open(hearing: Hearing) -> None:
    if hearing.status not in lifecycle.SPEAKING:
        raise Conflict("hearing.speaking_closed")


def sign_up_to_speak(*, actor: Principal, hearing_id: int, position: str) -> int:
    """A registered resident asks for a turn, saying whether they speak for or against."""
    require(actor, "hearing.register")
    if position not in POSITIONS:
        raise InvalidInput("field.not_a_choice", field="position")
    with write_session() as s:
        hearing = hearing_for_update(s, hearing_id, actor)
        assert hearing.id is not None  # read from the database
        _speaking_open(hearing)
        registered = s.exec(
            select(HearingRegistration.id).where(
                HearingRegistration.hearing_id == hearing.id,
                HearingRegistration.resident_id == actor.resident_id,
                HearingRegistration.status == RegistrationStatus.REGISTERED,
            )
        ).first()
        if registered is None:
            raise Conflict("hearing.not_registered")
        if s.exec(
            select(Testimony.id).where(
                Testimony.hearing_id == hearing.id,
                Testimony.resident_id == actor.resident_id,
                col(Testimony.seconds_spoken).is_(None),
            )
        ).first():
            raise Conflict("hearing.already_on_speaker_list")
        resident = s.get(Resident, actor.resident_id)
        assert resident is not None and resident.id is not None  # registered: on the roster
        turn = Testimony(
            hearing_id=hearing.id,
            resident_id=resident.id,
            speaker_name=resident.full_name,
            speaker_role=SpeakerRole.RESIDENT,
            position=position,
            turn_order=_next_turn(s, hearing.id),
        )
        s.add(turn)
        s.flush()
        assert turn.id is not None  # flushed
        record(
            s,
            actor=actor,
            action="hearing.sign_up_to_speak",
            object_type="hearing",
            object_id=hearing.id,
            payload={"position": position},
        )
        return turn.id


def add_speaker(
    *,
    actor: Principal,
    hearing_id: int,
    speaker_name: str,
    speaker_role: str,
    position: str,
    resident_id: int | None = None,
) -> int:
    """A moderator puts someone on the list: an expert, an official, an actor's
    representative, or a roster resident (who may have no account)."""
    require(actor, "hearing.manage")
    speaker_name = clean_text(speaker_name, field="speaker_name", max_len=100)
    if speaker_role not in SPEAKER_ROLES:
        raise InvalidInput("field.not_a_choice", field="speaker_role")
    if position not in POSITIONS:
        raise InvalidInput("field.not_a_choice", field="position")
    with write_session() as s:
        hearing = hearing_for_update(s, hearing_id, actor)
        assert hearing.id is not None  # read from the database
        _speaking_open(hearing)
        if resident_id is not None:
            resident = s.get(Resident, resident_id) if isinstance(resident_id, int) else None
            if resident is None or resident.community_id != hearing.community_id:
                raise InvalidInput("hearing.not_a_resident", field="resident")
        turn = Testimony(
            hearing_id=hearing.id,
            resident_id=resident_id,
            speaker_name=speaker_name,
            speaker_role=speaker_role,
            position=position,
            turn_order=_next_turn(s, hearing.id),
        )
        s.add(turn)
        s.flush()
        assert turn.id is not None  # flushed
        record(
            s,
            actor=actor,
            action="hearing.add_speaker",
            object_type="hearing",
            object_id=hearing.id,
            payload={"role": speaker_role, "position": position},
        )
        return turn.id


def _turn(s: Session, testimony_id, actor: Principal) -> tuple[Testimony, Hearing]:
    turn = s.get(Testimony, testimony_id) if isinstance(testimony_id, int) else None
    hearing = s.get(Hearing, turn.hearing_id) if turn else None
    if turn is None or hearing is None or hearing.community_id != actor.community_id:
        raise NotFound("error.not_found")
    return turn, hearing


def move_speaker(*, actor: Principal, testimony_id: int, step: int) -> None:
    """Move a waiting speaker one place earlier (step -1) or later (step +1)."""
    require(actor, "hearing.manage")
    if step not in (-1, 1):
        raise InvalidInput("field.not_a_choice", field="step")
    with write_session() as s:
        turn, hearing = _turn(s, testimony_id, actor)
        waiting = s.exec(
            select(Testimony)
            .where(Testimony.hearing_id == hearing.id, col(Testimony.seconds_spoken).is_(None))
            .order_by(col(Testimony.turn_order))
        ).all()
        ids = [t.id for t in waiting]
        if turn.id not in ids:
            raise Conflict("hearing.turn_over")
        index = ids.index(turn.id)
        other = index + step
        if not 0 <= other < len(waiting):
            return
        waiting[index].turn_order, waiting[other].turn_order = (
            waiting[other].turn_order,
            waiting[index].turn_order,
        )


def start_turn(*, actor: Principal, testimony_id: int) -> None:
    """The moderator gives the floor: the clock for this speaker starts now."""
    require(actor, "hearing.manage")
    with write_session() as s:
        turn, hearing = _turn(s, testimony_id, actor)
        _speaking_open(hearing)
        if turn.seconds_spoken is not None:
            raise Conflict("hearing.turn_over")
        turn.started_at = utcnow()


def end_turn(
    *, actor: Principal, testimony_id: int, seconds: int | None = None, summary: str | None = None
) -> int:
    """Close a turn and record how long the person spoke, measured from `start_turn` or
    given in seconds (for turns timed by hand). Returns the seconds recorded."""
    require(actor, "hearing.manage")
    summary = clean_text(summary, field="summary", max_len=10_000, multiline=True, required=False)
    if seconds is not None and (
        not is_whole_number(seconds) or not 1 <= seconds <= MAX_TURN_SECONDS
    ):
        raise InvalidInput("field.out_of_range", field="seconds", min=1, max=MAX_TURN_SECONDS)
    with write_session() as s:
        turn, hearing = _turn(s, testimony_id, actor)
        if turn.seconds_spoken is not None:
            raise Conflict("hearing.turn_over")
        if seconds is None:
            if turn.started_at is None:
                raise Conflict("hearing.turn_not_started")
            seconds = max(
                1, min(MAX_TURN_SECONDS, int((utcnow() - turn.started_at).total_seconds()))
            )
        turn.seconds_spoken = seconds
        turn.started_at = turn.started_at or utcnow()
        turn.summary = summary
        if turn.resident_id is not None:
            attended = s.exec(
                select(HearingAttendance.channel).where(
                    HearingAttendance.hearing_id == hearing.id,
                    HearingAttendance.resident_id == turn.resident_id,
                )
            ).first()
            record_participation(
                s,
                community_id=hearing.community_id,
                kind="speaking",
                resident_id=turn.resident_id,
                channel=attended or "offline",
                object_type="hearing",
                object_id=hearing.id,
                amount=seconds,
            )
        record(
            s,
            actor=actor,
            action="hearing.end_turn",
            object_type="hearing",
            object_id=hearing.id,
            payload={"seconds": seconds},
        )
        return seconds
