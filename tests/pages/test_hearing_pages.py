"""The hearings page: create, register, check in, publish minutes, through its widgets."""
from sqlmodel import col, select

from core.i18n import Translator
from db.engine import read_session, write_session
from db.models import Hearing, HearingAttendance, HearingRegistration, Resident, User

T = Translator("en")


def open_hearing(app, role: str, hearing_id: int):
    at = app(role)
    at.query_params["id"] = str(hearing_id)
    at.run()
    at.switch_page("pages/hearings.py").run()
    assert not at.exception, at.exception
    return at


def button(at, label: str):
    return [b for b in at.button if b.label == label][0]


def open_hearing_id() -> int:
    with read_session() as s:
        return s.exec(select(Hearing.id).where(Hearing.status == "open")).first()


def test_moderator_creates_a_hearing_and_bad_times_are_refused(app):
    at = app("moderator")
    at.run()
    at.switch_page("pages/hearings.py").run()
    inputs = {w.label: w for w in at.text_input}
    inputs[T("field_name.title")].input("停车管理座谈会")
    inputs[T("field_name.place")].input("居委会会议室")
    ends = [w for w in at.time_input if w.label == T("field_name.ends_at")][0]
    starts = [w for w in at.time_input if w.label == T("field_name.starts_at")][0]
    ends.set_value(starts.value.replace(hour=max(0, starts.value.hour - 1)))
    button(at, T("hearings.create")).click().run()
    assert at.error[0].value == f'{T("field_name.ends_at")}: {T("hearing.ends_before_start")}'
    ends = [w for w in at.time_input if w.label == T("field_name.ends_at")][0]
    ends.set_value(starts.value.replace(hour=21))
    button(at, T("hearings.create")).click().run()
    assert not at.exception
    with read_session() as s:
        created = s.exec(select(Hearing).where(Hearing.title == "停车管理座谈会")).one()
    assert created.status == "draft" and created.capacity == 50


def test_resident_registers_from_the_detail(app):
    hearing_id = open_hearing_id()
    at = open_hearing(app, "resident", hearing_id)
    with read_session() as s:
        resident = s.exec(select(User).where(User.username == "resident")).one()
        existing = s.exec(select(HearingRegistration).where(
            HearingRegistration.hearing_id == hearing_id,
            HearingRegistration.resident_id == resident.resident_id)).first()
    if existing is not None:
        with write_session() as s:
            s.delete(s.get(HearingRegistration, existing.id))
        at = open_hearing(app, "resident", hearing_id)
    button(at, T("hearings.register")).click().run()
    assert not at.exception
    with read_session() as s:
        row = s.exec(select(HearingRegistration).where(
            HearingRegistration.hearing_id == hearing_id,
            HearingRegistration.resident_id == resident.resident_id)).one()
    assert row.status in ("registered", "waitlisted")


def test_moderator_checks_in_a_resident_without_an_account(app):
    with write_session() as s:
        hearing = s.get(Hearing, open_hearing_id())
        hearing.capacity = None  # walk-ins welcome
        accounts = select(User.resident_id).where(User.resident_id.is_not(None))
        walk_in = s.exec(select(Resident).where(col(Resident.id).not_in(accounts))
                         .order_by(col(Resident.id))).first()
        hearing_id, walk_in_id, name = hearing.id, walk_in.id, walk_in.full_name
    at = open_hearing(app, "moderator", hearing_id)
    search = [w for w in at.text_input if w.label == T("hearings.find_resident")][0]
    search.input(name).run()
    [b for b in at.button if b.id.endswith(f"in_offline_{walk_in_id}")][0].click().run()
    assert not at.exception
    with read_session() as s:
        attended = s.exec(select(HearingAttendance).where(
            HearingAttendance.hearing_id == hearing_id,
            HearingAttendance.resident_id == walk_in_id)).one()
    assert attended.channel == "offline"


def test_resident_sees_no_desk_and_drafts_stay_hidden(app):
    hearing_id = open_hearing_id()
    at = open_hearing(app, "resident", hearing_id)
    assert T("hearings.desk") not in [e.label for e in at.expander]
    with write_session() as s:
        s.get(Hearing, hearing_id).status = "draft"
    at = open_hearing(app, "resident", hearing_id)
    assert at.warning[0].value == T("error.not_found")


def test_moderator_adds_a_speaker_and_records_the_turn(app):
    from db.models import Testimony as Turn  # a "Test..." name would be collected by pytest

    hearing_id = open_hearing_id()
    at = open_hearing(app, "moderator", hearing_id)
    name = [w for w in at.text_input if w.label == T("field_name.speaker_name")][0]
    name.input("规划专家 李工")
    button(at, T("speakers.add")).click().run()
    assert not at.exception
    with read_session() as s:
        turn = s.exec(select(Turn).where(Turn.speaker_name == "规划专家 李工")).one()
    at = open_hearing(app, "moderator", hearing_id)
    [b for b in at.button if b.id.endswith(f"start_{turn.id}")][0].click().run()
    at = open_hearing(app, "moderator", hearing_id)
    [b for b in at.button if b.id.endswith(f"end_{turn.id}")][0].click().run()
    with read_session() as s:
        assert s.get(Turn, turn.id).seconds_spoken >= 1
