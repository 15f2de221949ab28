"""Voting: polls, eligibility, casting and counting."""
