"""The benchmarks' lines: a measured value with its unit, its target, and the verdict."""

from __future__ import annotations


def row(
    what: str,
    size: str,
    value: float,
    target: float | None = None,
    unit: str = "s",
    better: str = "lower",
    note: str = "",
) -> dict:
    """One line of the table: `value` in `unit`, and the target it must stay under (or, with
    better="higher", reach); `note` is shown beside the value (it may differ by backend,
    `what` may not: it matches the backends' lines)."""
    return dict(
        what=what, size=size, value=value, unit=unit, target=target, better=better, note=note
    )


def verdict(line: dict) -> str:
    if line["target"] is None:
        return ""
    met = (
        line["value"] >= line["target"]
        if line["better"] == "higher"
        else line["value"] < line["target"]
    )
    return "met" if met else "MISSED"


def shown_value(line: dict) -> str:
    value, unit = line["value"], line["unit"]
    if unit == "s":
        return f"{value:.3f} s" if value < 10 else f"{value:,.0f} s"
    return f"{value:,.2f}{unit}" if unit == "x" else f"{value:,.0f} {unit}"


def shown_target(line: dict) -> str:
    if line["target"] is None:
        return ""
    sign = "≥" if line["better"] == "higher" else "<"
    unit = "x" if line["unit"] == "x" else f" {line['unit']}"
    return f"{sign} {line['target']:g}{unit}"


def print_lines(lines: list[dict]) -> None:
    for line in lines:
        print(f"{line['what'][:72]:72} {shown_value(line):>14}  {verdict(line):6}  {line['note']}")
