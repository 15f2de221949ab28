"""Reusable form pieces."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from core.accounts.profile import DEMOGRAPHIC_CHOICES
from core.i18n import Translator


def _choice_label(t: Translator, field: str) -> Callable[[str | None], str]:
    """Label of one demographic select's options; the empty choice reads "not given"."""

    def label(code: str | None) -> str:
        return t("common.not_given") if code is None else t(f"{field}.{code}")

    return label


def demographics_inputs(t: Translator, current: dict, *, key: str) -> dict:
    """Optional demographic selects (each may stay empty) and years in the community."""
    values: dict = {}
    columns = st.columns(2)
    for index, (field, choices) in enumerate(DEMOGRAPHIC_CHOICES.items()):
        options: list[str | None] = [None, *choices]
        value = current.get(field)
        values[field] = columns[index % 2].selectbox(
            t(f"field_name.{field}"),
            options=options,
            index=options.index(value) if value in options else 0,
            format_func=_choice_label(t, field),
            key=f"{key}_{field}",
        )
    years = current.get("years_in_community")
    values["years_in_community"] = columns[1].number_input(
        t("field_name.years_in_community"),
        min_value=0,
        max_value=100,
        step=1,
        value=years,
        placeholder=t("common.not_given"),
        key=f"{key}_years",
    )
    return values
