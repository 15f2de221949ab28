"""Residents' data rights (PIPL / GDPR): download everything held about oneself, and delete
one's account.

The export is a zip of CSV and JSON files: profile, proposals, comments (with their earlier
versions), reactions, flags, supports, follows, hearing registrations, invitations,
attendance, speaking turns and statements, the polls taken part in (never a secret ballot's
choice; an open poll's ballot is public anyway), participation records and one's own entries
in the public log. It is built from the signed-in actor alone, so nobody can ask for someone
else's.

Deleting an account erases or blanks the personal data: the login name, display name and
password, the roster row's name, unit and demographics, names copied onto speaker lists.
Public content stays and shows "deleted user"; supports, votes and participation stay
counted. The voter roll keeps the keyed pseudonym it holds for each vote, so coming back
under a new account cannot vote twice in a poll. The public log records the deletion and
nothing of what was erased.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import datetime

from sqlalchemy import delete, func
from sqlmodel import Session, SQLModel, col, select

from core import audit
from core.accounts.sessions import revoke_all_for_user
from core.admin import ensure_another_admin
from core.errors import Conflict, InvalidInput, NotFound
from core.hearings import lifecycle as hearing_lifecycle
from core.permissions import require
from core.principal import Principal
from core.spreadsheet import csv_bytes
from core.voting import lifecycle as poll_lifecycle
from core.voting.codes import voter_pseudonym
from db.engine import read_session, write_session
from db.models import (
    ActivitySignup,
    AuditEvent,
    Ballot,
    Comment,
    CommentFlag,
    CommentReaction,
    CommentRevision,
    Hearing,
    HearingAttendance,
    HearingInvitation,
    HearingRegistration,
    LoginAttempt,
    OrganisationMember,
    ParticipationEvent,
    Poll,
    Proposal,
    ProposalFollow,
    Resident,
    Support,
    Survey,
    SurveyAnswer,
    SurveyOption,
    SurveyQuestion,
    SurveyResponse,
    Testimony,
    User,
    VolunteerRecord,
    VoterRoll,
)
from db.models.base import utcnow
from db.models.people import Role

NEVER_EXPORTED = {
    "password_hash",
    "voter_key",
    "submission_hash",
    "handoff_hash",
    "code_hash",
    "receipt_hash",
}
OPEN_HEARINGS = hearing_lifecycle.UNFINISHED
OPEN_POLLS = poll_lifecycle.UNFINISHED

README = """Yishiting (议事厅): everything held about you / 关于您的全部数据

profile.json            your account and your roster entry / 账户与名册信息
proposals.csv           proposals and needs you submitted / 您提交的提案与需求
comments.csv            your comments (current text) / 您的评论（当前内容）
comment_revisions.csv   earlier versions of your comments / 评论的修改记录
reactions.csv, flags.csv, supports.csv, follows.csv
hearing_registrations.csv, hearing_invitations.csv, hearing_attendance.csv
speaking_and_statements.csv
organisation_memberships.csv, activity_signups.csv, volunteer_hours.csv
                        organisations you joined or asked to, activities, hours given
                        您加入或申请的组织、报名的活动、志愿服务时长
polls.csv               polls you took part in; never a secret ballot's choice
                        您参加过的投票；不含秘密投票的选择
