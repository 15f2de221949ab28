"""Proposals and needs: submitting (with photos), supporting and the review threshold,
following, withdrawing, the moderators' lifecycle commands, merging, and the read models."""

import io
import math
import struct
import zlib
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import func
from sqlmodel import col, select

from core.audit import verify
from core.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from core.principal import Principal
from core.proposals import followed_updates, get_proposal, lifecycle, list_proposals
from core.proposals.commands import (
    answer_proposal,
    assign_actor,
    change_status,
    follow_proposal,
    merge_proposals,
    post_progress,
    submit_proposal,
    support_proposal,
    support_threshold,
    withdraw_proposal,
    withdraw_support,
)
from core.proposals.photos import MAX_BYTES
from db.engine import read_session, write_session
from db.models import (
    Actor,
    AuditEvent,
    Community,
    ParticipationEvent,
    ProgressUpdate,
    Proposal,
    ProposalFollow,
    ProposalStatusChange,
    Resident,
    Support,
)
from db.models.base import utcnow
from db.models.proposals import PROPOSAL_STATUSES
from tests.conftest import BODY, make_user, other_community

pytestmark = pytest.mark.usefixtures("quick_accounts")


@pytest.fixture
def uploads(tmp_path, monkeypatch):
    path = tmp_path / "uploads"
    monkeypatch.setenv("YISHITING_UPLOAD_DIR", str(path))
    return path


# ---- helpers ----

TABLES = (
    Proposal,
    ProposalStatusChange,
    Support,
    ProposalFollow,
    ProgressUpdate,
    AuditEvent,
    ParticipationEvent,
)


def count(model, *where) -> int:
    with read_session() as s:
        return s.exec(select(func.count()).select_from(model).where(*where)).one()


def snapshot() -> tuple:
    """Row counts of every table a proposal command writes, and every proposal's state."""
    with read_session() as s:
        proposals = [
            (
                p.id,
                p.status,
                p.actor_id,
                p.answer_text,
                p.cost_estimate,
                p.progress_pct,
                p.support_count,
                p.merged_into_id,
                p.photo_path,
            )
            for p in s.exec(select(Proposal).order_by(col(Proposal.id)))
        ]
    return tuple(count(model) for model in TABLES), proposals


def audit_actions() -> list[str]:
    with read_session() as s:
        return list(s.exec(select(AuditEvent.action).order_by(col(AuditEvent.seq))))


def submit(actor: Principal, title: str = "修好3号楼的楼道灯", **overrides) -> int:
    values = dict(kind="need", title=title, body=BODY, category="facilities")
    values.update(overrides)
    return submit_proposal(actor=actor, **values)


def set_status(proposal_id: int, status: str) -> None:
    with write_session() as s:
        s.get(Proposal, proposal_id).status = status


def row(proposal_id: int) -> Proposal:
    with read_session() as s:
        return s.get(Proposal, proposal_id)


def set_threshold(community: dict, share: float) -> None:
    with write_session() as s:
        s.get(Community, community["id"]).support_threshold = share


def threshold_of(proposal_id: int) -> int:
    with read_session() as s:
        return support_threshold(s, s.get(Proposal, proposal_id))


def add_roster(community: dict, building_id: int, n: int) -> None:
    with write_session() as s:
        s.add_all(
            Resident(community_id=community["id"], building_id=building_id, full_name=f"住户{i}")
            for i in range(n)
        )


def image_bytes(fmt: str, size=(64, 48), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, fmt, **save)
    return out.getvalue()


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 4.0)})
    return exif


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


# ---- submitting ----


@pytest.mark.parametrize("kind", ["proposal", "need"])
def test_submit_writes_proposal_history_follow_participation_and_audit(people, community, kind):
    author = people["resident"]
    proposal_id = submit(
        author,
        kind=kind,
        building_id=community["buildings"][1],
        title="  修好  3号楼的楼道灯 \u200b",
    )
    p = get_proposal(viewer=author, proposal_id=proposal_id)
    assert (p.kind, p.title, p.status, p.category) == (
        kind,
        "修好 3号楼的楼道灯",
        "submitted",
        "facilities",
    )
    assert p.body == BODY and p.building == "B2" and p.author_id == author.user_id
    assert p.following and not p.supported and p.support_count == 0 and p.photo is None
    assert [(h.from_status, h.to_status, h.by_system) for h in p.history] == [
        (None, "submitted", False)
    ]
    with read_session() as s:
        event = s.exec(select(ParticipationEvent)).one()
    assert (event.kind, event.resident_id, event.object_type, event.object_id) == (
        kind,
        author.resident_id,
        "proposal",
        proposal_id,
    )
    assert audit_actions()[-1] == "proposal.submit"


@pytest.mark.parametrize(
    "overrides, key",
    [
        ({"title": ""}, "field.required"),
        ({"title": "   \u3000 \u00a0 "}, "field.required"),
        ({"title": "abc\tdef"}, "field.bad_characters"),
        ({"title": "\u200b\u200c\u200d\ufeff\u2060"}, "field.required"),
        ({"title": None}, "field.required"),
        ({"title": "abc"}, "field.too_short"),
        ({"title": "长" * 121}, "field.too_long"),
        ({"title": "abc\u202edef"}, "field.bad_characters"),
        ({"body": ""}, "field.required"),
        ({"body": "\u200b" * 20}, "field.required"),
        ({"body": "太短了"}, "field.too_short"),
        ({"body": "x" * 20_001}, "field.too_long"),
        ({"body": "x" * 1_000_000}, "field.too_long"),
        ({"body": "水" * (1024 * 1024)}, "field.too_long"),
        ({"category": "weather"}, "field.not_a_choice"),
        ({"category": None}, "field.not_a_choice"),
        ({"kind": "complaint"}, "field.not_a_choice"),
        ({"kind": "Proposal"}, "field.not_a_choice"),
        ({"building_id": 99999}, "field.not_a_choice"),
        ({"building_id": "1"}, "field.not_a_choice"),
    ],
)
def test_bad_submissions_write_nothing(people, overrides, key):
    before = snapshot()
    with pytest.raises(InvalidInput) as raised:
        submit(people["resident"], **overrides)
    assert raised.value.key == key
    assert snapshot() == before


