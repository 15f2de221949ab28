"""Fair invitations: the pool, census quotas, preview, the recorded draw and its re-check,
answers online and by letter, replacements from the same stratum, seats and check-in."""

import json
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func
from sqlmodel import select

from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.hearings.commands import (
    cancel_registration,
    check_in,
    create_hearing,
    move_hearing,
    register_for_hearing,
)
from core.hearings.invitations import answer_invitation, draw_panel, draw_replacement, recheck_draw
from core.hearings.panel_pool import census_quotas, pool_groups, preview_draw
from core.hearings.queries import get_hearing, my_invitations
from core.principal import Principal
from db.engine import read_session, write_session
from db.models import (
    AuditEvent,
    CensusBaseline,
    HearingDraw,
    HearingInvitation,
    HearingRegistration,
    ParticipationEvent,
    Resident,
    User,
)
from db.models.base import utcnow
from tests.conftest import make_user

pytestmark = pytest.mark.usefixtures("quick_accounts")

AGES = ["18-29", "30-44", "45-59", "60-74", "75+"]


@pytest.fixture
def roster(community) -> list[int]:
    """60 roster residents over three buildings: ages cycle, every second one agreed to be
    invited, every tenth has no age recorded."""
    ids = []
    with write_session() as s:
        for i in range(60):
            resident = Resident(
                community_id=community["id"],
                building_id=community["buildings"][i % 3],
                full_name=f"居民{i:02d}",
                unit=f"{100 + i}",
                age_band=None if i % 10 == 9 else AGES[i % 5],
                gender="female" if i % 2 else "male",
                residency_status="migrant" if i % 4 == 0 else "local_registered",
                invitation_consent=i % 2 == 0,
            )
            s.add(resident)
            s.flush()
            ids.append(resident.id)
    return ids


def when(days: float = 7):
    return utcnow().replace(microsecond=0) + timedelta(days=days)


def hearing(moderator, *, status="open", **overrides) -> int:
    values = dict(
        kind="forum",
        title="停车难座谈会",
        starts_at=when(7),
        ends_at=when(7) + timedelta(hours=2),
        place="社区活动中心",
        audience="invited",
    )
    values.update(overrides)
    hearing_id = create_hearing(actor=moderator, **values)
    if status != "draft":
        move_hearing(actor=moderator, hearing_id=hearing_id, to_status="open")
    return hearing_id


def count(model, *where) -> int:
    with read_session() as s:
        return s.exec(select(func.count()).select_from(model).where(*where)).one()


def invitations(hearing_id) -> list[HearingInvitation]:
    with read_session() as s:
        return s.exec(
            select(HearingInvitation)
            .where(HearingInvitation.hearing_id == hearing_id)
            .order_by(HearingInvitation.id)
        ).all()


def account_for(community, resident_id: int, name: str) -> Principal:
    """An account linked to an existing roster resident."""
    principal = make_user(community, name)
    with write_session() as s:
        user = s.get(User, principal.user_id)
        user.resident_id = resident_id
    return Principal(
        user_id=principal.user_id,
        role="resident",
        community_id=community["id"],
        resident_id=resident_id,
        session_id=principal.session_id,
    )


AGE_QUOTAS = {
    "age_band": {"18-29": (2, 2), "30-44": (2, 2), "45-59": (2, 2), "60-74": (2, 2), "75+": (2, 2)}
}


