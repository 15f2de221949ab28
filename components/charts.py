"""Charts as pure functions: DataFrame in, altair.Chart out (no Streamlit here)."""

from __future__ import annotations

import altair as alt
import pandas as pd


def building_participation(
    frame: pd.DataFrame, *, x_title: str, y_title: str, hidden_text: str = ""
) -> alt.Chart:
    """Bar per building: share of its roster that took part at least once; a building
    hidden by the disclosure rule keeps its place, with `hidden_text` instead of a bar."""
    x = alt.X("building:N", title=x_title, sort=list(frame["building"]))
    bars = (
        alt.Chart(frame.dropna(subset=["rate"]))
        .mark_bar()
        .encode(
            x=x,
            y=alt.Y("rate:Q", title=y_title, axis=alt.Axis(format="%")),
            tooltip=["building", "roster", "participants", alt.Tooltip("rate:Q", format=".1%")],
        )
    )
    notes = (
        alt.Chart(frame[frame["rate"].isna()].assign(at=0.0, note=hidden_text))
        .mark_text(angle=270, align="left", dx=-4, color="#616161", fontStyle="italic")
        .encode(x=x, y=alt.Y("at:Q"), text="note:N")
    )
    return (bars + notes).properties(height=260)


def activity_over_time(
    frame: pd.DataFrame, *, x_title: str, y_title: str, color_title: str
) -> alt.Chart:
    """Stacked bars of activity per period (columns period, kind, value; kind already
    translated), coloured by kind."""
    data = frame.assign(period=pd.to_datetime(frame["period"]))
    return (
        alt.Chart(data)
        .mark_bar()
        .encode(
            x=alt.X("period:T", title=x_title),
            y=alt.Y("value:Q", title=y_title, stack="zero"),
            color=alt.Color("kind:N", title=color_title, legend=alt.Legend(orient="bottom")),
            tooltip=[
                alt.Tooltip("period:T", title=x_title),
                "kind",
                alt.Tooltip("value:Q", title=y_title, format=",.0f"),
            ],
        )
        .properties(height=280)
    )


def stacked_counts(
    frame: pd.DataFrame, *, category: str, value: str, color: str, title: str, colors: list[str]
) -> alt.Chart:
    """Horizontal stacked bars of `value` per `category`, split by `color` (labels already
    translated, in the order of `colors`)."""
    order = list(dict.fromkeys(frame[color]))
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y(f"{category}:N", title=None, sort="-x"),
            x=alt.X(f"{value}:Q", title=title, stack="zero"),
            color=alt.Color(
                f"{color}:N",
                title=None,
                scale=alt.Scale(domain=order, range=colors),
                legend=alt.Legend(orient="bottom"),
            ),
            tooltip=[category, color, value],
        )
        .properties(height=alt.Step(28))
    )


def horizontal_counts(frame: pd.DataFrame, *, category: str, value: str, title: str) -> alt.Chart:
    """Horizontal bars of `value` per `category`, largest first."""
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y(f"{category}:N", title=None, sort="-x"),
            x=alt.X(f"{value}:Q", title=title),
            tooltip=[category, value],
        )
        .properties(height=alt.Step(28))
    )


def lorenz_curves(frame: pd.DataFrame, *, x_title: str, y_title: str, equality: str) -> alt.Chart:
    """Lorenz curves (columns population_share, activity_share, series) over the line of
    equality."""
    diagonal = pd.DataFrame(
        {
            "population_share": [0.0, 1.0],
            "activity_share": [0.0, 1.0],
            "series": [equality, equality],
        }
    )
    data = pd.concat([diagonal, frame], ignore_index=True)
    return (
        alt.Chart(data)
        .mark_line(interpolate="linear")
        .encode(
            x=alt.X("population_share:Q", title=x_title, axis=alt.Axis(format="%")),
            y=alt.Y("activity_share:Q", title=y_title, axis=alt.Axis(format="%")),
            color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom")),
            strokeDash=alt.condition(
                alt.datum.series == equality, alt.value([4, 4]), alt.value([1, 0])
            ),
            tooltip=[
                alt.Tooltip("population_share:Q", format=".0%"),
                alt.Tooltip("activity_share:Q", format=".0%"),
                "series:N",
            ],
        )
        .properties(height=320)
    )