def test_building_of_another_community_is_refused(people):
    elsewhere = other_community()
    before = snapshot()
    with pytest.raises(InvalidInput) as raised:
        submit(people["resident"], building_id=elsewhere["buildings"][0])
    assert (raised.value.key, raised.value.field) == ("field.not_a_choice", "building")
    assert snapshot() == before


def test_researchers_and_anonymous_cannot_submit(people):
    before = snapshot()
    for who in (people["researcher"], Principal(user_id=None, role="anonymous")):
        with pytest.raises(PermissionDenied):
            submit(who)
    assert snapshot() == before


# ---- photos ----


@pytest.mark.parametrize("fmt, ext", [("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp")])
def test_photo_is_stored_under_a_generated_name(people, uploads, fmt, ext):
    proposal_id = submit(people["resident"], photo=image_bytes(fmt))
    name = row(proposal_id).photo_path
    assert name.endswith("." + ext) and len(name) == 32 + 1 + len(ext)
    assert [f.name for f in uploads.iterdir()] == [name]
    with Image.open(uploads / name) as stored:
        assert stored.format == fmt and stored.size == (64, 48)
    assert get_proposal(viewer=people["resident2"], proposal_id=proposal_id).photo == name


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_photo_loses_exif_and_gps(people, uploads, fmt):
    original = image_bytes(fmt, exif=gps_exif())
    with Image.open(io.BytesIO(original)) as check:  # the upload really carries GPS data
        assert check.getexif().get_ifd(0x8825)[2] == (39.0, 54.0, 27.0)
    name = row(submit(people["resident"], photo=original)).photo_path
    stored = (uploads / name).read_bytes()
    with Image.open(io.BytesIO(stored)) as image:
        assert dict(image.getexif()) == {} and "exif" not in image.info
    assert b"PhoneMaker" not in stored and b"Exif\x00\x00" not in stored


def test_jpeg_comment_does_not_reach_the_disk(people, uploads):
    original = image_bytes("JPEG", comment=b"Wang Fang, Room 302, Building 3")
    name = row(submit(people["resident"], photo=original)).photo_path
    stored = (uploads / name).read_bytes()
    assert b"Wang Fang" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert "comment" not in image.info


def test_large_photo_is_scaled_down(people, uploads):
    name = row(submit(people["resident"], photo=image_bytes("PNG", size=(3000, 1500)))).photo_path
    with Image.open(uploads / name) as stored:
        assert stored.size == (2000, 1000)


@pytest.mark.parametrize("fmt", ["JPEG", "WEBP"])
def test_photo_orientation_is_applied_before_exif_is_dropped(people, uploads, fmt):
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 degrees clockwise to display
    name = row(
        submit(people["resident"], photo=image_bytes(fmt, size=(64, 48), exif=exif))
    ).photo_path
    with Image.open(uploads / name) as stored:
        assert stored.size == (48, 64) and dict(stored.getexif()) == {}


@pytest.mark.parametrize(
    "make, key",
    [
        (lambda: b"just some text, saved as photo.png\n", "photo.not_an_image"),
        (lambda: b"", "photo.not_an_image"),
        (lambda: image_bytes("GIF"), "photo.not_an_image"),
        (lambda: image_bytes("PNG")[:60], "photo.not_an_image"),
        (lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * MAX_BYTES, "photo.too_large"),
        (lambda: png_declaring(7000, 7000), "photo.too_many_pixels"),
        (lambda: png_declaring(20000, 20000), ("photo.too_many_pixels", "photo.not_an_image")),
    ],
)
def test_bad_photos_write_nothing(people, uploads, make, key):
    before = snapshot()
    with pytest.raises(InvalidInput) as raised:
        submit(people["resident"], photo=make())
    assert raised.value.key in ((key,) if isinstance(key, str) else key)
    assert raised.value.field == "photo"
    assert snapshot() == before
    assert not uploads.exists() or list(uploads.iterdir()) == []


# ---- supporting and the threshold ----


def test_support_once(people, community):
    set_threshold(community, 0.9)  # ceil(0.9 * 5) = 5 supports
    proposal_id = submit(people["resident"])
    supporter = people["resident2"]
    result = support_proposal(actor=supporter, proposal_id=proposal_id)
    assert (result.support_count, result.threshold, result.moved_to_review) == (1, 5, False)
    assert row(proposal_id).support_count == 1 and row(proposal_id).status == "submitted"
    assert count(Support, Support.proposal_id == proposal_id) == 1
    assert count(ParticipationEvent, ParticipationEvent.kind == "support") == 1
    assert get_proposal(viewer=supporter, proposal_id=proposal_id).supported
    assert audit_actions()[-1] == "proposal.support"
    before = snapshot()
    with pytest.raises(Conflict) as raised:
        support_proposal(actor=supporter, proposal_id=proposal_id)
    assert raised.value.key == "support.already"
    assert snapshot() == before


def test_cannot_support_own_proposal(people):
    proposal_id = submit(people["resident"])
    before = snapshot()
    with pytest.raises(Conflict) as raised:
        support_proposal(actor=people["resident"], proposal_id=proposal_id)
    assert raised.value.key == "support.own_proposal"
    assert snapshot() == before


def test_withdraw_support_then_support_again(people, community):
    set_threshold(community, 0.9)  # keep it submitted throughout
    proposal_id = submit(people["resident"])
    supporter = people["resident2"]
    support_proposal(actor=supporter, proposal_id=proposal_id)
    assert withdraw_support(actor=supporter, proposal_id=proposal_id) == 0
    assert count(Support) == 0 and row(proposal_id).support_count == 0
    assert not get_proposal(viewer=supporter, proposal_id=proposal_id).supported
    assert audit_actions()[-1] == "proposal.unsupport"
    with pytest.raises(Conflict) as raised:
        withdraw_support(actor=supporter, proposal_id=proposal_id)
    assert raised.value.key == "support.none"
    assert support_proposal(actor=supporter, proposal_id=proposal_id).support_count == 1
    assert row(proposal_id).support_count == count(Support) == 1


