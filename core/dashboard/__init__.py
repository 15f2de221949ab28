"""The participation dashboard's data: per-resident activity counts under the filters (one
grouped SQL query; residents who did nothing count as 0), and the figures drawn from them.

Privacy: staff accounts are not residents and stay out; demographics appear only for
residents who consented to research (others are "undisclosed"); a group with fewer than k
persons is suppressed, with a second group suppressed alongside when one alone would be
given away by the total.

Speed: each view of the page is one grouped query over covering indexes, and the roster side
(who lives where, with which consented demographics) is cached per process until a resident
changes, so a filter change only re-counts events.
"""

from core.dashboard.activity import building_activity, building_rates, trends
from core.dashboard.alerts import ALERT_KINDS, MIN_PARTICIPANTS, Alert, representation_alerts
from core.dashboard.exports import FORMULA_STARTS, pseudonymised_persons, spreadsheet_safe
from core.dashboard.figures import (
    census_shares,
    channel_representation,
    dissimilarity,
    explained_by,
    representation_table,
)
from core.dashboard.filters import DEFAULT_K, DIMENSIONS, UNDISCLOSED, Filters, measure
from core.dashboard.influence import ADOPTED, Influence, influence
from core.dashboard.people import has_activity, kind_counts, person_counts
from core.dashboard.views import VIEWS, view_data

__all__ = [
    "ADOPTED",
    "ALERT_KINDS",
    "DEFAULT_K",
    "DIMENSIONS",
    "FORMULA_STARTS",
    "MIN_PARTICIPANTS",
    "UNDISCLOSED",
    "Alert",
    "Filters",
    "Influence",
    "building_activity",
    "building_rates",
    "census_shares",
    "channel_representation",
    "dissimilarity",
    "explained_by",
    "has_activity",
    "influence",
    "kind_counts",
    "measure",
    "person_counts",
    "pseudonymised_persons",
    "representation_alerts",
    "representation_table",
    "spreadsheet_safe",
    "trends",
    "VIEWS",
    "view_data",
]
