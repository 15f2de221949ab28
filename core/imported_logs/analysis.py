"""An activity log from elsewhere (another platform, a paper register), analysed with the same
measures as our own: read and check the CSV, filter it, and compute the figures.

The log has one row per contribution with `person_id` and `kind`; `time` and any other
columns are optional and become groups (district, account type...). Such a log only holds
people who took part, so its figures describe concentration among participants, and groups
are compared by their share of the activity against their share of the persons.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from core import analytics
from core.errors import InvalidInput
from core.permissions import require
from core.principal import Principal

DEMO_LOG = (
    Path(__file__).resolve().parents[2] / "db" / "data" / "decidim-barcelona-2016-activity.csv"
)
MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 2_000_000
MAX_GROUP_VALUES = 200


def read_log(*, actor: Principal, data: bytes) -> pd.DataFrame:
    """The log as text columns; InvalidInput when it is not a usable CSV."""
    require(actor, "dashboard.view")
    if not isinstance(data, bytes) or not data:
        raise InvalidInput("external.empty", field="log_file")
    if len(data) > MAX_BYTES:
        raise InvalidInput("external.too_big", field="log_file", max_mb=MAX_BYTES // 2**20)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InvalidInput("external.unreadable", field="log_file")
    try:
        log = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, nrows=MAX_ROWS + 1)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError):
        raise InvalidInput("external.unreadable", field="log_file") from None
    log.columns = [str(c).strip() for c in log.columns]
    missing = [c for c in ("person_id", "kind") if c not in log.columns]
    if missing:
        raise InvalidInput("external.missing_columns", field="log_file", columns=", ".join(missing))
    if len(log) > MAX_ROWS:
        raise InvalidInput("external.too_many_rows", field="log_file", max=MAX_ROWS)
    log = log[log["person_id"].str.strip() != ""]
    if log.empty:
        raise InvalidInput("external.empty", field="log_file")
    return log


def demo_log(*, actor: Principal) -> pd.DataFrame:
    """The real Decidim.Barcelona 2016 log shipped with the demo."""
    return read_log(actor=actor, data=DEMO_LOG.read_bytes())


def group_columns(log: pd.DataFrame) -> list[str]:
    """Columns that can group persons: few distinct values, not ids or times."""
    return [
        c
        for c in log.columns
        if c not in ("person_id", "kind", "time") and 1 < log[c].nunique() <= MAX_GROUP_VALUES
    ]


def filtered(
    log: pd.DataFrame, *, kinds=(), exclude: dict[str, list[str]] | None = None
) -> pd.DataFrame:
    for column, values in (exclude or {}).items():
        if column not in log.columns:
            raise InvalidInput("field.not_a_choice", field="exclude")
        log = log[~log[column].isin(values)]
    if kinds:
        log = log[log["kind"].isin(kinds)]
    return log


def persons(log: pd.DataFrame, group: str | None = None) -> pd.DataFrame:
    """One row per person: count, and their most frequent value of `group`."""
    counts = log.groupby("person_id").size().rename("count").reset_index()
    if group:
        modal = log.groupby("person_id")[group].agg(lambda v: v.value_counts().index[0])
        counts[group] = counts["person_id"].map(modal)
    return counts


def voice(log: pd.DataFrame, group: str, *, k: int = 10) -> pd.DataFrame:
    """Per group: its share of the activity against its share of the persons (a ratio above
    1: its members are more active than the rest), with small groups suppressed."""
    people = persons(log, group)
    activity = people.groupby(group)["count"].sum().to_dict()
    sizes = people[group].value_counts().to_dict()
    table = analytics.representation(activity, sizes)
    table["persons"] = table["group"].map(sizes)
    hidden = analytics.suppressed(sizes, k)
    table["suppressed"] = table["group"].isin(hidden)
    # A hidden group shows none of its figures, so none can be worked out from the others.
    figures = ["participant_share", "population_share", "persons", "ratio", "ci_low", "ci_high"]
    table.loc[table["suppressed"], figures] = float("nan")
    # Wilson's interval is for a share of persons, not of acts: there is none to show here.
    table[["ci_low", "ci_high"]] = float("nan")
    return table


def explained(log: pd.DataFrame) -> pd.DataFrame:
    """The share of the Theil inequality between persons that each group column explains."""
    rows = []
    for column in group_columns(log):
        people = persons(log, column)
        parts = analytics.theil_decomposition(people["count"].to_numpy(), people[column])
        rows.append(
            {
                "dimension": column,
                "explained": parts["between"] / parts["total"] if parts["total"] else 0.0,
            }
        )
    return pd.DataFrame(rows, columns=["dimension", "explained"])