def test_no_support_for_a_withdrawn_proposal_not_even_by_its_author(people):
    proposal_id = submit(people["resident"])
    support_proposal(actor=people["moderator"], proposal_id=proposal_id)
    withdraw_proposal(actor=people["resident"], proposal_id=proposal_id)
    before = snapshot()
    for who in (people["resident2"], people["resident"]):
        with pytest.raises(Conflict) as raised:
            support_proposal(actor=who, proposal_id=proposal_id)
        assert raised.value.key == "support.closed"
    with pytest.raises(Conflict) as raised:
        withdraw_support(actor=people["moderator"], proposal_id=proposal_id)
    assert raised.value.key == "support.closed"
    assert snapshot() == before


@pytest.mark.parametrize("status", PROPOSAL_STATUSES)
def test_support_only_while_supportable(people, community, status):
    set_threshold(community, 0.9)
    proposal_id = submit(people["resident"])
    set_status(proposal_id, status)
    if status in lifecycle.SUPPORTABLE:
        assert (
            support_proposal(actor=people["resident2"], proposal_id=proposal_id).support_count == 1
        )
    else:
        with pytest.raises(Conflict) as raised:
            support_proposal(actor=people["resident2"], proposal_id=proposal_id)
        assert raised.value.key == "support.closed"
        assert count(Support) == 0


def test_support_needs_a_roster_row_and_a_participant_role(people):
    proposal_id = submit(people["resident"])
    no_roster = Principal(
        user_id=people["resident2"].user_id,
        role="resident",
        community_id=people["resident2"].community_id,
        resident_id=None,
    )
    before = snapshot()
    with pytest.raises(Conflict) as raised:
        support_proposal(actor=no_roster, proposal_id=proposal_id)
    assert raised.value.key == "support.no_resident"
    with pytest.raises(PermissionDenied):
        support_proposal(actor=people["researcher"], proposal_id=proposal_id)
    assert snapshot() == before


def test_threshold_moves_a_proposal_to_review_by_itself(people, community):
    assert count(Resident, Resident.community_id == community["id"]) == 5
    set_threshold(community, 0.4)  # ceil(0.4 * 5) = 2
    proposal_id = submit(people["resident"])
    assert threshold_of(proposal_id) == 2
    first = support_proposal(actor=people["resident2"], proposal_id=proposal_id)
    assert (first.support_count, first.threshold, first.moved_to_review) == (1, 2, False)
    assert row(proposal_id).status == "submitted" and row(proposal_id).clock_started_at is None
    second = support_proposal(actor=people["admin"], proposal_id=proposal_id)
    assert (second.support_count, second.threshold, second.moved_to_review) == (2, 2, True)
    p = get_proposal(viewer=people["resident"], proposal_id=proposal_id)
    assert p.status == "under_review" and p.threshold == 2
    last = p.history[-1]
    assert (last.from_status, last.to_status, last.by_system, last.reason) == (
        "submitted",
        "under_review",
        True,
        "support_threshold",
    )
    assert p.clock_started_at is not None and abs(p.clock_started_at - last.at) < timedelta(
        seconds=1
    )
    assert abs(utcnow() - p.clock_started_at) < timedelta(minutes=1)
    # A third support counts but does not move it again.
    third = support_proposal(actor=people["moderator"], proposal_id=proposal_id)
    assert (third.support_count, third.moved_to_review) == (3, False)
    assert count(ProposalStatusChange, ProposalStatusChange.proposal_id == proposal_id) == 2


def test_threshold_of_a_building_proposal_counts_only_that_buildings_roster(people, community):
    b2 = community["buildings"][1]
    add_roster(community, b2, 10)  # roster: 5 in B1 (the people), 10 in B2
    set_threshold(community, 0.2)
    building_wide = submit(people["resident"], building_id=b2)
    community_wide = submit(people["resident"], title="修好全小区的路灯")
    assert threshold_of(building_wide) == 2 == math.ceil(0.2 * 10)
    assert threshold_of(community_wide) == 3 == math.ceil(0.2 * 15)
    for supporter in (people["resident2"], people["moderator"]):
        support_proposal(actor=supporter, proposal_id=building_wide)
        support_proposal(actor=supporter, proposal_id=community_wide)
    assert row(building_wide).status == "under_review"
    assert row(community_wide).status == "submitted"


@pytest.mark.parametrize(
    "share, roster, needed",
    [
        (0.07, 100, 7),
        (0.14, 50, 7),
        (0.28, 25, 7),
        (0.05, 100, 5),
        (0.05, 101, 6),
        (0.001, 5, 1),
    ],
)
def test_threshold_is_the_share_of_the_roster_rounded_up(people, community, share, roster, needed):
    add_roster(community, community["buildings"][2], roster - 5)
    set_threshold(community, share)
    assert threshold_of(submit(people["resident"])) == needed


# ---- following ----


def test_follow_and_unfollow(people):
    proposal_id = submit(people["resident"])
    follower = people["researcher"]  # anyone signed in may follow
    assert not get_proposal(viewer=follower, proposal_id=proposal_id).following
    follow_proposal(actor=follower, proposal_id=proposal_id)
    follow_proposal(actor=follower, proposal_id=proposal_id)  # twice: still one row
    assert get_proposal(viewer=follower, proposal_id=proposal_id).following
    assert count(ProposalFollow, ProposalFollow.user_id == follower.user_id) == 1
    follow_proposal(actor=follower, proposal_id=proposal_id, follow=False)
    follow_proposal(actor=follower, proposal_id=proposal_id, follow=False)
    assert not get_proposal(viewer=follower, proposal_id=proposal_id).following
    assert count(ProposalFollow) == 1  # the author's own
    assert audit_actions()[-2:] == ["proposal.follow", "proposal.unfollow"]  # once each
    assert audit_actions().count("proposal.follow") == 1
    with pytest.raises(PermissionDenied):
        follow_proposal(actor=Principal(user_id=None, role="anonymous"), proposal_id=proposal_id)


