"""Exports: aggregated tables made safe for spreadsheets, and a pseudonymised per-person
table for researchers (fresh random ids per export, consenting residents only, k-anonymous
on its quasi-identifiers)."""

from __future__ import annotations

import secrets

import pandas as pd
from pydantic import BaseModel, Field
from sqlmodel import col, select

from core.dashboard.filters import DEFAULT_K
from core.permissions import require
from core.principal import Principal
from core.spreadsheet import spreadsheet_safe
from db.engine import read_session
from db.models import Resident

# What someone who knows a resident (a neighbour, the roster's keeper) could match a row by.
QUASI_IDENTIFIERS = ("building", "age_band", "education", "residency_status")
DROPPED = "*"  # the value of a quasi-identifier that is left out altogether
OTHER = "other"  # what rare categories are merged into
# Beyond the categories held by fewer than k rows, categories are merged only while more
# than this share of the rows would otherwise have to be dropped.
DROP_LIMIT = 0.05


class Generalisation(BaseModel):
    """What was coarsened to make a per-person table k-anonymous, for the page to say."""

    k: int
    columns_dropped: list[str] = Field(default_factory=list)  # their values are all "*"
    categories_merged: dict[str, list[str]] = Field(default_factory=dict)  # into "other"
    rows_dropped: int = 0  # rows still in a class under k after the rest


def _in_small_classes(table: pd.DataFrame, k: int) -> pd.Series:
    """Per row: True when fewer than k rows share its quasi-identifiers."""
    sizes = table.groupby(list(QUASI_IDENTIFIERS), dropna=False, sort=False)[
        QUASI_IDENTIFIERS[0]
    ].transform("size")
    return sizes < k


def k_anonymous(table: pd.DataFrame, k: int) -> tuple[pd.DataFrame, Generalisation]:
    """`table` (one row per person, with the QUASI_IDENTIFIERS columns) generalised until
    every combination of those columns that appears is shared by at least k rows:

    1. if any combination has fewer than k rows, building is dropped (all "*");
    2. then, while some rows are in a combination under k, the category (of age_band,
       education or residency_status) with the fewest rows in the whole table among those
       that appear in such a combination (or, when those are all "other" already, among
       all categories) is merged into "other" (ties: the columns in that order, then the
       category's text); a category held by k rows or more is merged only while more than
       DROP_LIMIT of the rows are still in combinations under k;
    3. last, the rows still in a combination under k are dropped.

    Other columns are kept as they are. Returns the table and what was done to it."""
    if k < 1:
        raise ValueError("k must be at least 1")
    table = table.copy()
    for column in QUASI_IDENTIFIERS:
        table[column] = table[column].astype(object).where(table[column].notna(), "")
    done = Generalisation(k=k)
    if table.empty:
        return table, done
    if _in_small_classes(table, k).any():
        table["building"] = DROPPED
        done.columns_dropped.append("building")
    columns = [c for c in QUASI_IDENTIFIERS if c not in done.columns_dropped]
    while (small := _in_small_classes(table, k)).any():
        candidates = []
        # The categories the small combinations hold; when those are all "other" already,
        # any category, which makes "other" grow.
        for where in (small, pd.Series(True, index=table.index)):
            for order, column in enumerate(columns):
                sizes = table[column].value_counts()
                for value in set(table.loc[where, column]) - {OTHER}:
                    candidates.append((int(sizes[value]), order, str(value), column, value))
            if candidates:
                break
        if not candidates:
            break
        rows, _order, label, column, value = min(candidates)
        if rows >= k and small.sum() <= DROP_LIMIT * len(table):
            break
        table.loc[table[column] == value, column] = OTHER
        done.categories_merged.setdefault(column, []).append(label)
    small = _in_small_classes(table, k)
    done.rows_dropped = int(small.sum())
    return table[~small], done


def pseudonymised_persons(
    *, actor: Principal, frame: pd.DataFrame, k: int = DEFAULT_K
) -> tuple[pd.DataFrame, Generalisation]:
    """One row per consenting resident: a fresh random id (new at every export), building,
    age_band, education, residency_status and the activity count, made k-anonymous on the
    four groups by `k_anonymous` (whose account of what it generalised comes back too), in
    random order and ready for a CSV. Researchers only."""
    require(actor, "dashboard.export_persons")
    with read_session() as s:
        consenting = set(
            s.exec(
                select(Resident.id).where(
                    Resident.community_id == actor.community_id,
                    col(Resident.research_consent).is_(True),
                )
            ).all()
        )
    rows = frame[frame["resident_id"].isin(consenting)]
    safe, done = k_anonymous(rows[[*QUASI_IDENTIFIERS, "count"]], k)
    safe = safe.sample(frac=1.0)  # shuffled: the order says nothing about the roster
    table = pd.DataFrame(
        {
            "person": [secrets.token_hex(6) for _ in range(len(safe))],
            **{column: safe[column].to_numpy() for column in QUASI_IDENTIFIERS},
            "count": safe["count"].to_numpy(),
        }
    )
    return spreadsheet_safe(table), done
