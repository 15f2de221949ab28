"""Fair invitations: a moderator draws a panel by stratified sortition, invitees accept or
decline (online, or by letter or phone through a moderator), a declined seat goes to a
replacement drawn from the same stratum, and check-in marks invitees as attended.

invited -> accepted -> attended; invited or accepted -> declined; declined -> accepted while
nobody has replaced the invitee. An accepted invitation is a registration with
`by_invitation`, so check-in treats it like any other; the panel's k seats are kept apart
from the seats open to everyone, so the capacity is never exceeded.

The draw is recorded with everything needed to repeat it (stored pool, quotas, k, seed) and
its public facts (pool size, each stratum's selection probability) go to the audit log; the
pool's resident ids stay in the database (only their digest is public).
"""

from __future__ import annotations

import json
import secrets

import numpy as np
from sqlmodel import Session, col, select

from core.audit import canonical_json, json_digest, record
from core.errors import Conflict, InvalidInput, NotFound
from core.hearings import lifecycle
from core.hearings.lifecycle import InvitationStatus, RegistrationStatus
from core.hearings.panel_pool import (
    check_panel_size,
    clean_quotas,
    frame_from_stored,
    pool_digest,
    pool_frame,
    rounded,
    strata_pool,
    stratum_of,
)
from core.hearings.seats import (
    count_registration,
    open_registrations,
    promote_waitlist,
    registration_of,
)
from core.permissions import can, require
from core.principal import Principal
from core.rows import community_row, community_row_for_update
from core.sortition.panel import fair_distribution
from core.text import is_whole_number
from db.engine import read_session, write_session
from db.models import Hearing, HearingDraw, HearingInvitation, HearingRegistration, Resident
from db.models.base import utcnow


def new_seed() -> int:
    return secrets.randbelow(2**32)


def draw_panel(
    *,
    actor: Principal,
    hearing_id: int,
    k: int,
    quotas,
    consenting_only: bool = False,
    seed: int | None = None,
    expected_digest: str | None = None,
) -> int:
    """Draw k residents from the hearing's pool meeting `quotas` from the leximin-fair
    distribution, and invite them. `expected_digest` (from the preview) refuses the draw if
    the pool changed since. Returns the draw's id."""
    require(actor, "hearing.manage")
    assert actor.user_id is not None  # staff are signed in
    k = check_panel_size(k)
    quotas = clean_quotas(quotas)
    seed = new_seed() if seed is None else seed
    if not is_whole_number(seed) or not 0 <= seed < 2**63:
        raise InvalidInput("field.out_of_range", field="seed", min=0, max=2**63 - 1)
    features = list(quotas)
    with read_session() as s:  # the optimisation runs outside the write lock
        hearing = community_row(s, Hearing, hearing_id, actor)
        pool = pool_frame(s, hearing, consenting_only=bool(consenting_only))
    stored = strata_pool(pool, features)
    digest = pool_digest(stored)
    if expected_digest is not None and expected_digest != digest:
        raise Conflict("invitation.pool_changed")
    distribution = fair_distribution(pool, quotas, k)
    panel = distribution.draw(seed).panel
    strata = {}
    for key, ids in stored.items():
        strata[key] = {
            "pool": len(ids),
            "probability": rounded(distribution.probabilities.loc[ids[0]]),
        }
    with write_session() as s:
        hearing = community_row_for_update(s, Hearing, hearing_id, actor)
        if hearing.status not in lifecycle.DRAW_OPEN:
            raise Conflict("invitation.draw_closed")
        if s.exec(select(HearingDraw.id).where(HearingDraw.hearing_id == hearing.id)).first():
            raise Conflict("invitation.already_drawn")
        if (
            pool_digest(
                strata_pool(pool_frame(s, hearing, consenting_only=bool(consenting_only)), features)
            )
            != digest
        ):
            raise Conflict("invitation.pool_changed")
        if hearing.capacity is not None:
            free = hearing.capacity - open_registrations(s, hearing.id)
            if k > free:
                raise InvalidInput(
                    "invitation.panel_exceeds_capacity", field="panel_size", k=k, free=free
                )
        draw = HearingDraw(
            hearing_id=hearing.id,
            k=k,
            seed=str(seed),
            consenting_only=bool(consenting_only),
            quotas=canonical_json(quotas),
            pool=canonical_json(stored),
            pool_digest=digest,
            strata=canonical_json(strata),
            minimum_probability=rounded(distribution.minimum_probability),
            created_by=actor.user_id,
        )
        s.add(draw)
        # One stratum per pool row: strict holds (the pool has at least k >= 1 rows, or
        # fair_distribution would have refused it, so apply gives a Series, not a frame).
        stratum = (
            dict(
                zip(
                    pool["person_id"],
                    pool.apply(lambda r: stratum_of(r, features), axis=1),
                    strict=True,
                )
            )
            if features
            else {}
        )
        for resident_id in panel:
            s.add(
                HearingInvitation(
                    hearing_id=hearing.id,
                    resident_id=int(resident_id),
                    stratum=stratum.get(resident_id, ""),
                    draw_seed=str(seed),
                )
            )
        s.flush()
        assert draw.id is not None  # flushed
        record(
            s,
            actor=actor,
            action="hearing.draw_panel",
            object_type="hearing",
            object_id=hearing.id,
            payload={
                "k": k,
                "seed": str(seed),
                "quotas": quotas,
                "consenting_only": bool(consenting_only),
                "pool_size": len(pool),
                "pool_digest": digest,
                "strata": strata,
                "minimum_probability": draw.minimum_probability,
                "panel_digest": panel_digest(panel),
            },
        )
        return draw.id


