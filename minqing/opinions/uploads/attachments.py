"""Handling units' reply attachments: PDFs kept byte for byte after a structural
check, images cleaned like a citizen's photo, and the name shown for each."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from django.utils.translation import gettext

from minqing.opinions.uploads._common import (
    Upload,
    _attachment_max_bytes,
    _clean_each,
    _read_upload,
    _refuse,
    safe_display_name,
)
from minqing.opinions.uploads.images import _clean_image, _sniff_image
from minqing.opinions.uploads.results import CleanFile

_PDF_HEADER = re.compile(rb"%PDF-[12]\.\d")
# The spec puts %%EOF in the last 1024 bytes; writers add a little whitespace after it.
_PDF_TAIL = 1024

_SUFFIXES: dict[str, tuple[str, ...]] = {
    "pdf": (".pdf",),
    "jpg": (".jpg", ".jpeg", ".jpe", ".jfif"),
    "png": (".png",),
    "webp": (".webp",),
}


def _looks_like_pdf(data: bytes) -> bool:
    if not _PDF_HEADER.match(data):
        return False
    tail_start = max(0, len(data) - _PDF_TAIL)
    eof = data.rfind(b"%%EOF", tail_start)
    if eof == -1:
        return False
    # startxref points readers at the cross-reference table; a cut-off file loses it.
    return data.rfind(b"startxref", max(0, eof - _PDF_TAIL), eof) != -1


def _display_name(upload: object, extension: str) -> str:
    """The shown name, ending in the extension of what the file really is, so a download
    never opens a PDF or a picture with the program of another type."""
    name = safe_display_name(getattr(upload, "name", ""))
    if name.lower().endswith(_SUFFIXES[extension]):
        return name
    # "回复函.doc" that is really a PDF becomes "回复函.doc.pdf": honest about both.
    stem = name[: 100 - len(extension) - 1].rstrip() or gettext("附件")
    return f"{stem}.{extension}"


def clean_attachment(upload: Upload) -> CleanFile:
    """Verify a handling unit's reply attachment.

    A PDF (``%PDF-`` header and an intact trailer) is kept byte for byte; a JPEG, PNG or
    WebP image is verified and re-encoded exactly like a citizen's photo. At most
    ``MINQING_ATTACHMENT_MAX_BYTES``. Raises ValidationError with a Chinese message for
    anything else; never any other exception for bad input.
    """
    name, data = _read_upload(upload, "attachment", _attachment_max_bytes())
    if data.startswith(b"%PDF-"):
        if not _looks_like_pdf(data):
            raise _refuse("attachment", "corrupt", name)
        return CleanFile(
            content=data,
            extension="pdf",
            content_type="application/pdf",
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            display_name=_display_name(upload, "pdf"),
        )
    fmt = _sniff_image(data)
    if fmt is None:
        raise _refuse("attachment", "unsupported", name)
    image = _clean_image(data, fmt, "attachment", name)
    return CleanFile(
        content=image.content,
        extension=image.extension,
        content_type=image.content_type,
        size=image.size,
        sha256=image.sha256,
        display_name=_display_name(upload, image.extension),
        width=image.width,
        height=image.height,
    )


def clean_attachments(files: Iterable[Upload]) -> list[CleanFile]:
    """Clean every attachment of one reply, reporting all problems at once: raises one
    ValidationError with the message of every refused file. How many files a reply may
    carry is the caller's to check, before calling this."""
    return _clean_each(files, clean_attachment)