def test_draw_invites_a_panel_meeting_the_quotas_and_records_everything(people, roster):
    moderator = people["moderator"]
    hearing_id = hearing(moderator)
    draw_panel(actor=moderator, hearing_id=hearing_id, k=10, quotas=AGE_QUOTAS, seed=7)
    invited = invitations(hearing_id)
    assert len(invited) == 10 and {i.status for i in invited} == {"invited"}
    with read_session() as s:
        ages = Counter(s.get(Resident, i.resident_id).age_band for i in invited)
        draw = s.exec(select(HearingDraw)).one()
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "hearing.draw_panel")).one()
    assert ages == {"18-29": 2, "30-44": 2, "45-59": 2, "60-74": 2, "75+": 2}
    assert {i.stratum for i in invited} <= {f"age_band={a}" for a in AGES}
    strata = json.loads(draw.strata)
    # 54 residents have an age (6 unknown, unconstrained but in the pool).
    assert sum(v["pool"] for v in strata.values()) == 60
    assert sum(v["pool"] * v["probability"] for v in strata.values()) == pytest.approx(10, abs=1e-4)
    assert strata["age_band=unknown"]["probability"] == 0.0  # every seat is taken by a quota
    assert strata["age_band=60-74"]["probability"] == pytest.approx(2 / 12, abs=1e-6)
    payload = json.loads(event.payload)
    assert payload["seed"] == "7" and payload["k"] == 10 and payload["pool_size"] == 60
    assert payload["quotas"]["age_band"]["75+"] == [2, 2] and payload["strata"] == strata
    assert "pool" not in payload  # resident ids stay in the database
    assert recheck_draw(actor=people["researcher"], hearing_id=hearing_id) is True


def test_same_seed_same_panel_and_a_tampered_draw_fails_the_recheck(people, roster):
    moderator = people["moderator"]
    first, second = hearing(moderator), hearing(moderator, title="第二场座谈会")
    for hearing_id in (first, second):
        draw_panel(actor=moderator, hearing_id=hearing_id, k=10, quotas=AGE_QUOTAS, seed=99)
    assert [i.resident_id for i in invitations(first)] == [
        i.resident_id for i in invitations(second)
    ]
    with write_session() as s:
        draw = s.exec(select(HearingDraw).where(HearingDraw.hearing_id == second)).one()
        draw.seed = "100"
    assert recheck_draw(actor=moderator, hearing_id=first) is True
    assert recheck_draw(actor=moderator, hearing_id=second) is False
    with pytest.raises(PermissionDenied):
        recheck_draw(actor=people["resident"], hearing_id=first)


def test_pool_is_the_roster_in_scope_and_optionally_only_those_who_agreed(
    people, community, roster
):
    moderator = people["moderator"]
    whole = hearing(moderator)
    groups = pool_groups(actor=moderator, hearing_id=whole, features=["building"])
    # The five self-registered (unverified) accounts of `people` are not in the pool.
    assert groups["pool_size"].sum() == 60
    consenting = pool_groups(
        actor=moderator, hearing_id=whole, features=["building"], consenting_only=True
    )
    assert consenting["pool_size"].sum() == 30
    one_building = hearing(moderator, audience="building", building_id=community["buildings"][1])
    groups = pool_groups(actor=moderator, hearing_id=one_building, features=["building"])
    assert groups.to_dict("records") == [{"feature": "building", "value": "B2", "pool_size": 20}]
    draw_panel(actor=moderator, hearing_id=one_building, k=5, quotas={}, seed=1)
    with read_session() as s:
        buildings = {s.get(Resident, i.resident_id).building_id for i in invitations(one_building)}
    assert buildings == {community["buildings"][1]}
    draw_panel(
        actor=moderator, hearing_id=whole, k=8, quotas={"gender": {}}, consenting_only=True, seed=3
    )
    with read_session() as s:
        assert all(s.get(Resident, i.resident_id).invitation_consent for i in invitations(whole))