def panel_digest(panel) -> str:
    return json_digest(sorted(int(i) for i in panel))


def draw_replacement(*, actor: Principal, invitation_id: int, seed: int | None = None) -> int:
    """Invite someone in place of a declined invitee: drawn uniformly from the members of
    the same stratum in the draw's pool who have not been invited. Returns the new
    invitation's id."""
    require(actor, "hearing.manage")
    seed = new_seed() if seed is None else seed
    with write_session() as s:
        declined = (
            s.get(HearingInvitation, invitation_id) if isinstance(invitation_id, int) else None
        )
        if declined is None:
            raise NotFound("error.not_found")
        hearing = community_row_for_update(s, Hearing, declined.hearing_id, actor)
        if hearing.status not in lifecycle.DRAW_OPEN:
            raise Conflict("invitation.draw_closed")
        if declined.status != InvitationStatus.DECLINED:
            raise Conflict("invitation.not_declined")
        if (
            s.exec(
                select(HearingInvitation.id).where(HearingInvitation.replaces_id == declined.id)
            ).first()
            is not None
        ):
            raise Conflict("invitation.already_replaced")
        draw = s.exec(select(HearingDraw).where(HearingDraw.hearing_id == hearing.id)).one()
        invited = set(
            s.exec(
                select(HearingInvitation.resident_id).where(
                    HearingInvitation.hearing_id == hearing.id
                )
            ).all()
        )
        members = json.loads(draw.pool).get(declined.stratum, [])
        still_here = (
            set(
                s.exec(
                    select(Resident.id).where(
                        Resident.community_id == hearing.community_id,
                        col(Resident.id).in_(members),
                    )
                ).all()
            )
            if members
            else set()
        )
        candidates = sorted(rid for rid in members if rid not in invited and rid in still_here)
        if not candidates:
            raise Conflict("invitation.stratum_exhausted")
        chosen = int(np.random.default_rng(seed).choice(candidates))
        invitation = HearingInvitation(
            hearing_id=hearing.id,
            resident_id=chosen,
            stratum=declined.stratum,
            draw_seed=str(seed),
            replaces_id=declined.id,
        )
        s.add(invitation)
        s.flush()
        assert invitation.id is not None  # flushed
        record(
            s,
            actor=actor,
            action="hearing.draw_replacement",
            object_type="hearing",
            object_id=hearing.id,
            payload={
                "replaces": declined.id,
                "seed": str(seed),
                "stratum": declined.stratum,
                "candidates": len(candidates),
            },
        )
        return invitation.id


