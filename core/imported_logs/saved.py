"""Imported activity logs kept as datasets: a researcher saves a checked CSV under a name so
that it can be analysed again later (by them and by the community's other researchers and
moderators). The bytes are kept as uploaded, gzip-compressed, with their SHA-256; the same
file cannot be saved twice in one community."""

from __future__ import annotations

import gzip
import hashlib
import json
from datetime import datetime

import pandas as pd
from pydantic import BaseModel
from sqlalchemy import select as sa_select
from sqlmodel import col, select

from core import audit
from core.errors import InvalidInput, PermissionDenied
from core.imported_logs.analysis import read_log
from core.permissions import can, require
from core.principal import Principal
from core.rows import community_row
from core.text import clean_text
from db.engine import read_session, write_session
from db.models import ExternalDataset, User


class DatasetSummary(BaseModel):
    id: int
    name: str
    file_name: str | None
    rows: int
    persons: int
    uploaded_by: str
    uploaded_by_id: int
    uploaded_at: datetime
    can_delete: bool  # may the reader delete it (see may_delete)


def save_dataset(*, actor: Principal, name: str, data: bytes, file_name: str | None = None) -> int:
    """Check the CSV as `read_log` does and keep it; returns the dataset's id."""
    require(actor, "dataset.import")
    name = clean_text(name, field="dataset_name", max_len=80)
    file_name = clean_text(file_name, field="log_file", max_len=200, required=False)
    log = read_log(actor=actor, data=data)
    digest = hashlib.sha256(data).hexdigest()
    assert actor.user_id is not None and actor.community_id is not None  # a signed-in researcher
    with write_session() as s:
        same = s.exec(
            select(ExternalDataset.name).where(
                ExternalDataset.community_id == actor.community_id, ExternalDataset.sha256 == digest
            )
        ).first()
        if same is not None:
            raise InvalidInput("external.already_saved", field="log_file", name=same)
        dataset = ExternalDataset(
            community_id=actor.community_id,
            name=name,
            file_name=file_name,
            rows=len(log),
            persons=int(log["person_id"].nunique()),
            columns=json.dumps(list(log.columns)),
            sha256=digest,
            content=gzip.compress(data, compresslevel=6),
            uploaded_by=actor.user_id,
        )
        s.add(dataset)
        s.flush()
        assert dataset.id is not None  # set by the flush
        audit.record(
            s,
            actor=actor,
            action="dataset.import",
            object_type="dataset",
            object_id=dataset.id,
            payload={
                "name": name,
                "rows": dataset.rows,
                "persons": dataset.persons,
                "sha256": digest,
            },
        )
        return dataset.id


def list_datasets(*, actor: Principal) -> list[DatasetSummary]:
    """The community's saved datasets, newest first."""
    require(actor, "dashboard.view")
    with read_session() as s:
        # SQLAlchemy's select: SQLModel's is typed for at most four columns.
        rows = s.execute(
            sa_select(
                col(ExternalDataset.id),
                col(ExternalDataset.name),
                col(ExternalDataset.file_name),
                col(ExternalDataset.rows),
                col(ExternalDataset.persons),
                col(User.display_name),
                col(ExternalDataset.uploaded_by),
                col(ExternalDataset.uploaded_at),
            )
            .join(User, col(User.id) == col(ExternalDataset.uploaded_by))
            .where(col(ExternalDataset.community_id) == actor.community_id)
            .order_by(col(ExternalDataset.uploaded_at).desc(), col(ExternalDataset.id).desc())
        ).all()
    return [
        DatasetSummary(
            id=i,
            name=n,
            file_name=f,
            rows=r,
            persons=p,
            uploaded_by=u,
            uploaded_by_id=ub,
            uploaded_at=at,
            can_delete=may_delete(actor, ub),
        )
        for i, n, f, r, p, u, ub, at in rows
    ]


def load_dataset(*, actor: Principal, dataset_id: int) -> pd.DataFrame:
    """The saved log, read again (NotFound if it is not this community's)."""
    require(actor, "dashboard.view")
    with read_session() as s:
        dataset = community_row(s, ExternalDataset, dataset_id, actor)
        content = dataset.content
    return read_log(actor=actor, data=gzip.decompress(content))


def may_delete(actor: Principal, uploaded_by_id: int) -> bool:
    """Whether `actor` may delete a dataset saved by `uploaded_by_id`: one who may import
    datasets, and saved it themselves or is an admin."""
    return can(actor, "dataset.import") and (
        uploaded_by_id == actor.user_id or actor.role == "admin"
    )


def delete_dataset(*, actor: Principal, dataset_id: int) -> None:
    """Remove a saved dataset: whoever saved it, or an admin (see may_delete)."""
    require(actor, "dataset.import")
    with write_session() as s:
        dataset = community_row(s, ExternalDataset, dataset_id, actor)
        if not may_delete(actor, dataset.uploaded_by):
            raise PermissionDenied("dataset.delete")
        audit.record(
            s,
            actor=actor,
            action="dataset.delete",
            object_type="dataset",
            object_id=dataset.id,
            payload={"name": dataset.name, "sha256": dataset.sha256},
        )
        s.delete(dataset)
