"""Proposal photos: validated, re-encoded (which drops EXIF and GPS data) and stored under a
generated name, so nothing the uploader chose (name, path, metadata) reaches the disk."""

from __future__ import annotations

import io
import os
import secrets
import warnings
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from core.errors import InvalidInput
from db.engine import ROOT

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
MAX_SIDE = 2000  # stored photos are scaled down to this
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def upload_dir() -> Path:
    path = Path(os.environ.get("YISHITING_UPLOAD_DIR") or ROOT / "data" / "uploads")
    path.mkdir(parents=True, exist_ok=True)
    return path


def prepare_photo(data: bytes) -> tuple[bytes, str]:
    """Validate an uploaded photo; return (re-encoded bytes, file extension).

    Raises InvalidInput (photo.*) for anything that is not a JPEG, PNG or WebP image of at
    most 5 MB and 40 megapixels.
    """
    if not isinstance(data, (bytes, bytearray)) or not data:
        raise InvalidInput("photo.not_an_image", field="photo")
    if len(data) > MAX_BYTES:
        raise InvalidInput("photo.too_large", field="photo", max_mb=MAX_BYTES // (1024 * 1024))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                if probe.format not in FORMATS:
                    raise InvalidInput("photo.not_an_image", field="photo")
                if probe.width * probe.height > MAX_PIXELS:
                    raise InvalidInput("photo.too_many_pixels", field="photo")
                probe.verify()
            with Image.open(io.BytesIO(data)) as opened:
                fmt = opened.format
                assert fmt is not None  # the probe read the same bytes and knew their format
                # Phones store portrait photos sideways plus an EXIF orientation tag; turn the
                # pixels upright before the tag is dropped with the rest of the metadata.
                image = ImageOps.exif_transpose(opened)
                image.thumbnail((MAX_SIDE, MAX_SIDE))
                if fmt == "JPEG" and image.mode not in ("RGB", "L"):
                    image = image.convert("RGB")
                image.info.pop("comment", None)  # Pillow would copy a JPEG comment over
                out = io.BytesIO()
                image.save(out, format=fmt, quality=85) if fmt == "JPEG" else image.save(
                    out, format=fmt
                )
    except InvalidInput:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ):
        raise InvalidInput("photo.not_an_image", field="photo") from None
    return out.getvalue(), FORMATS[fmt]


def store_photo(data: bytes, extension: str) -> str:
    """Write prepared bytes under a random name; return the name (not a path)."""
    name = f"{secrets.token_hex(16)}.{extension}"
    (upload_dir() / name).write_bytes(data)
    return name


def read_photo(name: str | None) -> bytes | None:
    """The stored photo's bytes; only our own generated names are accepted."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    path = upload_dir() / name
    return path.read_bytes() if path.is_file() else None


def delete_photo(name: str) -> None:
    path = upload_dir() / name
    if "/" not in name and path.is_file():
        path.unlink()
