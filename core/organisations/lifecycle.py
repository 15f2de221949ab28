"""Membership and sign-up statuses of organisations, and the groups other modules ask
about instead of listing statuses themselves.

A membership goes requested -> accepted or declined (a coordinator or staff decide);
requested or accepted -> left (the resident withdraws or leaves); declined or left ->
requested again. Staff appointing a coordinator make them accepted whatever they were.
A sign-up for an activity is signed_up, or cancelled by the resident before it starts.
"""

from __future__ import annotations

from db.models.organisations import MembershipStatus, SignupStatus

__all__ = ["CURRENT", "MembershipStatus", "SignupStatus"]

# A membership or a request still standing: it can be withdrawn (left), and a new request
# would be a second one.
CURRENT = (MembershipStatus.REQUESTED, MembershipStatus.ACCEPTED)