def test_census_quotas_follow_the_population_not_the_consenting_pool(people, community, roster):
    moderator = people["moderator"]
    with write_session() as s:
        for age, share in zip(AGES, (0.1, 0.2, 0.2, 0.3, 0.2), strict=True):
            s.add(
                CensusBaseline(
                    community_id=community["id"],
                    dimension="age_band",
                    group=age,
                    share=share,
                    source="第七次人口普查",
                    year=2020,
                )
            )
        s.add(
            CensusBaseline(
                community_id=community["id"],
                dimension="age_band",
                group="75+",
                share=0.9,
                source="旧数据",
                year=2010,
            )
        )  # older year: ignored
    hearing_id = hearing(moderator)
    suggestion = census_quotas(
        actor=moderator,
        hearing_id=hearing_id,
        features=["age_band", "residency_status"],
        k=10,
        slack=0,
    )
    assert suggestion.sources == {"age_band": "census:2020", "residency_status": "roster"}
    assert suggestion.quotas["age_band"] == {
        "18-29": (1, 1),
        "30-44": (2, 2),
        "45-59": (2, 2),
        "60-74": (3, 3),
        "75+": (2, 2),
    }
    # Roster: 15 of 60 are migrants -> 2.5 of 10 seats.
    assert suggestion.quotas["residency_status"] == {"local_registered": (7, 8), "migrant": (2, 3)}
    consenting = census_quotas(
        actor=moderator,
        hearing_id=hearing_id,
        features=["residency_status"],
        k=10,
        slack=0,
        consenting_only=True,
    )
    # Among those who agreed (even positions), 15 of 30 are migrants, but quotas keep the
    # population's 1 in 4.
    assert consenting.quotas["residency_status"] == {"local_registered": (7, 8), "migrant": (2, 3)}


def test_preview_shows_pool_sizes_quotas_and_probabilities(people, roster):
    moderator = people["moderator"]
    hearing_id = hearing(moderator)
    preview = preview_draw(actor=moderator, hearing_id=hearing_id, k=10, quotas=AGE_QUOTAS)
    assert preview.pool_size == 60 and preview.k == 10
    assert preview.minimum_probability == 0.0
    row = preview.strata.set_index("value").loc["75+"]
    assert (row.pool_size, row.quota_min, row.quota_max) == (6, 2, 2)  # 6 more: no age
    assert row.mean_probability == pytest.approx(2 / 6)
    assert count(HearingDraw) == 0 and count(HearingInvitation) == 0


@pytest.mark.parametrize(
    "k, quotas, key",
    [
        (0, {}, "field.out_of_range"),
        (501, {}, "field.out_of_range"),
        (True, {}, "field.out_of_range"),
        (61, {}, "sortition.pool_too_small"),
        (5, {"age_band": {"18-29": (3, 3), "30-44": (3, 3)}}, "sortition.minimums_exceed_k"),
        (10, {"age_band": {"75+": (7, 7)}}, "sortition.quota_infeasible"),
        (10, {"age_band": {"75+": (-1, 2)}}, "sortition.bad_quota"),
        (10, {"age_band": {"75+": (3, 2)}}, "sortition.bad_quota"),
        (10, {"income": {}}, "sortition.unknown_feature"),
        (10, "age_band", "field.not_a_choice"),
    ],
)
def test_bad_draws_write_nothing(people, roster, k, quotas, key):
    moderator = people["moderator"]
    hearing_id = hearing(moderator)
    before = count(AuditEvent)
    with pytest.raises(InvalidInput) as raised:
        draw_panel(actor=moderator, hearing_id=hearing_id, k=k, quotas=quotas)
    assert raised.value.key == key
    assert count(HearingDraw) == 0 and count(HearingInvitation) == 0
    assert count(AuditEvent) == before


def test_draw_refusals(people, roster):
    moderator = people["moderator"]
    with pytest.raises(PermissionDenied):
        draw_panel(actor=people["resident"], hearing_id=hearing(moderator), k=5, quotas={})
    small = hearing(moderator, audience="community", capacity=12)
    register_for_hearing(actor=people["resident"], hearing_id=small)
    register_for_hearing(actor=people["resident2"], hearing_id=small)
    with pytest.raises(InvalidInput) as raised:
        draw_panel(actor=moderator, hearing_id=small, k=11, quotas={})
    assert raised.value.key == "invitation.panel_exceeds_capacity"
    assert raised.value.params == {"k": 11, "free": 10}
    hearing_id = hearing(moderator)
    with pytest.raises(Conflict) as raised:
        draw_panel(actor=moderator, hearing_id=hearing_id, k=5, quotas={}, expected_digest="0" * 64)
    assert raised.value.key == "invitation.pool_changed"
    draw_panel(actor=moderator, hearing_id=hearing_id, k=5, quotas={})
    with pytest.raises(Conflict) as raised:
        draw_panel(actor=moderator, hearing_id=hearing_id, k=5, quotas={})
    assert raised.value.key == "invitation.already_drawn"
    held = hearing(moderator)
    move_hearing(actor=moderator, hearing_id=held, to_status="held")
    with pytest.raises(Conflict) as raised:
        draw_panel(actor=moderator, hearing_id=held, k=5, quotas={})
    assert raised.value.key == "invitation.draw_closed"
    other = Principal(user_id=moderator.user_id, role="moderator", community_id=999)
    with pytest.raises(NotFound):
        draw_panel(actor=other, hearing_id=hearing_id, k=5, quotas={})
    assert count(HearingDraw) == 1