# ---- withdrawing ----


def test_author_withdraws_with_a_reason(people):
    proposal_id = submit(people["resident"])
    withdraw_proposal(actor=people["resident"], proposal_id=proposal_id, reason="已经修好了")
    p = get_proposal(viewer=people["resident"], proposal_id=proposal_id)
    assert p.status == "withdrawn"
    assert (
        p.history[-1].from_status,
        p.history[-1].to_status,
        p.history[-1].reason,
        p.history[-1].by_system,
    ) == ("submitted", "withdrawn", "已经修好了", False)
    assert audit_actions()[-1] == "proposal.withdraw"


def test_only_the_author_withdraws(people):
    proposal_id = submit(people["resident"])
    before = snapshot()
    for who in (people["resident2"], people["moderator"], people["admin"]):
        with pytest.raises(PermissionDenied):
            withdraw_proposal(actor=who, proposal_id=proposal_id)
    assert snapshot() == before


@pytest.mark.parametrize("status", PROPOSAL_STATUSES)
def test_withdrawing_only_early(people, status):
    proposal_id = submit(people["resident"])
    set_status(proposal_id, status)
    if status in ("submitted", "under_review", "open_for_discussion"):
        withdraw_proposal(actor=people["resident"], proposal_id=proposal_id)
        assert row(proposal_id).status == "withdrawn"
        return
    before = snapshot()
    with pytest.raises(Conflict) as raised:
        withdraw_proposal(actor=people["resident"], proposal_id=proposal_id)
    assert raised.value.key == "proposal.illegal_transition"
    assert raised.value.params == {"from": status, "to": "withdrawn"}
    assert snapshot() == before


# ---- the moderators' lifecycle ----


def test_lifecycle_table_covers_every_status():
    assert set(lifecycle.MODERATOR_MOVES) == set(PROPOSAL_STATUSES)
    for moves in lifecycle.MODERATOR_MOVES.values():
        assert set(moves) <= set(PROPOSAL_STATUSES)
        assert "merged" not in moves and "withdrawn" not in moves  # own commands do these
    assert lifecycle.moderator_can_move("voting", "accepted")
    assert lifecycle.moderator_can_move("open_for_discussion", "in_hearing")
    assert not lifecycle.moderator_can_move("submitted", "accepted")
    assert not lifecycle.moderator_can_move("archived", "submitted")
    assert not lifecycle.moderator_can_move("implemented", "in_progress")


def test_change_status_follows_the_lifecycle_table(people):
    moderator = people["moderator"]
    proposal_id = submit(people["resident"])
    allowed = 0
    wrong = []
    for from_status in PROPOSAL_STATUSES:
        for to_status in PROPOSAL_STATUSES + ("no_such_status",):
            set_status(proposal_id, from_status)
            history = count(ProposalStatusChange)
            reason = "理由：重复或不可行" if to_status in lifecycle.REASON_REQUIRED else None
            try:
                change_status(
                    actor=moderator, proposal_id=proposal_id, to_status=to_status, reason=reason
                )
                moved = True
            except Conflict as refused:
                moved = False
                assert refused.key == "proposal.illegal_transition"
                assert refused.params == {"from": from_status, "to": to_status}
            expected = lifecycle.moderator_can_move(from_status, to_status)
            after = row(proposal_id).status
            if (
                moved != expected
                or after != (to_status if expected else from_status)
                or count(ProposalStatusChange) != history + expected
            ):
                wrong.append((from_status, to_status, moved, after))
            allowed += moved
    assert wrong == []
    assert allowed == sum(len(moves) for moves in lifecycle.MODERATOR_MOVES.values()) == 25
    assert audit_actions().count("proposal.status") == allowed


def test_change_status_records_history_reason_and_starts_the_clock(people):
    proposal_id = submit(people["resident"])
    change_status(actor=people["moderator"], proposal_id=proposal_id, to_status="under_review")
    p = row(proposal_id)
    assert p.status == "under_review" and p.clock_started_at is not None
    change_status(
        actor=people["admin"],
        proposal_id=proposal_id,
        to_status="rejected",
        reason="  不属于社区事务  ",
    )
    history = get_proposal(viewer=people["resident"], proposal_id=proposal_id).history
    assert [(h.from_status, h.to_status, h.reason, h.by_system) for h in history] == [
        (None, "submitted", None, False),
        ("submitted", "under_review", None, False),
        ("under_review", "rejected", "不属于社区事务", False),
    ]
    with read_session() as s:
        event = s.exec(select(AuditEvent).order_by(col(AuditEvent.seq).desc())).first()
    assert (event.action, event.actor_user_id, event.object_id) == (
        "proposal.status",
        people["admin"].user_id,
        str(proposal_id),
    )
    assert '"from":"under_review"' in event.payload and '"to":"rejected"' in event.payload


@pytest.mark.parametrize("reason", [None, "", "  \n ", "\u200b\u200b"])
def test_rejection_needs_a_reason(people, reason):
    proposal_id = submit(people["resident"])
    before = snapshot()
    with pytest.raises(InvalidInput) as raised:
        change_status(
            actor=people["moderator"], proposal_id=proposal_id, to_status="rejected", reason=reason
        )
    assert (raised.value.key, raised.value.field) == ("field.required", "reason")
    assert snapshot() == before


