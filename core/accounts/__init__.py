"""Accounts: registration, login, sessions, profile."""