def test_draft_hearings_can_be_drawn_and_a_preview_digest_is_accepted(people, roster):
    moderator = people["moderator"]
    hearing_id = hearing(moderator, status="draft")
    preview = preview_draw(
        actor=moderator,
        hearing_id=hearing_id,
        k=6,
        quotas=AGE_QUOTAS | {"age_band": {a: (1, 2) for a in AGES}},
    )
    draw_panel(
        actor=moderator,
        hearing_id=hearing_id,
        k=6,
        quotas={"age_band": {a: (1, 2) for a in AGES}},
        expected_digest=preview.pool_digest,
    )
    assert len(invitations(hearing_id)) == 6


def test_invitee_accepts_declines_and_changes_their_mind_online(people, community, roster):
    moderator = people["moderator"]
    hearing_id = hearing(moderator)
    draw_panel(actor=moderator, hearing_id=hearing_id, k=5, quotas={}, seed=11)
    invitee = account_for(community, invitations(hearing_id)[0].resident_id, "invitee")
    assert [i.status for i in my_invitations(viewer=invitee)] == ["invited"]
    detail = get_hearing(viewer=invitee, hearing_id=hearing_id)
    assert detail.my_invitation == "invited" and detail.invitations == []
    assert detail.draw.k == 5 and detail.draw.pool_size == 60
    assert answer_invitation(actor=invitee, hearing_id=hearing_id, accept=True) == "accepted"
    with read_session() as s:
        seat = s.exec(select(HearingRegistration)).one()
    assert (seat.status, seat.by_invitation, seat.channel) == ("registered", True, "online")
    assert (
        count(
            ParticipationEvent,
            ParticipationEvent.kind == "hearing_registration",
            ParticipationEvent.resident_id == invitee.resident_id,
        )
        == 1
    )
    assert answer_invitation(actor=invitee, hearing_id=hearing_id, accept=False) == "declined"
    assert count(HearingRegistration, HearingRegistration.status == "registered") == 0
    assert answer_invitation(actor=invitee, hearing_id=hearing_id, accept=True) == "accepted"
    assert count(ParticipationEvent, ParticipationEvent.kind == "hearing_registration") == 1
    # Giving up the seat through "cancel registration" declines the invitation.
    cancel_registration(actor=invitee, hearing_id=hearing_id)
    assert invitations(hearing_id)[0].status == "declined"
    stranger = people["resident"]
    with pytest.raises(Conflict) as raised:
        answer_invitation(actor=stranger, hearing_id=hearing_id, accept=True)
    assert raised.value.key == "invitation.not_invited"
    with pytest.raises(InvalidInput):
        answer_invitation(actor=invitee, hearing_id=hearing_id, accept="yes")


def test_moderator_records_a_reply_by_letter_for_a_resident_without_account(people, roster):
    moderator = people["moderator"]
    hearing_id = hearing(moderator)
    draw_panel(actor=moderator, hearing_id=hearing_id, k=5, quotas={}, seed=5)
    resident_id = invitations(hearing_id)[2].resident_id
    answer_invitation(actor=moderator, hearing_id=hearing_id, accept=True, resident_id=resident_id)
    with read_session() as s:
        seat = s.exec(select(HearingRegistration)).one()
        invitation = s.exec(
            select(HearingInvitation).where(HearingInvitation.resident_id == resident_id)
        ).one()
    assert (seat.resident_id, seat.channel, seat.by_invitation) == (resident_id, "offline", True)
    assert invitation.answered_by == moderator.user_id
    with pytest.raises(PermissionDenied):
        answer_invitation(
            actor=people["resident"], hearing_id=hearing_id, accept=False, resident_id=resident_id
        )