def _moderator_commands(proposal_id: int, other_id: int, actor_id: int):
    return {
        "change_status": lambda who: change_status(
            actor=who, proposal_id=proposal_id, to_status="in_progress"
        ),
        "assign_actor": lambda who: assign_actor(
            actor=who, proposal_id=proposal_id, responsible_id=actor_id
        ),
        "answer_proposal": lambda who: answer_proposal(
            actor=who, proposal_id=proposal_id, answer="物业下周更换灯泡。", cost_estimate=200.0
        ),
        "post_progress": lambda who: post_progress(
            actor=who, proposal_id=proposal_id, text="已采购灯泡", progress_pct=50
        ),
        "merge_proposals": lambda who: merge_proposals(
            actor=who, proposal_id=other_id, into_id=proposal_id, reason="重复"
        ),
    }


@pytest.mark.parametrize(
    "command",
    ["change_status", "assign_actor", "answer_proposal", "post_progress", "merge_proposals"],
)
@pytest.mark.parametrize("role", ["resident", "resident2", "researcher"])
def test_moderator_commands_are_refused_to_others(people, community, command, role):
    proposal_id = submit(people["resident"])
    other_id = submit(people["resident2"], title="楼道灯又坏了")
    set_status(proposal_id, "accepted")  # so that post_progress would otherwise succeed
    run = _moderator_commands(proposal_id, other_id, community["actors"][0])[command]
    before = snapshot()
    with pytest.raises(PermissionDenied) as raised:
        run(people[role])
    assert raised.value.key == "error.permission_denied"
    assert raised.value.action == "proposal.moderate"
    assert snapshot() == before
    run(people["moderator"])  # the same call goes through for a moderator
    assert snapshot() != before


def test_proposals_of_another_community_are_not_found(people):
    elsewhere = other_community()
    outsider_mod = make_user(elsewhere, "outsider.mod", "moderator")
    proposal_id = submit(people["resident"])
    before = snapshot()
    assert get_proposal(viewer=outsider_mod, proposal_id=proposal_id) is None
    for command in _moderator_commands(
        proposal_id, proposal_id + 1, elsewhere["actors"][0]
    ).values():
        with pytest.raises((NotFound, InvalidInput)):
            command(outsider_mod)
    with pytest.raises(NotFound):
        follow_proposal(actor=outsider_mod, proposal_id=proposal_id)
    assert snapshot() == before
    assert get_proposal(viewer=people["resident"], proposal_id=99999) is None


# ---- assigning the responsible actor ----


def test_assign_then_reassign_with_a_reason(people, community):
    committee, company = community["actors"]
    proposal_id = submit(people["resident"])
    change_status(actor=people["moderator"], proposal_id=proposal_id, to_status="under_review")
    assign_actor(actor=people["moderator"], proposal_id=proposal_id, responsible_id=committee)
    first = get_proposal(viewer=people["resident"], proposal_id=proposal_id)
    assert (first.actor_id, first.actor) == (committee, "居委会")
    assert first.history[-1].actor == "居委会" and first.history[-1].to_status == "under_review"
    assert row(proposal_id).assigned_at is not None
    before = snapshot()
    for reason in (None, "   "):
        with pytest.raises(InvalidInput) as raised:
            assign_actor(
                actor=people["moderator"],
                proposal_id=proposal_id,
                responsible_id=company,
                reason=reason,
            )
        assert raised.value.key == "field.required"
    with pytest.raises(Conflict) as raised:
        assign_actor(
            actor=people["moderator"],
            proposal_id=proposal_id,
            responsible_id=committee,
            reason="再次指派",
        )
    assert raised.value.key == "proposal.same_actor"
    assert snapshot() == before
    clock = row(proposal_id).clock_started_at
    assign_actor(
        actor=people["moderator"],
        proposal_id=proposal_id,
        responsible_id=company,
        reason="属于物业职责",
    )
    p = get_proposal(viewer=people["resident"], proposal_id=proposal_id)
    assert (p.actor_id, p.actor) == (company, "物业")
    assert (p.history[-1].actor, p.history[-1].reason) == ("物业", "属于物业职责")
    assert p.clock_started_at >= clock
    assert audit_actions()[-2:] == ["proposal.assign", "proposal.assign"]


def test_assigning_a_submitted_proposal_does_not_start_the_clock(people, community):
    proposal_id = submit(people["resident"])
    assign_actor(
        actor=people["moderator"], proposal_id=proposal_id, responsible_id=community["actors"][1]
    )
    p = row(proposal_id)
    assert p.actor_id == community["actors"][1] and p.clock_started_at is None


def test_only_active_actors_of_the_community_can_be_assigned(people, community):
    elsewhere = other_community()
    with write_session() as s:
        s.get(Actor, community["actors"][1]).active = False
    proposal_id = submit(people["resident"])
    before = snapshot()
    for responsible in (community["actors"][1], elsewhere["actors"][0], 99999, None, "1"):
        with pytest.raises(InvalidInput) as raised:
            assign_actor(
                actor=people["moderator"], proposal_id=proposal_id, responsible_id=responsible
            )
        assert (raised.value.key, raised.value.field) == ("field.not_a_choice", "actor")
    assert snapshot() == before


# ---- answers ----


def test_answer_with_cost_and_timeline(people):
    proposal_id = submit(people["resident"])
    answer_proposal(
        actor=people["moderator"],
        proposal_id=proposal_id,
        answer="物业将在两周内更换所有楼道灯。",
        cost_estimate=1200,
        timeline="两周",
    )
    p = get_proposal(viewer=people["resident"], proposal_id=proposal_id)
    assert (p.answer_text, p.cost_estimate, p.timeline) == (
        "物业将在两周内更换所有楼道灯。",
        1200.0,
        "两周",
    )
    assert p.answered_at is not None and audit_actions()[-1] == "proposal.answer"


@pytest.mark.parametrize("cost", [float("nan"), float("inf"), -1, -0.01, 1e12 + 1, 10**13, "100"])
def test_answer_cost_out_of_range(people, cost):
    proposal_id = submit(people["resident"])
    before = snapshot()
    with pytest.raises(InvalidInput) as raised:
        answer_proposal(
            actor=people["moderator"],
            proposal_id=proposal_id,
            answer="物业将在两周内更换。",
            cost_estimate=cost,
        )
    assert (raised.value.key, raised.value.field) == ("field.out_of_range", "cost_estimate")
    assert snapshot() == before