open_poll_ballots.csv   your ballots in open (non-secret) polls, which are public anyway
survey_answers.csv      your answers to needs surveys (also paper ones) / 您对需求调查的回答
participation.csv       the participation records the dashboard counts / 参与记录
public_log.csv          your own entries in the public activity log / 公开记录中您的操作
"""


def _rows(s: Session, query) -> list[dict]:
    rows = []
    for row in s.exec(query).all():
        record = row.model_dump() if isinstance(row, SQLModel) else dict(row._mapping)
        rows.append(
            {
                k: v.isoformat() if isinstance(v, datetime) else v
                for k, v in record.items()
                if k not in NEVER_EXPORTED
            }
        )
    return rows


def export_my_data(*, actor: Principal) -> bytes:
    """The signed-in person's data as a zip (bytes)."""
    require(actor, "account.export")
    me, rid = actor.user_id, actor.resident_id
    with read_session() as s:
        user = s.get(User, me)
        if user is None or user.deleted_at is not None:
            raise NotFound("error.not_found")
        resident = s.get(Resident, user.resident_id) if user.resident_id else None
        mine = col(Comment.author_id) == me
        files = {
            "proposals.csv": _rows(s, select(Proposal).where(Proposal.author_id == me)),
            "comments.csv": _rows(s, select(Comment).where(mine)),
            "comment_revisions.csv": _rows(
                s,
                select(CommentRevision)
                .join(Comment, col(Comment.id) == col(CommentRevision.comment_id))
                .where(mine),
            ),
            "reactions.csv": _rows(s, select(CommentReaction).where(CommentReaction.user_id == me)),
            "flags.csv": _rows(s, select(CommentFlag).where(CommentFlag.user_id == me)),
            "follows.csv": _rows(s, select(ProposalFollow).where(ProposalFollow.user_id == me)),
            "public_log.csv": _rows(
                s,
                select(AuditEvent)
                .where(AuditEvent.actor_user_id == me)
                .order_by(col(AuditEvent.seq)),
            ),
        }
        by_resident = {
            "supports.csv": select(Support).where(Support.resident_id == rid),
            "hearing_registrations.csv": select(HearingRegistration).where(
                HearingRegistration.resident_id == rid
            ),
            "hearing_invitations.csv": select(HearingInvitation).where(
                HearingInvitation.resident_id == rid
            ),
            "hearing_attendance.csv": select(HearingAttendance).where(
                HearingAttendance.resident_id == rid
            ),
            "speaking_and_statements.csv": select(Testimony).where(Testimony.resident_id == rid),
            "organisation_memberships.csv": select(OrganisationMember).where(
                OrganisationMember.resident_id == rid
            ),
            "activity_signups.csv": select(ActivitySignup).where(ActivitySignup.resident_id == rid),
            "volunteer_hours.csv": select(VolunteerRecord).where(
                VolunteerRecord.resident_id == rid
            ),
        }
        for name, query in by_resident.items():
            files[name] = _rows(s, query) if rid else []
        files["polls.csv"] = (
            _rows(
                s,
                select(  # type: ignore[call-overload]  # sqlmodel types select() up to 4 columns
                    VoterRoll.poll_id,
                    Poll.title,
                    Poll.secret,
                    VoterRoll.channel,
                    VoterRoll.voted_at,
                )
                .join(Poll, col(Poll.id) == col(VoterRoll.poll_id))
                .where(VoterRoll.resident_id == rid),
            )
            if rid
            else []
        )
        files["open_poll_ballots.csv"] = (
            _rows(
                s,
                select(Ballot.poll_id, Ballot.choice, Ballot.cast_at)
                .join(Poll, col(Poll.id) == col(Ballot.poll_id))
                .where(Ballot.resident_id == rid, col(Poll.secret).is_(False)),
            )
            if rid
            else []
        )
        files["survey_answers.csv"] = (
            _rows(
                s,
                select(  # type: ignore[call-overload]  # sqlmodel types select() up to 4 columns
                    SurveyResponse.survey_id,
                    Survey.title,
                    SurveyResponse.channel,
                    SurveyQuestion.position,
                    SurveyQuestion.prompt,
                    SurveyOption.label,
                    SurveyAnswer.rank,
                    SurveyAnswer.rating,
                    SurveyAnswer.text,
                    SurveyResponse.updated_at,
                )
                .join(Survey, col(Survey.id) == col(SurveyResponse.survey_id))
                .join(SurveyAnswer, col(SurveyAnswer.response_id) == col(SurveyResponse.id))
                .join(SurveyQuestion, col(SurveyQuestion.id) == col(SurveyAnswer.question_id))
                .join(
                    SurveyOption, col(SurveyOption.id) == col(SurveyAnswer.option_id), isouter=True
                )
                .where(SurveyResponse.resident_id == rid)
                .order_by(
                    col(SurveyResponse.survey_id),
                    col(SurveyQuestion.position),
                    col(SurveyAnswer.rank),
                ),
            )
            if rid
            else []
        )
        files["participation.csv"] = _rows(
            s,
            select(  # type: ignore[call-overload]  # sqlmodel types select() up to 4 columns
                ParticipationEvent.kind,
                ParticipationEvent.channel,
                ParticipationEvent.object_type,
                ParticipationEvent.object_id,
                ParticipationEvent.amount,
                ParticipationEvent.at,
            ).where(
                (ParticipationEvent.resident_id == rid)
                if rid
                else (ParticipationEvent.user_id == me)
            ),
        )
        profile = {
            "account": _rows(s, select(User).where(User.id == me))[0],
            "roster_entry": _rows(s, select(Resident).where(Resident.id == rid))[0]
            if resident
            else None,
        }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", README)
        archive.writestr(
            "profile.json", json.dumps(profile, ensure_ascii=False, indent=2, default=str)
        )
        for name, rows in files.items():
            archive.writestr(name, csv_bytes(rows))
    return buffer.getvalue()