def test_replacements_come_from_the_same_stratum_until_it_runs_out(people, roster):
    moderator = people["moderator"]
    hearing_id = hearing(moderator)
    quotas = {
        "age_band": {
            "60-74": (2, 2),
            "18-29": (0, 0),
            "30-44": (0, 0),
            "45-59": (0, 0),
            "75+": (0, 0),
            "unknown": (0, 0),
        }
    }
    draw_panel(actor=moderator, hearing_id=hearing_id, k=2, quotas=quotas, seed=2)
    first = invitations(hearing_id)[0]
    with pytest.raises(Conflict) as raised:
        draw_replacement(actor=moderator, invitation_id=first.id)
    assert raised.value.key == "invitation.not_declined"
    seen = {i.resident_id for i in invitations(hearing_id)}
    current = first
    for _ in range(10):  # 12 residents aged 60-74: 2 invited, 10 left to replace them
        answer_invitation(
            actor=moderator, hearing_id=hearing_id, accept=False, resident_id=current.resident_id
        )
        new_id = draw_replacement(actor=moderator, invitation_id=current.id)
        with read_session() as s:
            current = s.get(HearingInvitation, new_id)
            age = s.get(Resident, current.resident_id).age_band
        assert age == "60-74" and current.stratum == "age_band=60-74"
        assert current.resident_id not in seen and current.replaces_id is not None
        seen.add(current.resident_id)
    with pytest.raises(Conflict) as raised:
        draw_replacement(actor=moderator, invitation_id=first.id)
    assert raised.value.key == "invitation.already_replaced"
    with pytest.raises(Conflict) as raised:
        answer_invitation(
            actor=moderator, hearing_id=hearing_id, accept=True, resident_id=first.resident_id
        )
    assert raised.value.key == "invitation.seat_given_away"
    answer_invitation(
        actor=moderator, hearing_id=hearing_id, accept=False, resident_id=current.resident_id
    )
    before = count(AuditEvent)
    with pytest.raises(Conflict) as raised:
        draw_replacement(actor=moderator, invitation_id=current.id)
    assert raised.value.key == "invitation.stratum_exhausted"
    assert count(AuditEvent) == before
    events = count(AuditEvent, AuditEvent.action == "hearing.draw_replacement")
    assert events == 10


def test_panel_seats_are_kept_apart_from_open_seats(people, community, roster):
    moderator = people["moderator"]
    hearing_id = hearing(moderator, audience="community", capacity=7)
    draw_panel(actor=moderator, hearing_id=hearing_id, k=5, quotas={}, seed=4)
    open_a, open_b, late = (people["resident"], people["resident2"], make_user(community, "late1"))
    assert register_for_hearing(actor=open_a, hearing_id=hearing_id) == "registered"
    assert register_for_hearing(actor=open_b, hearing_id=hearing_id) == "registered"
    assert register_for_hearing(actor=late, hearing_id=hearing_id) == "waitlisted"
    invitees = invitations(hearing_id)
    for invitation in invitees:
        answer_invitation(
            actor=moderator, hearing_id=hearing_id, accept=True, resident_id=invitation.resident_id
        )
    assert count(HearingRegistration, HearingRegistration.status == "registered") == 7
    # An invitee giving up does not hand the panel seat to the waitlist...
    answer_invitation(
        actor=moderator, hearing_id=hearing_id, accept=False, resident_id=invitees[0].resident_id
    )
    assert count(HearingRegistration, HearingRegistration.status == "waitlisted") == 1
    # ...but an open seat freed is.
    cancel_registration(actor=open_a, hearing_id=hearing_id)
    assert get_hearing(viewer=late, hearing_id=hearing_id).my_status == "registered"
    assert count(HearingRegistration, HearingRegistration.status == "registered") == 6