@pytest.mark.parametrize("status", ["archived", "merged", "withdrawn"])
def test_no_answer_on_a_closed_proposal(people, status):
    proposal_id = submit(people["resident"])
    set_status(proposal_id, status)
    before = snapshot()
    with pytest.raises(Conflict) as raised:
        answer_proposal(
            actor=people["moderator"], proposal_id=proposal_id, answer="物业将在两周内更换。"
        )
    assert raised.value.key == "proposal.closed"
    assert snapshot() == before


# ---- progress ----


@pytest.mark.parametrize("status", PROPOSAL_STATUSES)
def test_progress_only_once_accepted(people, status):
    proposal_id = submit(people["resident"])
    set_status(proposal_id, status)
    if status in ("accepted", "in_progress", "implemented"):
        post_progress(
            actor=people["moderator"], proposal_id=proposal_id, text="已采购灯泡", progress_pct=40
        )
        p = get_proposal(viewer=people["resident"], proposal_id=proposal_id)
        assert p.progress_pct == 40 and [(u.text, u.progress_pct) for u in p.progress] == [
            ("已采购灯泡", 40)
        ]
        assert p.status == status and audit_actions()[-1] == "proposal.progress"
        return
    before = snapshot()
    with pytest.raises(Conflict) as raised:
        post_progress(
            actor=people["moderator"], proposal_id=proposal_id, text="已采购灯泡", progress_pct=40
        )
    assert raised.value.key == "proposal.progress_not_started"
    assert snapshot() == before


def test_progress_percentages(people):
    proposal_id = submit(people["resident"])
    set_status(proposal_id, "in_progress")
    before = snapshot()
    for bad in (101, -1, 50.5, True, False, "50", None, float("nan")):
        with pytest.raises(InvalidInput) as raised:
            post_progress(
                actor=people["moderator"], proposal_id=proposal_id, text="进展", progress_pct=bad
            )
        assert (raised.value.key, raised.value.field) == ("field.out_of_range", "progress_pct")
    assert snapshot() == before
    for pct in (0, 100):
        post_progress(
            actor=people["moderator"], proposal_id=proposal_id, text="进展", progress_pct=pct
        )
    p = get_proposal(viewer=people["resident"], proposal_id=proposal_id)
    assert p.progress_pct == 100 and [u.progress_pct for u in p.progress] == [0, 100]


# ---- merging ----


def test_merge_moves_supports_and_followers_once_per_person(people, community):
    set_threshold(community, 0.9)
    target = submit(people["admin"], title="更换全部楼道灯")
    source = submit(people["moderator"], title="3号楼楼道灯不亮")
    for supporter in (people["resident"], people["resident2"]):
        support_proposal(actor=supporter, proposal_id=source)
    support_proposal(actor=people["resident"], proposal_id=target)
    follow_proposal(actor=people["researcher"], proposal_id=source)
    follow_proposal(actor=people["resident"], proposal_id=source)
    follow_proposal(actor=people["resident"], proposal_id=target)
    assert (
        merge_proposals(
            actor=people["moderator"], proposal_id=source, into_id=target, reason="与另一条重复"
        )
        == 2
    )
    with read_session() as s:
        supporters = sorted(
            s.exec(select(Support.resident_id).where(Support.proposal_id == target))
        )
        followers = sorted(
            s.exec(select(ProposalFollow.user_id).where(ProposalFollow.proposal_id == target))
        )
        left = (
            s.exec(
                select(func.count()).select_from(Support).where(Support.proposal_id == source)
            ).one(),
            s.exec(
                select(func.count())
                .select_from(ProposalFollow)
                .where(ProposalFollow.proposal_id == source)
            ).one(),
        )
    assert supporters == sorted([people["resident"].resident_id, people["resident2"].resident_id])
    assert followers == sorted(
        people[r].user_id for r in ("admin", "moderator", "resident", "researcher")
    )
    assert left == (0, 0)
    merged = get_proposal(viewer=people["resident"], proposal_id=source)
    assert (merged.status, merged.merged_into_id, merged.support_count) == ("merged", target, 0)
    assert (merged.history[-1].to_status, merged.history[-1].reason) == ("merged", "与另一条重复")
    assert row(target).support_count == 2 and row(target).status == "submitted"
    assert get_proposal(viewer=people["resident2"], proposal_id=target).supported
    assert audit_actions()[-1] == "proposal.merge"


def test_merge_refusals_write_nothing(people):
    target = submit(people["resident"])
    source = submit(people["resident2"], title="楼道灯又坏了")
    withdrawn = submit(people["resident2"], title="楼道灯坏了第三次")
    withdraw_proposal(actor=people["resident2"], proposal_id=withdrawn)
    before = snapshot()
    cases = [
        (dict(proposal_id=source, into_id=target, reason=None), InvalidInput, "field.required"),
        (dict(proposal_id=source, into_id=target, reason=" "), InvalidInput, "field.required"),
        (
            dict(proposal_id=source, into_id=source, reason="重复"),
            InvalidInput,
            "proposal.merge_into_itself",
        ),
        (
            dict(proposal_id=source, into_id=withdrawn, reason="重复"),
            Conflict,
            "proposal.merge_target_closed",
        ),
        (dict(proposal_id=source, into_id=99999, reason="重复"), NotFound, "error.not_found"),
    ]
    for kwargs, error, key in cases:
        with pytest.raises(error) as raised:
            merge_proposals(actor=people["moderator"], **kwargs)
        assert raised.value.key == key
    assert snapshot() == before


@pytest.mark.parametrize("status", PROPOSAL_STATUSES)
def test_only_early_proposals_can_be_merged(people, status):
    target = submit(people["resident"])
    source = submit(people["resident2"], title="楼道灯又坏了")
    set_status(source, status)
    if status in ("submitted", "under_review", "open_for_discussion", "in_hearing"):
        merge_proposals(
            actor=people["moderator"], proposal_id=source, into_id=target, reason="重复"
        )
        assert (row(source).status, row(source).merged_into_id) == ("merged", target)
        return
    before = snapshot()
    with pytest.raises(Conflict) as raised:
        merge_proposals(
            actor=people["moderator"], proposal_id=source, into_id=target, reason="重复"
        )
    assert raised.value.key == "proposal.illegal_transition"
    assert raised.value.params == {"from": status, "to": "merged"}
    assert snapshot() == before


