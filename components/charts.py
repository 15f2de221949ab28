"""Charts as pure functions: DataFrame in, altair.Chart out (no Streamlit here)."""
from __future__ import annotations

import altair as alt
import pandas as pd


def building_participation(frame: pd.DataFrame, *, x_title: str, y_title: str) -> alt.Chart:
    """Bar per building: share of its roster that took part at least once."""
    return (alt.Chart(frame).mark_bar()
            .encode(x=alt.X("building:N", title=x_title, sort=None),
                    y=alt.Y("rate:Q", title=y_title, axis=alt.Axis(format="%")),
                    tooltip=["building", "roster", "participants",
                             alt.Tooltip("rate:Q", format=".1%")])
            .properties(height=260))


def monthly_activity(frame: pd.DataFrame, *, x_title: str, y_title: str,
                     color_title: str) -> alt.Chart:
    """Stacked bars of events per month, coloured by kind (kind already translated)."""
    return (alt.Chart(frame).mark_bar()
            .encode(x=alt.X("month:O", title=x_title),
                    y=alt.Y("events:Q", title=y_title, stack="zero"),
                    color=alt.Color("kind:N", title=color_title),
                    tooltip=["month", "kind", "events"])
            .properties(height=260))


def horizontal_counts(frame: pd.DataFrame, *, category: str, value: str, title: str) -> alt.Chart:
    """Horizontal bars of `value` per `category`, largest first."""
    return (alt.Chart(frame).mark_bar()
            .encode(y=alt.Y(f"{category}:N", title=None, sort="-x"),
                    x=alt.X(f"{value}:Q", title=title),
                    tooltip=[category, value])
            .properties(height=max(120, 28 * len(frame))))
