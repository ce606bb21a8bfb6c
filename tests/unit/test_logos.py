"""Logo uploads: PNG, JPEG and WebP are re-encoded as PNG (scaled to fit 512 px, nothing of the upload's own
bytes kept); SVG, oversized files, too many pixels (checked from the header, before decoding), decompression
bombs, damaged and foreign files are refused with a message for the person who sent them."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from locator import logos

LIMIT_BYTES, LIMIT_PIXELS = 2 * 1024 * 1024, 8_000_000


def encoded(fmt: str, size=(800, 300), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 40, 40) if mode == "RGB" else (200, 40, 40, 128)).save(out, fmt)
    return out.getvalue()


def process(data: bytes) -> logos.ProcessedLogo:
    return logos.process(data, LIMIT_BYTES, LIMIT_PIXELS)


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_accepted_formats_become_a_png_that_fits_512_pixels(fmt):
    logo = process(encoded(fmt) + (b"<script>alert(1)</script>" if fmt == "JPEG" else b""))
    image = Image.open(io.BytesIO(logo.data))
    assert image.format == "PNG" and image.size == (512, 192) == (logo.width, logo.height)
    assert b"<script>" not in logo.data
    assert logo.filename == f"{logo.sha256}.png" and len(logo.sha256) == 64


def test_transparency_is_kept_and_small_logos_are_not_enlarged():
    logo = process(encoded("PNG", (120, 60), "RGBA"))
    assert Image.open(io.BytesIO(logo.data)).mode == "RGBA" and (logo.width, logo.height) == (120, 60)


@pytest.mark.parametrize("data,words", [
    (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "SVG"),
    (b'  <svg onload="alert(1)"></svg>', "SVG"),
    (b"GIF89a" + b"\x00" * 100, "not a PNG, JPEG or WebP"),
    (b"%PDF-1.7 not an image", "not a PNG, JPEG or WebP"),
    (b"", "empty"),
])
def test_other_files_are_refused(data, words):
    with pytest.raises(logos.LogoError, match=words):
        process(data)


def test_size_and_pixel_limits():
    with pytest.raises(logos.LogoError, match="at most 2.0 MB"):
        logos.process(b"\x89PNG" + b"\x00" * LIMIT_BYTES, LIMIT_BYTES, LIMIT_PIXELS)
    with pytest.raises(logos.LogoError, match="pixels"):
        logos.process(encoded("PNG", (4000, 2100)), LIMIT_BYTES, LIMIT_PIXELS)
    with pytest.raises(logos.LogoError, match="damaged or incomplete"):
        process(encoded("PNG")[:80])


def test_a_decompression_bomb_is_refused_from_its_header():
    from tests.web.test_portal import png_bomb

    bomb = png_bomb()
    assert len(bomb) < 200_000
    with pytest.raises(logos.LogoError, match="pixels"):
        process(bomb)
    with pytest.raises(logos.LogoError, match="pixels"):
        process(png_bomb(5000))  # under Pillow's own guard, over ours
