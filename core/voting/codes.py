"""Codes people copy by hand (ballot receipts, activation codes): random characters without
look-alikes (no 0/O, 1/I), in dash-separated groups; stored only as a SHA-256 of the
characters, so case and dashes typed do not matter."""

from __future__ import annotations

import hashlib
import secrets
import unicodedata

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
assert len(ALPHABET) == 32  # new_code draws one byte per character: 256 = 8 x 32


def new_code(*groups: int) -> str:
    """e.g. new_code(4, 4, 4) -> 'K7QM-2XPA-9TDE' (5 bits a character)."""
    # One read of the system's randomness for the whole code, not one per character (each
    # is a system call); a random byte mod 32 is uniform, as 32 divides 256.
    chars = iter(ALPHABET[byte % 32] for byte in secrets.token_bytes(sum(groups)))
    return "-".join("".join(next(chars) for _ in range(size)) for size in groups)


def identity_name(name: str | None) -> str:
    """A name as identities compare it: NFKC, case-folded, without spaces."""
    return "".join(unicodedata.normalize("NFKC", name or "").casefold().split())


def identity_unit(unit: str | None) -> str:
    """A flat number as identities compare it: NFKC, case-folded, without spaces or the
    separators people vary ('3-201', '3 201', '3－201' are one flat)."""
    folded = unicodedata.normalize("NFKC", unit or "").casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def voter_pseudonym(resident) -> str | None:
    """A keyed pseudonym (HMAC-SHA256 with the server's secret) of who a resident is on the
    roster: community, building, name and flat, all from the roster row (only roster rows
    vote: an account votes through the roster row it was linked to when it was confirmed).
    The voter roll keeps it, so that someone who deletes their account and is later put on
    the roster again is still recognised in a poll they voted in; without the secret it
    cannot be traced back to a name. None once erased."""
    return _pseudonym(resident, identity_unit(resident.unit))


def legacy_voter_pseudonym(resident) -> str | None:
    """The pseudonym as rolls written before migration 0009 keep it: the flat only
    case-folded and without spaces ('3-201' and '3201' were two flats). The keys of erased
    rows cannot be recomputed (their names are gone), so a poll open across the upgrade
    looks for both."""
    return _pseudonym(resident, "".join((resident.unit or "").casefold().split()))


def _pseudonym(resident, unit: str) -> str | None:
    import hmac

    from core.accounts.sessions import secret_key

    name = identity_name(resident.full_name)
    if not name:
        return None
    identity = f"{resident.community_id}|{resident.building_id}|{name}|{unit}"
    return hmac.new(secret_key().encode(), identity.encode(), hashlib.sha256).hexdigest()


def normalised_code(code) -> str:
    """A code as it is compared and hashed: upper case, letters and digits only."""
    return "".join(ch for ch in str(code).upper() if ch.isalnum())


def code_hash(code: str) -> str:
    return hashlib.sha256(normalised_code(code).encode("ascii", "ignore")).hexdigest()
