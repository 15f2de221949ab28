"""The pool a hearing's panel is drawn from, census-proportional quotas, and the preview a
moderator sees before drawing.

The pool is the roster residents in the hearing's scope (the community, or its one
building): rows imported by staff or verified, not unverified self-registrations, so nobody
can enter the lottery with a made-up account. A draw may be limited to residents who agreed
to be invited by lot. A missing demographic value is its own group, "unknown".
"""

from __future__ import annotations

import math
import numbers

import pandas as pd
from pydantic import BaseModel, ConfigDict
from sqlmodel import Session, col, select

from core.audit import json_digest
from core.community import newest_census
from core.errors import InvalidInput
from core.permissions import require
from core.principal import Principal
from core.rows import community_row
from core.sortition.inputs import PERSON_ID, Quotas
from core.sortition.panel import fair_distribution
from core.sortition.quotas import proportional_quotas
from core.sortition.quotas import strata_overview as _strata_overview
from core.voting.eligibility import verified_clause
from db.engine import read_session
from db.models import Building, Hearing, Resident

FEATURES = ("age_band", "gender", "residency_status", "occupation", "education", "building")
UNKNOWN = "unknown"
MAX_PANEL = 500


def pool_frame(s: Session, hearing: Hearing, *, consenting_only: bool) -> pd.DataFrame:
    """person_id plus one column per feature, one row per resident, in resident id order
    (the order matters: the same pool, quotas, k and seed must give the same panel)."""
    query = (
        # sqlmodel's select() is typed for at most 4 columns (misc: mypy's note that it
        # gave up trying those overloads against 7 columns)
        select(  # type: ignore[call-overload, misc]
            Resident.id,
            Resident.age_band,
            Resident.gender,
            Resident.residency_status,
            Resident.occupation,
            Resident.education,
            Building.code,
        )
        .join(Building, Building.id == Resident.building_id)
        .where(Resident.community_id == hearing.community_id, verified_clause())
    )
    if hearing.audience == "building":
        query = query.where(Resident.building_id == hearing.building_id)
    if consenting_only:
        query = query.where(col(Resident.invitation_consent).is_(True))
    rows = s.exec(query.order_by(col(Resident.id))).all()
    frame = pd.DataFrame(rows, columns=[PERSON_ID, *FEATURES])
    return frame.fillna(UNKNOWN).astype({f: str for f in FEATURES})


def clean_quotas(quotas) -> Quotas:
    """Quotas as {feature: {value: (min, max)}} over known features, or InvalidInput.
    The bounds themselves are checked by the sortition module."""
    if not isinstance(quotas, dict):
        raise InvalidInput("field.not_a_choice", field="quotas")
    cleaned: Quotas = {}
    for feature, bounds in quotas.items():
        if feature not in FEATURES or not isinstance(bounds, dict):
            raise InvalidInput("sortition.unknown_feature", field="quotas", feature=feature)
        cleaned[feature] = {str(value): bound for value, bound in bounds.items()}
    return cleaned


def check_panel_size(k) -> int:
    if not isinstance(k, numbers.Integral) or isinstance(k, bool) or not 1 <= int(k) <= MAX_PANEL:
        raise InvalidInput("field.out_of_range", field="panel_size", min=1, max=MAX_PANEL)
    return int(k)


def stratum_of(row: pd.Series | dict, features) -> str:
    """The stratum key of a pool member: their values of the quota features, in order."""
    return "|".join(f"{feature}={row[feature]}" for feature in features)


def strata_pool(pool: pd.DataFrame, features) -> dict[str, list[int]]:
    """{stratum: resident ids}, the pool as it is stored with a draw."""
    if pool.empty:
        return {}
    keys = (
        pool.apply(lambda row: stratum_of(row, features), axis=1)
        if features
        else pd.Series("", index=pool.index)
    )
    return {
        key: sorted(int(i) for i in ids) for key, ids in pool[PERSON_ID].groupby(keys, sort=True)
    }


def pool_digest(stored_pool: dict[str, list[int]]) -> str:
    return json_digest(stored_pool)


def frame_from_stored(stored_pool: dict[str, list[int]], features) -> pd.DataFrame:
    """The pool DataFrame a draw used, rebuilt from its stored strata (same row order)."""
    rows = []
    for key, ids in stored_pool.items():
        values = dict(part.split("=", 1) for part in key.split("|")) if key else {}
        rows += [{PERSON_ID: rid, **{f: values[f] for f in features}} for rid in ids]
    frame = pd.DataFrame(rows, columns=[PERSON_ID, *features])
    return frame.sort_values(PERSON_ID, kind="stable").reset_index(drop=True)


