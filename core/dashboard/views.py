"""The data of one view of the dashboard page: the per-resident frame every view needs, and
the view's own query, run side by side on two connections (both databases answer reads in
parallel, and the database driver releases Python's lock while it works)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import TypeAlias

import pandas as pd

from core.dashboard.activity import building_activity, trends
from core.dashboard.filters import Filters
from core.dashboard.people import person_counts
from core.principal import Principal

VIEWS = ("concentration", "representation", "where", "time")
OWN_QUERY = {"where": building_activity, "time": trends}


# A view's own result: building_activity's grid ("where"), trends' (granularity, series)
# ("time"), or None for the views that need only the per-resident frame.
ViewResult: TypeAlias = pd.DataFrame | tuple[str, pd.DataFrame] | None


def view_data(*, actor: Principal, filters: Filters, view: str) -> tuple[pd.DataFrame, ViewResult]:
    """(per-resident frame, the view's own result or None). Errors (a refused permission, a
    bad filter) come out as the functions raise them."""
    query = OWN_QUERY.get(view)
    if query is None:
        return person_counts(actor=actor, filters=filters), None
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="dashboard-view") as pool:
        pending = pool.submit(query, actor=actor, filters=filters)
        try:
            frame = person_counts(actor=actor, filters=filters)
        finally:
            result = pending.result()
    return frame, result
