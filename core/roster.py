"""Importing the resident roster from CSV: all rows or none.

Accepts UTF-8 (with or without BOM) and GBK/GB18030, the encoding Excel uses for Chinese
CSV files. Headers may be the English field names or their Chinese labels; demographic values
may be codes ("retired") or labels in either language ("退休", "Retired").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from pydantic import BaseModel
from sqlalchemy import insert
from sqlmodel import col, select

from core.accounts.profile import DEMOGRAPHIC_CHOICES, clean_years
from core.audit import record
from core.errors import DomainError, InvalidInput, RowErrors
from core.i18n import LOCALES, catalogue
from core.permissions import require
from core.principal import Principal
from core.text import clean_text
from core.voting.codes import identity_name, identity_unit
from db.engine import write_session
from db.models import Building, Resident
from db.models.base import utcnow

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 100_000
REQUIRED = ("full_name", "building")
OPTIONAL = (
    "unit",
    *DEMOGRAPHIC_CHOICES,
    "years_in_community",
    "research_consent",
    "invitation_consent",
)
HEADER_ALIASES = {
    "姓名": "full_name",
    "楼栋": "building",
    "房号": "unit",
    "年龄段": "age_band",
    "性别": "gender",
    "学历": "education",
    "职业": "occupation",
    "户籍状态": "residency_status",
    "居住年限": "years_in_community",
    "研究同意": "research_consent",
    "同意抽签邀请": "invitation_consent",
}
TRUE_WORDS = {"1", "true", "yes", "y", "是", "同意"}
FALSE_WORDS = {"", "0", "false", "no", "n", "否", "不同意"}
MAX_REPORTED_ERRORS = 200


class RosterImportResult(BaseModel):
    imported: int
    encoding: str
    # Rows naming someone already on the roster (same building, name and flat, compared as
    # the voter pseudonym compares them), left out: a second row would be a second vote.
    already_listed: int = 0


def decode_csv(data: bytes) -> tuple[str, str]:
    """(text, encoding name): UTF-8 first, then GB18030 (a superset of GBK)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise InvalidInput("roster.encoding")


def _value_labels() -> dict[str, dict[str, str]]:
    """For each demographic field: label or code (casefolded) -> code."""
    labels: dict[str, dict[str, str]] = {}
    catalogues = [catalogue(locale) for locale in LOCALES]
    for field, codes in DEMOGRAPHIC_CHOICES.items():
        mapping = {code.casefold(): code for code in codes}
        for code in codes:
            for messages in catalogues:
                label = messages.get(f"{field}.{code}")
                if label:
                    mapping[label.casefold()] = code
        labels[field] = mapping
    return labels


def _parse_row(raw: dict, buildings: dict[str, int | None], labels) -> dict:
    row: dict[str, object] = {
        "full_name": clean_text(raw.get("full_name"), field="full_name", max_len=100),
        "unit": clean_text(raw.get("unit"), field="unit", max_len=20, required=False),
    }
    code = clean_text(raw.get("building"), field="building", max_len=20)
    if code not in buildings:
        raise InvalidInput("roster.unknown_building", field="building", code=code)
    row["building_id"] = buildings[code]
    for field in DEMOGRAPHIC_CHOICES:
        value = (raw.get(field) or "").strip()
        if not value:
            row[field] = None
        elif value.casefold() in labels[field]:
            row[field] = labels[field][value.casefold()]
        else:
            raise InvalidInput("roster.bad_value", field=field, value=value[:40])
    row["years_in_community"] = clean_years(raw.get("years_in_community"))
    for field in ("research_consent", "invitation_consent"):
        consent = (raw.get(field) or "").strip().casefold()
        if consent in TRUE_WORDS:
            row[field] = True
        elif consent in FALSE_WORDS:
            row[field] = False
        else:
            raise InvalidInput("roster.bad_value", field=field, value=consent[:40])
    return row


def import_roster(
    *, actor: Principal, data: bytes, progress: Callable[[float], None] | None = None
) -> RosterImportResult:
    """Validate every row, then insert them all in one transaction.

    Raises InvalidInput for a file-level problem (size, encoding, header) and RowErrors
    listing (line number, error) for bad rows; in both cases nothing is written.
    `progress` receives a fraction from 0 to 1.
    """
    require(actor, "roster.import")
    if not isinstance(data, (bytes, bytearray)) or not data:
        raise InvalidInput("roster.empty")
    if len(data) > MAX_BYTES:
        raise InvalidInput("roster.too_large", max_mb=MAX_BYTES // (1024 * 1024))
    text, encoding = decode_csv(bytes(data))
    if "\x00" in text:
        raise InvalidInput("roster.encoding")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except (StopIteration, csv.Error):
        raise InvalidInput("roster.empty") from None
    columns = [HEADER_ALIASES.get(h.strip(), h.strip().casefold()) for h in header]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise InvalidInput("roster.missing_columns", columns=", ".join(missing))
    with write_session() as s:
        buildings = dict(
            s.exec(
                select(Building.code, Building.id).where(
                    Building.community_id == actor.community_id
                )
            ).all()
        )
        labels = _value_labels()
        rows, errors = [], []
        try:
            records = list(reader)
        except csv.Error:
            raise InvalidInput("roster.malformed") from None
        if len(records) > MAX_ROWS:
            raise InvalidInput("roster.too_many_rows", max=MAX_ROWS)
        if not records:
            raise InvalidInput("roster.no_rows")
        now = utcnow()
        listed = {
            _identity(building_id, full_name, unit)
            for building_id, full_name, unit in s.exec(
                select(Resident.building_id, Resident.full_name, Resident.unit).where(
                    Resident.community_id == actor.community_id,
                    Resident.source == "roster",
                    col(Resident.erased_at).is_(None),
                )
            )
        }
        already = 0
        for index, values in enumerate(records):
            line = index + 2  # the header is line 1
            if not any(v.strip() for v in values):
                continue
            # A short row leaves the last columns out; a long one's extra cells are dropped.
            raw = dict(zip(columns, values, strict=False))
            try:
                row = _parse_row(raw, buildings, labels)
            except DomainError as error:
                errors.append((line, error))
                continue
            identity = _identity(row["building_id"], row["full_name"], row.get("unit"))
            if identity in listed:  # (two such rows in one file are two people)
                already += 1
                continue
            row.update(
                community_id=actor.community_id,
                source="roster",
                verified_at=None,
                research_consent_at=now if row["research_consent"] else None,
                created_at=now,
            )
            rows.append(row)
            if progress and index % 500 == 0:
                progress(0.8 * index / len(records))
        if errors:
            raise RowErrors(errors[:MAX_REPORTED_ERRORS], total=len(errors))
        if not rows and not already:
            raise InvalidInput("roster.no_rows")
        for start in range(0, len(rows), 5000):
            s.execute(insert(Resident), rows[start : start + 5000])
            if progress:
                progress(0.8 + 0.2 * min(1.0, (start + 5000) / len(rows)))
        record(
            s,
            actor=actor,
            action="roster.import",
            object_type="community",
            object_id=actor.community_id,
            payload={"rows": len(rows), "already_listed": already, "encoding": encoding},
        )
    return RosterImportResult(imported=len(rows), encoding=encoding, already_listed=already)


def _identity(building_id, name, unit) -> tuple:
    return building_id, identity_name(name), identity_unit(unit)