def representation_ratios(
    frame: pd.DataFrame, *, x_title: str, hidden_text: str | None = None
) -> alt.Chart:
    """Ratio of participant share to population share per group on a log scale, with the
    95% interval; 1 means represented as in the population. A group hidden by the disclosure
    rule keeps its line, with `hidden_text` ("fewer than k") where its point would be."""
    data = frame.copy()
    data["ratio"] = data["ratio"].clip(lower=0.05)
    data["ci_low"] = data["ci_low"].clip(lower=0.05)
    scale = alt.Scale(type="log", domain=[0.1, 10], clamp=True)
    groups = alt.Y("label:N", title=None, sort=list(data["label"]))
    hidden = data[data["ratio"].isna()].assign(at=1.0, note=hidden_text or "")
    data = data.dropna(subset=["ratio"])
    base = alt.Chart(data).encode(y=groups)
    bars = base.mark_rule(strokeWidth=2).encode(
        x=alt.X("ci_low:Q", title=x_title, scale=scale), x2="ci_high:Q"
    )
    points = base.mark_point(filled=True, size=70).encode(
        x=alt.X("ratio:Q", scale=scale),
        color=alt.condition(
            (alt.datum.ci_high < 1) | (alt.datum.ci_low > 1),
            alt.value("#c62828"),
            alt.value("#1565c0"),
        ),
        tooltip=[
            "label:N",
            alt.Tooltip("ratio:Q", format=".2f"),
            alt.Tooltip("ci_low:Q", format=".2f"),
            alt.Tooltip("ci_high:Q", format=".2f"),
            alt.Tooltip("participant_share:Q", format=".1%"),
            alt.Tooltip("population_share:Q", format=".1%"),
        ],
    )
    one = base.mark_tick(color="#757575", thickness=1).encode(x=alt.datum(1.0, scale=scale))
    notes = (
        alt.Chart(hidden)
        .mark_text(color="#616161", fontStyle="italic")
        .encode(y=groups, x=alt.X("at:Q", scale=scale), text="note:N")
    )
    return (bars + points + one + notes).properties(height=alt.Step(30))


def heatmap(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    value: str,
    x_title: str,
    y_title: str,
    value_title: str,
    hidden_text: str = "",
) -> alt.Chart:
    """A grid of `value` per (x, y), darker for more; a cell hidden by the disclosure rule
    (`value` blank) is grey with `hidden_text`."""
    grid_x = alt.X(f"{x}:N", title=x_title)
    grid_y = alt.Y(f"{y}:N", title=y_title)
    shown = (
        alt.Chart(frame.dropna(subset=[value]))
        .mark_rect()
        .encode(
            x=grid_x,
            y=grid_y,
            color=alt.Color(f"{value}:Q", title=value_title, scale=alt.Scale(scheme="blues")),
            tooltip=[x, y, alt.Tooltip(f"{value}:Q", format=".1%")],
        )
    )
    hidden = frame[frame[value].isna()].assign(note=hidden_text)
    grey = alt.Chart(hidden).mark_rect(color="#eeeeee").encode(x=grid_x, y=grid_y)
    notes = (
        alt.Chart(hidden)
        .mark_text(color="#616161", fontSize=9)
        .encode(x=grid_x, y=grid_y, text="note:N")
    )
    return (shown + grey + notes).properties(height=alt.Step(24))


def hours_per_month(frame: pd.DataFrame, *, x_title: str, y_title: str) -> alt.Chart:
    """Bars of volunteer hours per month (columns month "YYYY-MM", hours)."""
    return (
        alt.Chart(frame)
        .mark_bar(color="#2e8b57")
        .encode(
            x=alt.X("month:O", title=x_title),
            y=alt.Y("hours:Q", title=y_title),
            tooltip=["month", alt.Tooltip("hours:Q", format=".1f")],
        )
    )