# ---- audit and participation across a proposal's life ----


def test_every_successful_command_is_audited_and_participation_recorded(people, community):
    set_threshold(community, 0.9)
    moderator = people["moderator"]
    start = len(audit_actions())
    first = submit(people["resident"], kind="proposal")
    second = submit(people["resident2"], kind="need", title="楼道灯又坏了")
    support_proposal(actor=people["resident2"], proposal_id=first)
    support_proposal(actor=people["admin"], proposal_id=first)
    withdraw_support(actor=people["admin"], proposal_id=first)
    change_status(actor=moderator, proposal_id=first, to_status="open_for_discussion")
    assign_actor(actor=moderator, proposal_id=first, responsible_id=community["actors"][0])
    answer_proposal(actor=moderator, proposal_id=first, answer="同意，马上安排。")
    change_status(actor=moderator, proposal_id=first, to_status="accepted")
    post_progress(actor=moderator, proposal_id=first, text="开工", progress_pct=10)
    merge_proposals(actor=moderator, proposal_id=second, into_id=first, reason="重复")
    third = submit(people["resident"], kind="proposal", title="再提一个建议")
    withdraw_proposal(actor=people["resident"], proposal_id=third)
    assert audit_actions()[start:] == [
        "proposal.submit",
        "proposal.submit",
        "proposal.support",
        "proposal.support",
        "proposal.unsupport",
        "proposal.status",
        "proposal.assign",
        "proposal.answer",
        "proposal.status",
        "proposal.progress",
        "proposal.merge",
        "proposal.submit",
        "proposal.withdraw",
    ]
    with read_session() as s:
        kinds = sorted(s.exec(select(ParticipationEvent.kind)))
    assert kinds == ["need", "proposal", "proposal", "support", "support"]  # none for withdrawing
    with read_session() as s:
        assert verify(s) is None


# ---- the list, search and filters ----


def _searchable(people, community) -> dict[str, int]:
    author = people["resident"]
    titles = {
        "lift": ("电梯经常故障", "3号楼的电梯这个月坏了三次，老人被困过一次。"),
        "lift_noise": ("电梯噪音太大", "晚上电梯运行噪音影响休息，希望检修。"),
        "lights": ("楼道灯不亮", "楼道里的灯坏了很久，晚上上下楼不方便。"),
        "english": ("Fix the Elevator please", "The elevator in building 3 is broken again."),
        "percent": ("停车费降低50%可以吗", "希望把停车费降低一半，减轻居民负担。"),
        "number": ("停车位增加500个", "希望增加停车位，现在晚上找不到车位。"),
        "underscore": ("Rename file_a to something", "A title with an underscore in it."),
        "no_underscore": ("Rename fileXa to something", "A title without an underscore."),
    }
    return {key: submit(author, title=title, body=body) for key, (title, body) in titles.items()}


def test_search_finds_chinese_words_and_needs_every_term(people, community):
    ids = _searchable(people, community)

    def found(search: str) -> set[int]:
        return {
            p.id
            for p in list_proposals(
                community_id=community["id"], search=search, page_size=100
            ).items
        }

    assert found("电梯") == {ids["lift"], ids["lift_noise"]}
    assert found("电梯 故障") == {ids["lift"]}
    assert found("  电梯   噪音  ") == {ids["lift_noise"]}
    assert found("电梯 楼道") == set()
    assert found("老人被困") == {ids["lift"]}  # matched in the body
    assert found("elevator") == found("ELEVATOR") == found("eLeVaToR") == {ids["english"]}
    assert found("50%") == {ids["percent"]}
    assert found("%") == {ids["percent"]}
    assert found("file_a") == {ids["underscore"]}
    assert found("_") == {ids["underscore"]}
    assert found("\\") == set()
    assert found("") == found("   ") == set(ids.values())
    page = list_proposals(community_id=community["id"], search="电梯")
    assert page.total == 2 and page.pages == 1


def test_filter_by_actor_kind_and_building(people, community):
    committee, company = community["actors"]
    a = submit(people["resident"], kind="proposal")
    b = submit(
        people["resident"], kind="need", title="第二个问题", building_id=community["buildings"][2]
    )
    c = submit(people["resident"], kind="need", title="第三个问题")
    assign_actor(actor=people["moderator"], proposal_id=a, responsible_id=committee)
    assign_actor(actor=people["moderator"], proposal_id=b, responsible_id=company)

    def ids(**filters) -> list[int]:
        return [p.id for p in list_proposals(community_id=community["id"], **filters).items]

    assert ids(actor_id=committee) == [a]
    assert ids(actor_id=company) == [b]
    assert sorted(ids()) == [a, b, c]
    assert sorted(ids(kind="need")) == [b, c]
    assert ids(building_id=community["buildings"][2]) == [b]
    summary = list_proposals(community_id=community["id"], actor_id=company).items[0]
    assert (summary.actor, summary.building, summary.author) == ("物业", "B3", "resident1 name")
    elsewhere = other_community()
    assert list_proposals(community_id=elsewhere["id"]).total == 0


# ---- updates on followed proposals ----


