"""Validation of the optional demographic fields a resident may give."""

from __future__ import annotations

from core.errors import InvalidInput
from db.models.people import AGE_BANDS, EDUCATION_LEVELS, GENDERS, OCCUPATIONS, RESIDENCY_STATUSES

DEMOGRAPHIC_CHOICES = {
    "age_band": AGE_BANDS,
    "gender": GENDERS,
    "education": EDUCATION_LEVELS,
    "occupation": OCCUPATIONS,
    "residency_status": RESIDENCY_STATUSES,
}
MAX_YEARS = 100


def clean_demographics(values: dict | None) -> dict:
    """Keep the known demographic fields, each None or an allowed value."""
    values = values or {}
    unknown = set(values) - set(DEMOGRAPHIC_CHOICES) - {"years_in_community"}
    if unknown:
        raise InvalidInput("field.unknown", name=sorted(unknown)[0])
    cleaned: dict = {}
    for field, allowed in DEMOGRAPHIC_CHOICES.items():
        value = values.get(field)
        if value in (None, ""):
            cleaned[field] = None
        elif value in allowed:
            cleaned[field] = value
        else:
            raise InvalidInput("field.not_a_choice", field=field)
    cleaned["years_in_community"] = clean_years(values.get("years_in_community"))
    return cleaned


def clean_years(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        raise InvalidInput("field.not_a_number", field="years_in_community") from None
    if number != number or not 0 <= number <= MAX_YEARS or number != int(number):
        raise InvalidInput("field.out_of_range", field="years_in_community", min=0, max=MAX_YEARS)
    return int(number)
