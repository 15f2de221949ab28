"""Codes people copy by hand (ballot receipts, activation codes): random characters without
look-alikes (no 0/O, 1/I), in dash-separated groups; stored only as a SHA-256 of the
characters, so case and dashes typed do not matter."""
from __future__ import annotations

import hashlib
import secrets

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_code(*groups: int) -> str:
    """e.g. new_code(4, 4, 4) -> 'K7QM-2XPA-9TDE' (5 bits a character)."""
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(size)) for size in groups)


def code_hash(code: str) -> str:
    normalised = "".join(ch for ch in str(code).upper() if ch.isalnum())
    return hashlib.sha256(normalised.encode("ascii", "ignore")).hexdigest()
