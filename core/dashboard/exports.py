"""Exports: aggregated tables made safe for spreadsheets, and a pseudonymised per-person
table (fresh random ids per export, coarse groups, consenting residents only)."""

from __future__ import annotations

import secrets

import pandas as pd
from sqlmodel import col, select

from core.permissions import require
from core.principal import Principal
from core.spreadsheet import FORMULA_STARTS, spreadsheet_safe  # noqa: F401  (re-exported)
from db.engine import read_session
from db.models import Resident


def pseudonymised_persons(*, actor: Principal, frame: pd.DataFrame) -> pd.DataFrame:
    """One row per consenting resident: a fresh random id (new at every export), coarse
    groups and the activity count; ready for a CSV."""
    require(actor, "dashboard.view")
    with read_session() as s:
        consenting = set(
            s.exec(
                select(Resident.id).where(
                    Resident.community_id == actor.community_id,
                    col(Resident.research_consent).is_(True),
                )
            ).all()
        )
    rows = frame[frame["resident_id"].isin(consenting)].sample(frac=1.0)  # shuffled
    table = pd.DataFrame(
        {
            "person": [secrets.token_hex(6) for _ in range(len(rows))],
            "building": rows["building"].to_numpy(),
            "age_band": rows["age_band"].to_numpy(),
            "education": rows["education"].to_numpy(),
            "residency_status": rows["residency_status"].to_numpy(),
            "count": rows["count"].to_numpy(),
        }
    )
    return spreadsheet_safe(table)
