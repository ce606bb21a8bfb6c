"""Uploaded logos: checked (PNG, JPEG or WebP only; a size and a pixel limit read from the header before
anything is decoded), decoded with Pillow, scaled down to LOGO_MAX_SIDE, re-encoded as PNG (nothing of the
upload's own bytes survives: metadata, trailing data, scripts) and kept in the store by the sha256 of the
result, so the URL /logos/<sha256>.png never changes meaning and can be cached forever."""
from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from sqlalchemy.orm import Session

from locator.models import Logo

ACCEPTED = ("PNG", "JPEG", "WEBP")
LOGO_MAX_SIDE = 512  # pixels of the stored logo's longer side
MEDIA_TYPE = "image/png"
EXTENSION = "png"
URL_PREFIX = "/logos/"


class LogoError(ValueError):
    """An upload that is not a logo we keep; the message is for the person who sent it."""


@dataclass(frozen=True)
class ProcessedLogo:
    sha256: str
    data: bytes
    width: int
    height: int

    @property
    def filename(self) -> str:
        return f"{self.sha256}.{EXTENSION}"


def _megabytes(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def process(data: bytes, max_bytes: int, max_pixels: int) -> ProcessedLogo:
    """The re-encoded logo, or a LogoError saying what is wrong with the upload."""
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise LogoError("the file is empty")
    if len(data) > max_bytes:
        raise LogoError(f"the file is {_megabytes(len(data))}; a logo may be at most {_megabytes(max_bytes)}")
    head = data[:512].lstrip().lower()
    if head.startswith((b"<?xml", b"<svg", b"<!doctype svg")) or b"<svg" in head:
        raise LogoError("SVG logos are not accepted (they can carry scripts); upload a PNG, JPEG or WebP image")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=ACCEPTED)  # reads the header only
            width, height = image.size
            if width < 1 or height < 1 or width * height > max_pixels:
                raise LogoError(f"the image is {width}×{height} pixels; a logo may have at most "
                                f"{max_pixels:,} pixels (e.g. {int(max_pixels ** 0.5)}×{int(max_pixels ** 0.5)})")
            image.thumbnail((LOGO_MAX_SIDE, LOGO_MAX_SIDE))  # decodes (JPEG: at a reduced scale)
            image = image.convert("RGBA" if _has_alpha(image) else "RGB")
            out = io.BytesIO()
            image.save(out, format="PNG", optimize=True)
        except LogoError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise LogoError(f"the image declares far more pixels than a logo may have (at most {max_pixels:,})") from None
        except UnidentifiedImageError:
            raise LogoError("not a PNG, JPEG or WebP image we can read") from None
        except (OSError, ValueError, SyntaxError, EOFError):  # truncated or malformed image data
            raise LogoError("the image is damaged or incomplete") from None
    encoded = out.getvalue()
    return ProcessedLogo(hashlib.sha256(encoded).hexdigest(), encoded, image.width, image.height)


def _has_alpha(image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)


def save(session: Session, logo: ProcessedLogo) -> str:
    """Keep the logo in the store (once per content) and return its path, /logos/<sha256>.png."""
    if session.get(Logo, logo.sha256) is None:
        session.add(Logo(sha256=logo.sha256, media_type=MEDIA_TYPE, data=logo.data, width=logo.width,
                         height=logo.height))
        session.flush()
    return URL_PREFIX + logo.filename


def load(session: Session, filename: str) -> Logo | None:
    """The stored logo named <sha256>.png, or None."""
    sha, _, ext = filename.partition(".")
    if ext != EXTENSION or len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
        return None
    return session.get(Logo, sha)