def pool_groups(
    *, actor: Principal, hearing_id: int, features: list[str], consenting_only: bool = False
) -> pd.DataFrame:
    """How many pool members have each value of each feature: columns feature, value,
    pool_size (the rows of the quota editor)."""
    require(actor, "hearing.manage")
    if any(f not in FEATURES for f in features):
        raise InvalidInput("field.not_a_choice", field="features")
    with read_session() as s:
        hearing = community_row(s, Hearing, hearing_id, actor)
        pool = pool_frame(s, hearing, consenting_only=consenting_only)
    frames = [
        pool[feature]
        .value_counts()
        .sort_index()
        .rename_axis("value")
        .reset_index(name="pool_size")
        .assign(feature=feature)
        for feature in features
    ]
    if not frames:
        return pd.DataFrame(columns=["feature", "value", "pool_size"])
    return pd.concat(frames, ignore_index=True)[["feature", "value", "pool_size"]]


class QuotaSuggestion(BaseModel):
    quotas: dict[str, dict[str, tuple[int, int]]]
    sources: dict[str, str]  # feature -> "census" (with year) or "roster"


def census_quotas(
    *,
    actor: Principal,
    hearing_id: int,
    features: list[str],
    k: int,
    consenting_only: bool = False,
    slack: int = 1,
) -> QuotaSuggestion:
    """Quotas proportional to the population: the census baseline (newest year) for the
    features it covers, the whole roster in scope for the others (buildings, gender...).
    Proportional to the population, not to the pool: when only residents who agreed to be
    invited are in the pool, that is what corrects for who agreed."""
    require(actor, "hearing.manage")
    k = check_panel_size(k)
    if any(f not in FEATURES for f in features):
        raise InvalidInput("field.not_a_choice", field="features")
    with read_session() as s:
        hearing = community_row(s, Hearing, hearing_id, actor)
        pool = pool_frame(s, hearing, consenting_only=consenting_only)
        population = pool_frame(s, hearing, consenting_only=False) if consenting_only else pool
        census = newest_census(s, hearing.community_id, features)
    # proportional_quotas takes values of any type (object keys); ours are strings.
    baseline: dict[str, dict[object, float]] = {}
    sources = {}
    for feature in features:
        year, shares = census.get(feature, (None, {}))
        if shares:
            sources[feature] = f"census:{year}"
        else:
            counts = population[feature][population[feature] != UNKNOWN].value_counts()
            shares = {str(value): float(n) for value, n in counts.items()}
            sources[feature] = "roster"
        if shares:
            baseline[feature] = {value: share for value, share in shares.items()}
    quotas = proportional_quotas(pool, baseline, k, slack=slack) if baseline else {}
    for feature in features:
        quotas.setdefault(feature, {})
    # The values are the pool's and the census's, strings already (pool_frame casts them).
    return QuotaSuggestion(
        quotas={f: {str(v): b for v, b in bounds.items()} for f, bounds in quotas.items()},
        sources=sources,
    )


class DrawPreview(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    k: int
    pool_size: int
    pool_digest: str
    minimum_probability: float
    # feature, value, pool_size, quota_min, quota_max, mean_probability
    strata: pd.DataFrame


def preview_draw(
    *, actor: Principal, hearing_id: int, k: int, quotas, consenting_only: bool = False
) -> DrawPreview:
    """What a draw with these settings would do: each group's pool size, quota and selection
    probability, without drawing. Raises the sortition errors a draw would raise."""
    require(actor, "hearing.manage")
    k = check_panel_size(k)
    quotas = clean_quotas(quotas)
    with read_session() as s:
        hearing = community_row(s, Hearing, hearing_id, actor)
        pool = pool_frame(s, hearing, consenting_only=consenting_only)
    distribution = fair_distribution(pool, quotas, k)
    strata = _strata_overview(pool, quotas, distribution.probabilities)
    return DrawPreview(
        k=k,
        pool_size=len(pool),
        pool_digest=pool_digest(strata_pool(pool, list(quotas))),
        minimum_probability=round(distribution.minimum_probability, 6),
        strata=strata,
    )


def rounded(probability: float) -> float:
    return 0.0 if math.isnan(probability) else round(float(probability), 6)