def take_panel_seat(
    s: Session, hearing: Hearing, resident_id: int, *, channel: str = "online"
) -> None:
    """Give an invitee their seat (a registration by invitation). An open registration they
    already had moves onto the panel, and its seat goes to the first on the waitlist."""
    assert hearing.id is not None  # read from the database
    row = registration_of(s, hearing.id, resident_id)
    if row is not None and row.status == RegistrationStatus.REGISTERED and row.by_invitation:
        return
    was_open_seat = row is not None and row.status == RegistrationStatus.REGISTERED
    if row is None:
        row = HearingRegistration(hearing_id=hearing.id, resident_id=resident_id)
        s.add(row)
    row.status, row.by_invitation, row.cancelled_at = RegistrationStatus.REGISTERED, True, None
    row.channel = channel
    s.flush()
    if was_open_seat:
        promote_waitlist(s, hearing)
    count_registration(s, hearing, resident_id, channel=channel)


def answer_invitation(
    *, actor: Principal, hearing_id: int, accept: bool, resident_id: int | None = None
) -> str:
    """Accept or decline an invitation: one's own (resident_id None), or, for a moderator,
    a roster resident's reply by letter or phone. Returns the invitation's new status."""
    if resident_id is None:
        require(actor, "hearing.register")
        if actor.resident_id is None:
            raise Conflict("hearing.no_resident")
        resident_id, channel = actor.resident_id, "online"
    else:
        require(actor, "hearing.manage")
        channel = "offline"
    if not isinstance(accept, bool):
        raise InvalidInput("field.not_a_choice", field="invitation_answer")
    with write_session() as s:
        hearing = community_row_for_update(s, Hearing, hearing_id, actor)
        if hearing.status not in lifecycle.UPCOMING:
            raise Conflict("invitation.answers_closed")
        invitation = (
            invitation_of(s, hearing.id, resident_id) if isinstance(resident_id, int) else None
        )
        if invitation is None:
            raise Conflict("invitation.not_invited")
        if invitation.status == InvitationStatus.ATTENDED:
            raise Conflict("invitation.already_attended")
        if (
            accept
            and invitation.status == InvitationStatus.DECLINED
            and s.exec(
                select(HearingInvitation.id).where(HearingInvitation.replaces_id == invitation.id)
            ).first()
            is not None
        ):
            raise Conflict("invitation.seat_given_away")
        status = InvitationStatus.ACCEPTED if accept else InvitationStatus.DECLINED
        if accept:
            take_panel_seat(s, hearing, resident_id, channel=channel)
        else:
            row = registration_of(s, hearing.id, resident_id)
            if (
                row is not None
                and row.by_invitation
                and row.status == RegistrationStatus.REGISTERED
            ):
                row.status, row.cancelled_at = RegistrationStatus.CANCELLED, utcnow()
        invitation.status = status
        invitation.answered_at, invitation.answered_by = utcnow(), actor.user_id
        record(
            s,
            actor=actor,
            action="hearing.answer_invitation",
            object_type="hearing",
            object_id=hearing.id,
            payload={"invitation": invitation.id, "status": status, "channel": channel},
        )
        return status


def invitation_of(s: Session, hearing_id: int, resident_id: int) -> HearingInvitation | None:
    return s.exec(
        select(HearingInvitation).where(
            HearingInvitation.hearing_id == hearing_id, HearingInvitation.resident_id == resident_id
        )
    ).first()


def recheck_draw(*, actor: Principal, hearing_id: int) -> bool:
    """Redraw the panel from the stored pool, quotas, k and seed, and compare it with the
    residents first invited: True when they are the same panel."""
    if not (can(actor, "hearing.manage") or can(actor, "dashboard.view")):
        require(actor, "hearing.manage")
    with read_session() as s:
        hearing = community_row(s, Hearing, hearing_id, actor)
        draw = s.exec(select(HearingDraw).where(HearingDraw.hearing_id == hearing.id)).first()
        if draw is None:
            raise NotFound("error.not_found")
        first = s.exec(
            select(HearingInvitation.resident_id).where(
                HearingInvitation.hearing_id == hearing.id,
                col(HearingInvitation.replaces_id).is_(None),
            )
        ).all()
    stored = json.loads(draw.pool)
    if pool_digest(stored) != draw.pool_digest:
        return False
    quotas = {
        f: {v: tuple(b) for v, b in bounds.items()} for f, bounds in json.loads(draw.quotas).items()
    }
    pool = frame_from_stored(stored, list(quotas))
    panel = fair_distribution(pool, quotas, draw.k).draw(int(draw.seed)).panel
    return sorted(int(i) for i in panel) == sorted(first)