def test_an_open_registrant_who_is_drawn_moves_onto_the_panel(people, community, roster):
    moderator = people["moderator"]
    hearing_id = hearing(moderator, audience="community", capacity=6)
    draw_panel(actor=moderator, hearing_id=hearing_id, k=5, quotas={}, seed=8)
    invitee = account_for(community, invitations(hearing_id)[0].resident_id, "invitee2")
    waiting = people["resident"]
    assert register_for_hearing(actor=invitee, hearing_id=hearing_id) == "registered"
    assert register_for_hearing(actor=waiting, hearing_id=hearing_id) == "waitlisted"
    answer_invitation(actor=invitee, hearing_id=hearing_id, accept=True)
    assert get_hearing(viewer=waiting, hearing_id=hearing_id).my_status == "registered"
    assert (
        count(
            ParticipationEvent,
            ParticipationEvent.kind == "hearing_registration",
            ParticipationEvent.resident_id == invitee.resident_id,
        )
        == 1
    )


def test_check_in_of_invitees(people, roster):
    moderator = people["moderator"]
    hearing_id = hearing(moderator)
    draw_panel(actor=moderator, hearing_id=hearing_id, k=3, quotas={}, seed=6)
    unanswered, accepted, declined = (i.resident_id for i in invitations(hearing_id))
    answer_invitation(actor=moderator, hearing_id=hearing_id, accept=True, resident_id=accepted)
    answer_invitation(actor=moderator, hearing_id=hearing_id, accept=False, resident_id=declined)
    check_in(actor=moderator, hearing_id=hearing_id, resident_id=accepted, channel="offline")
    # Coming without having answered is accepting.
    check_in(actor=moderator, hearing_id=hearing_id, resident_id=unanswered, channel="offline")
    with pytest.raises(Conflict) as raised:
        check_in(actor=moderator, hearing_id=hearing_id, resident_id=declined, channel="offline")
    assert raised.value.key == "hearing.registration_required"
    assert [i.status for i in invitations(hearing_id)] == ["attended", "attended", "declined"]
    with pytest.raises(Conflict) as raised:
        answer_invitation(
            actor=moderator, hearing_id=hearing_id, accept=False, resident_id=accepted
        )
    assert raised.value.key == "invitation.already_attended"
    assert count(ParticipationEvent, ParticipationEvent.kind == "attendance") == 2
    detail = get_hearing(viewer=moderator, hearing_id=hearing_id)
    assert [i.status for i in detail.invitations] == ["attended", "attended", "declined"]
    assert detail.attended == 2


def test_answers_are_closed_outside_the_open_hearing(people, roster):
    moderator = people["moderator"]
    hearing_id = hearing(moderator, status="draft")
    draw_panel(actor=moderator, hearing_id=hearing_id, k=3, quotas={}, seed=6)
    resident_id = invitations(hearing_id)[0].resident_id
    with pytest.raises(Conflict) as raised:
        answer_invitation(
            actor=moderator, hearing_id=hearing_id, accept=True, resident_id=resident_id
        )
    assert raised.value.key == "invitation.answers_closed"


@pytest.mark.parametrize("status", ["invited", "accepted", "declined", "attended"])
@pytest.mark.parametrize("replaced", [False, True])
def test_an_invitations_flags_say_what_can_be_done_with_it(status, replaced):
    from core.hearings.queries import InvitationRow, PendingInvitation

    row = InvitationRow(
        id=1,
        resident_id=1,
        name="张三",
        building="B1",
        unit=None,
        stratum="",
        status=status,
        has_account=True,
        replaces_id=None,
        replaced=replaced,
        answered_at=None,
    )
    assert row.acceptable == (status in ("invited", "declined") and not replaced)
    assert row.declinable == (status in ("invited", "accepted"))
    assert row.replaceable == (status == "declined" and not replaced)
    assert PendingInvitation(
        hearing_id=1, title="听证会", starts_at=utcnow(), status=status
    ).pending == (status in ("invited", "accepted"))
