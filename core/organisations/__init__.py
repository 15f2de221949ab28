"""Community organisations and volunteer teams (社会组织、志愿者服务队): responsible actors with
a public page, members and coordinators, activities, sign-ups, attendance and volunteer
hours. Commands live in manage, membership, activities and hours; reading in queries."""

from core.organisations.queries import (
    ActivityView,
    Attendee,
    MemberView,
    OrganisationDetail,
    OrganisationSummary,
    Person,
    RecordView,
    SignupView,
    VolunteerTotal,
    find_coordinator_candidates,
    find_people,
    get_organisation,
    list_organisations,
)
from db.models.organisations import ORGANISATION_KINDS

__all__ = [
    "ORGANISATION_KINDS",
    "ActivityView",
    "Attendee",
    "MemberView",
    "OrganisationDetail",
    "OrganisationSummary",
    "Person",
    "RecordView",
    "SignupView",
    "VolunteerTotal",
    "find_coordinator_candidates",
    "find_people",
    "get_organisation",
    "list_organisations",
]
