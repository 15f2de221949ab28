"""Proposal photos (core.proposals.photos): stored under a generated name, without
EXIF or GPS, scaled down and turned upright; bad photos write nothing."""

import io
import struct
import zlib

import pytest
from PIL import Image

from core.errors import InvalidInput
from core.proposals.photos import MAX_BYTES
from core.proposals.queries import get_proposal
from tests.core.proposal_helpers import row, snapshot, submit

pytestmark = pytest.mark.usefixtures("quick_accounts")


@pytest.fixture
def uploads(tmp_path, monkeypatch):
    path = tmp_path / "uploads"
    monkeypatch.setenv("YISHITING_UPLOAD_DIR", str(path))
    return path


def image_bytes(fmt: str, size=(64, 48), **save) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 40, 40)).save(out, fmt, **save)
    return out.getvalue()


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 4.0)})
    return exif


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("fmt, ext", [("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp")])
def test_photo_is_stored_under_a_generated_name(people, uploads, fmt, ext):
    proposal_id = submit(people["resident"], photo=image_bytes(fmt))
    name = row(proposal_id).photo_path
    assert name.endswith("." + ext) and len(name) == 32 + 1 + len(ext)
    assert [f.name for f in uploads.iterdir()] == [name]
    with Image.open(uploads / name) as stored:
        assert stored.format == fmt and stored.size == (64, 48)
    assert get_proposal(viewer=people["resident2"], proposal_id=proposal_id).photo == name


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_photo_loses_exif_and_gps(people, uploads, fmt):
    original = image_bytes(fmt, exif=gps_exif())
    with Image.open(io.BytesIO(original)) as check:  # the upload really carries GPS data
        assert check.getexif().get_ifd(0x8825)[2] == (39.0, 54.0, 27.0)
    name = row(submit(people["resident"], photo=original)).photo_path
    stored = (uploads / name).read_bytes()
    with Image.open(io.BytesIO(stored)) as image:
        assert dict(image.getexif()) == {} and "exif" not in image.info
    assert b"PhoneMaker" not in stored and b"Exif\x00\x00" not in stored


def test_jpeg_comment_does_not_reach_the_disk(people, uploads):
    original = image_bytes("JPEG", comment=b"Wang Fang, Room 302, Building 3")
    name = row(submit(people["resident"], photo=original)).photo_path
    stored = (uploads / name).read_bytes()
    assert b"Wang Fang" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert "comment" not in image.info


def test_large_photo_is_scaled_down(people, uploads):
    name = row(submit(people["resident"], photo=image_bytes("PNG", size=(3000, 1500)))).photo_path
    with Image.open(uploads / name) as stored:
        assert stored.size == (2000, 1000)


@pytest.mark.parametrize("fmt", ["JPEG", "WEBP"])
def test_photo_orientation_is_applied_before_exif_is_dropped(people, uploads, fmt):
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 degrees clockwise to display
    name = row(
        submit(people["resident"], photo=image_bytes(fmt, size=(64, 48), exif=exif))
    ).photo_path
    with Image.open(uploads / name) as stored:
        assert stored.size == (48, 64) and dict(stored.getexif()) == {}


@pytest.mark.parametrize(
    "make, key",
    [
        (lambda: b"just some text, saved as photo.png\n", "photo.not_an_image"),
        (lambda: b"", "photo.not_an_image"),
        (lambda: image_bytes("GIF"), "photo.not_an_image"),
        (lambda: image_bytes("PNG")[:60], "photo.not_an_image"),
        (lambda: b"\x89PNG\r\n\x1a\n" + b"\x00" * MAX_BYTES, "photo.too_large"),
        (lambda: png_declaring(7000, 7000), "photo.too_many_pixels"),
        (lambda: png_declaring(20000, 20000), ("photo.too_many_pixels", "photo.not_an_image")),
    ],
)
def test_bad_photos_write_nothing(people, uploads, make, key):
    before = snapshot()
    with pytest.raises(InvalidInput) as raised:
        submit(people["resident"], photo=make())
    assert raised.value.key in ((key,) if isinstance(key, str) else key)
    assert raised.value.field == "photo"
    assert snapshot() == before
    assert not uploads.exists() or list(uploads.iterdir()) == []
