"""All tables; importing this module registers them on SQLModel.metadata."""

from db.models.community import (
    Actor,
    Announcement,
    Building,
    CensusBaseline,
    Community,
    ServiceLevel,
)
from db.models.discussion import Comment, CommentFlag, CommentReaction, CommentRevision
from db.models.hearings import (
    Hearing,
    HearingAttendance,
    HearingDraw,
    HearingInvitation,
    HearingProposal,
    HearingRegistration,
    Testimony,
)
from db.models.organisations import (
    ActivitySignup,
    Organisation,
    OrganisationActivity,
    OrganisationMember,
    VolunteerRecord,
)
from db.models.people import LoginAttempt, Resident, User, UserBlock, WebSession
from db.models.proposals import (
    ProgressUpdate,
    Proposal,
    ProposalFollow,
    ProposalStatusChange,
    Support,
)
from db.models.records import AuditEvent, ExternalDataset, ParticipationEvent
from db.models.surveys import (
    Survey,
    SurveyAnswer,
    SurveyBuilding,
    SurveyOption,
    SurveyQuestion,
    SurveyResponse,
)
from db.models.voting import ActivationCode, Ballot, PendingBallot, Poll, PollOption, VoterRoll

__all__ = [
    "ActivationCode",
    "Actor",
    "Announcement",
    "AuditEvent",
    "Ballot",
    "PendingBallot",
    "Building",
    "CensusBaseline",
    "Comment",
    "CommentFlag",
    "CommentReaction",
    "CommentRevision",
    "Community",
    "Hearing",
    "HearingAttendance",
    "HearingDraw",
    "HearingInvitation",
    "HearingProposal",
    "HearingRegistration",
    "LoginAttempt",
    "ExternalDataset",
    "ParticipationEvent",
    "Poll",
    "PollOption",
    "ProgressUpdate",
    "Proposal",
    "ProposalFollow",
    "ProposalStatusChange",
    "Resident",
    "ServiceLevel",
    "Support",
    "Testimony",
    "User",
    "UserBlock",
    "VoterRoll",
    "WebSession",
    "Survey",
    "SurveyAnswer",
    "SurveyBuilding",
    "SurveyOption",
    "SurveyQuestion",
    "SurveyResponse",
    "Organisation",
    "OrganisationMember",
    "OrganisationActivity",
    "ActivitySignup",
    "VolunteerRecord",
]