def delete_account(*, actor: Principal, confirm_username: str) -> None:
    """Erase the signed-in person's account (they type their login name to confirm)."""
    require(actor, "account.delete")
    with write_session() as s:
        user = s.get(User, actor.user_id)
        if user is None or user.deleted_at is not None:
            raise Conflict("account.already_deleted")
        if (
            not isinstance(confirm_username, str)
            or confirm_username.strip().casefold() != user.username
        ):
            raise InvalidInput("account.confirm_mismatch", field="confirm_username")
        if user.role in (Role.MODERATOR, Role.ADMIN):
            hearings = s.exec(
                select(func.count())
                .select_from(Hearing)
                .where(Hearing.created_by == user.id, col(Hearing.status).in_(OPEN_HEARINGS))
            ).one()
            polls = s.exec(
                select(func.count())
                .select_from(Poll)
                .where(Poll.created_by == user.id, col(Poll.status).in_(OPEN_POLLS))
            ).one()
            if hearings or polls:
                raise Conflict("account.open_assignments", hearings=hearings, polls=polls)
        if user.role == Role.ADMIN:
            ensure_another_admin(s, user)
        now = utcnow()
        resident = s.get(Resident, user.resident_id) if user.resident_id else None
        if resident is not None:
            key = voter_pseudonym(resident)  # before the name goes
            for entry in s.exec(
                select(VoterRoll).where(
                    VoterRoll.resident_id == resident.id, col(VoterRoll.voter_key).is_(None)
                )
            ):
                entry.voter_key = key
            for turn in s.exec(select(Testimony).where(Testimony.resident_id == resident.id)):
                turn.speaker_name = ""
            for member in s.exec(
                select(OrganisationMember).where(OrganisationMember.resident_id == resident.id)
            ):
                member.message = ""  # what they wrote when asking to join
            resident.full_name = ""
            for field in (
                "unit",
                "age_band",
                "gender",
                "education",
                "occupation",
                "residency_status",
                "years_in_community",
            ):
                setattr(resident, field, None)
            resident.research_consent = False
            resident.research_consent_at = now
            resident.invitation_consent = False
            resident.erased_at = now
        assert user.id is not None  # read from the database
        s.execute(delete(LoginAttempt).where(col(LoginAttempt.username_key) == user.username))
        s.execute(delete(ProposalFollow).where(col(ProposalFollow.user_id) == user.id))
        revoke_all_for_user(s, user_id=user.id)
        user.username = f"deleted-{user.id}"
        user.display_name = ""
        user.password_hash = "!"  # matches no password
        user.active = False
        user.deleted_at = now
        audit.record(s, actor=actor, action="account.delete", object_type="user", object_id=user.id)