def test_followed_updates_show_what_others_did(people, community):
    resident, moderator = people["resident"], people["moderator"]
    mine = submit(resident)
    other = submit(resident, title="第二个建议")
    change_status(actor=moderator, proposal_id=mine, to_status="open_for_discussion")
    assign_actor(actor=moderator, proposal_id=mine, responsible_id=community["actors"][0])
    answer_proposal(actor=moderator, proposal_id=mine, answer="同意，马上安排。")
    change_status(actor=moderator, proposal_id=mine, to_status="accepted")
    post_progress(actor=moderator, proposal_id=mine, text="开工", progress_pct=30)
    withdraw_proposal(actor=resident, proposal_id=other)  # the resident's own status change
    updates = followed_updates(viewer=resident, limit=50)
    assert sorted((u.proposal_id, u.what, u.detail) for u in updates) == sorted(
        [
            (mine, "status", "open_for_discussion"),
            (mine, "assigned", "居委会"),
            (mine, "answer", None),
            (mine, "status", "accepted"),
            (mine, "progress", "30"),
        ]
    )
    assert all(u.status == "accepted" for u in updates)
    assert [u.at for u in updates] == sorted((u.at for u in updates), reverse=True)
    assert len(followed_updates(viewer=resident, limit=2)) == 2
    # Someone else following the withdrawn one sees the withdrawal; a non-follower nothing.
    follow_proposal(actor=people["resident2"], proposal_id=other)
    assert [
        (u.proposal_id, u.what, u.detail) for u in followed_updates(viewer=people["resident2"])
    ] == [(other, "status", "withdrawn")]
    assert followed_updates(viewer=people["researcher"]) == []
    assert followed_updates(viewer=Principal(user_id=None, role="anonymous")) == []
    follow_proposal(actor=resident, proposal_id=mine, follow=False)
    assert followed_updates(viewer=resident) == []


def test_followed_updates_include_the_systems_move_to_review(people, community):
    set_threshold(community, 0.2)  # one support
    proposal_id = submit(people["resident"])
    support_proposal(actor=people["resident2"], proposal_id=proposal_id)
    assert [(u.what, u.detail) for u in followed_updates(viewer=people["resident"])] == [
        ("status", "under_review")
    ]


# ---- regressions found in review ----


def test_merge_never_gives_the_target_author_a_support_and_can_reach_the_threshold(
    people, community
):
    from core.proposals.commands import merge_proposals, support_proposal

    set_threshold(community, 0.0001)  # one support reaches review
    target = submit(people["resident"], title="目标提案：楼道灯")
    source = submit(people["resident2"], title="重复提案：楼道灯")
    support_proposal(actor=people["resident"], proposal_id=source)  # the target's author
    assert (
        merge_proposals(
            actor=people["moderator"], proposal_id=source, into_id=target, reason="重复"
        )
        == 0
    )
    assert row(target).status == "submitted"
    other = submit(people["resident2"], title="另一个重复提案")
    support_proposal(actor=people["admin"], proposal_id=other)
    assert (
        merge_proposals(actor=people["moderator"], proposal_id=other, into_id=target, reason="重复")
        == 1
    )
    assert row(target).status == "under_review"


@pytest.mark.parametrize("status", ["withdrawn", "merged", "archived"])
def test_no_assignment_on_closed_proposals(people, community, status):
    from core.errors import Conflict
    from core.proposals.commands import assign_actor

    proposal_id = submit(people["resident"])
    set_status(proposal_id, status)
    with pytest.raises(Conflict) as raised:
        assign_actor(
            actor=people["moderator"],
            proposal_id=proposal_id,
            responsible_id=community["actors"][0],
        )
    assert raised.value.key == "proposal.closed"


def test_boolean_cost_is_refused(people):
    from core.errors import InvalidInput
    from core.proposals.commands import answer_proposal

    proposal_id = submit(people["resident"])
    with pytest.raises(InvalidInput):
        answer_proposal(
            actor=people["moderator"],
            proposal_id=proposal_id,
            answer="已收到，会处理。",
            cost_estimate=True,
        )


def test_long_search_terms_keep_their_escapes(people):
    from core.proposals import list_proposals

    title = "a" * 49 + "%折扣"
    submit(people["resident"], title=title)
    assert (
        list_proposals(community_id=people["resident"].community_id, search="a" * 49 + "%").total
        == 1
    )


def test_followed_updates_leave_out_the_viewers_own_progress_reports(people):
    from core.proposals import followed_updates
    from core.proposals.commands import follow_proposal, post_progress

    proposal_id = submit(people["resident"])
    set_status(proposal_id, "accepted")
    follow_proposal(actor=people["moderator"], proposal_id=proposal_id)
    post_progress(
        actor=people["moderator"], proposal_id=proposal_id, text="已开工", progress_pct=30
    )
    assert [u.what for u in followed_updates(viewer=people["moderator"])] == []
    assert "progress" in [u.what for u in followed_updates(viewer=people["resident"])]


@pytest.mark.parametrize("status", PROPOSAL_STATUSES)
def test_the_read_model_answers_what_pages_used_to_work_out(people, status):
    """The flags say what the proposal page used to compute from the status itself."""
    proposal_id = submit(people["resident"])
    with write_session() as s:
        p = s.get(Proposal, proposal_id)
        p.status, p.clock_started_at = status, utcnow()
    mine = get_proposal(viewer=people["resident"], proposal_id=proposal_id)
    theirs = get_proposal(viewer=people["resident2"], proposal_id=proposal_id)
    assert mine.clock_running == (
        status not in ("implemented", "rejected", "withdrawn", "merged", "archived")
    )
    assert (
        mine.adopted
        == mine.can_report_progress
        == (status in ("accepted", "in_progress", "implemented"))
    )
    assert mine.counting_to_threshold == (status == "submitted")
    assert mine.supportable == (
        status in ("submitted", "under_review", "open_for_discussion", "in_hearing")
    )
    assert mine.mergeable == mine.supportable
    assert mine.discussion_open == (status not in ("withdrawn", "merged", "archived"))
    assert (
        mine.can_withdraw == (status in ("submitted", "under_review", "open_for_discussion"))
        and not theirs.can_withdraw
    )
    assert mine.moderator_moves == list(lifecycle.MODERATOR_MOVES[status])
    with write_session() as s:
        s.get(Proposal, proposal_id).clock_started_at = None
    assert not get_proposal(viewer=people["resident"], proposal_id=proposal_id).clock_running
