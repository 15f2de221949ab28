"""Checks on what the caller gives: the pool, the panel size and the quotas."""

from __future__ import annotations

import numbers

import pandas as pd

from core.errors import InvalidInput

Quotas = dict[str, dict[object, tuple[int, int]]]

PERSON_ID = "person_id"


class SortitionError(InvalidInput):
    """A pool, panel size or quota set that no panel can be drawn from; `key` says why."""


def is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_k(k) -> int:
    if not is_int(k) or k < 1:
        raise SortitionError("sortition.bad_k", k=k)
    return int(k)


def check_pool(pool: pd.DataFrame, k: int) -> None:
    if PERSON_ID not in pool.columns:
        raise SortitionError("sortition.missing_person_id")
    duplicated = pool[PERSON_ID].duplicated()
    if duplicated.any():
        raise SortitionError(
            "sortition.duplicate_person", person_id=pool.loc[duplicated, PERSON_ID].tolist()[0]
        )
    if len(pool) < k:
        raise SortitionError("sortition.pool_too_small", k=k, pool=len(pool))


def check_quotas(pool: pd.DataFrame, quotas: Quotas) -> Quotas:
    """The quotas with plain int bounds, or SortitionError for an unknown feature or a bad
    (min, max) pair."""
    checked: Quotas = {}
    for feature, bounds in quotas.items():
        if feature == PERSON_ID or feature not in pool.columns:
            raise SortitionError("sortition.unknown_feature", feature=feature)
        if not isinstance(bounds, dict):
            raise SortitionError("sortition.bad_quota", feature=feature, value=None)
        checked[feature] = {}
        for value, bound in bounds.items():
            ok = (
                isinstance(bound, (tuple, list))
                and len(bound) == 2
                and all(is_int(b) for b in bound)
                and 0 <= bound[0] <= bound[1]
            )
            if not ok:
                raise SortitionError("sortition.bad_quota", feature=feature, value=value)
            checked[feature][value] = (int(bound[0]), int(bound[1]))
    return checked
