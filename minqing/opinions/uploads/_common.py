"""What the photo and attachment checks share: the upload protocol, the limits read
from settings, the refusal messages, safe file names and bounded reading."""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Callable, Iterable
from typing import Literal, Protocol, TypeVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _lazy

MiB = 1024 * 1024

ImageExtension = Literal["jpg", "png", "webp"]
FileExtension = Literal["jpg", "png", "webp", "pdf"]
Kind = Literal["photo", "attachment"]
T = TypeVar("T")


class Upload(Protocol):
    """What is needed of an upload: Django's UploadedFile or any binary file-like object."""

    def read(self, size: int = ..., /) -> bytes: ...


# --------------------------------------------------------------------------------------
# Settings and messages
# --------------------------------------------------------------------------------------


def _photo_max_bytes() -> int:
    return int(getattr(settings, "MINQING_PHOTO_MAX_BYTES", 10 * MiB))


def _attachment_max_bytes() -> int:
    return int(getattr(settings, "MINQING_ATTACHMENT_MAX_BYTES", 20 * MiB))


def _photo_max_count() -> int:
    return int(getattr(settings, "MINQING_PHOTO_MAX_COUNT", 6))


def _max_pixels() -> int:
    return int(getattr(settings, "MINQING_PHOTO_MAX_PIXELS", 40_000_000))


def _max_side() -> int:
    return int(getattr(settings, "MINQING_PHOTO_MAX_SIDE", 2560))


# Lazy so the message is rendered in the language active when it is shown.
_MESSAGES = {
    ("photo", "empty"): _lazy("照片「%(name)s」是空文件"),
    ("photo", "too_large"): _lazy("照片「%(name)s」超过 %(limit)s"),
    ("photo", "unsupported"): _lazy("照片「%(name)s」不是 JPEG、PNG 或 WebP 图片"),
    ("photo", "corrupt"): _lazy("照片「%(name)s」已损坏或不完整"),
    ("photo", "too_many_pixels"): _lazy("照片「%(name)s」分辨率过高（超过 %(wan)s 万像素）"),
    ("attachment", "empty"): _lazy("附件「%(name)s」是空文件"),
    ("attachment", "too_large"): _lazy("附件「%(name)s」超过 %(limit)s"),
    ("attachment", "unsupported"): _lazy(
        "附件「%(name)s」不是 PDF 文件，也不是 JPEG、PNG 或 WebP 图片"
    ),
    ("attachment", "corrupt"): _lazy("附件「%(name)s」已损坏或不完整"),
    ("attachment", "too_many_pixels"): _lazy("附件「%(name)s」分辨率过高（超过 %(wan)s 万像素）"),
}


def _format_bytes(n: int) -> str:
    """A byte limit as people read it: "10 MB", "1.5 MB", "512 KB"."""
    for unit, size in (("MB", MiB), ("KB", 1024)):
        if n >= size:
            value = n / size
            return f"{value:.0f} {unit}" if value.is_integer() else f"{value:.1f} {unit}"
    return f"{n} B"


def _refuse(kind: Kind, code: str, name: str, **params: object) -> ValidationError:
    # Every param is offered to the translation; "wan" (万) suits Chinese, "megapixels"
    # English, so the message never has to convert units.
    return ValidationError(_MESSAGES[kind, code], code=code, params={"name": name, **params})


def _too_many_pixels(kind: Kind, name: str, limit: int) -> ValidationError:
    return _refuse(
        kind,
        "too_many_pixels",
        name,
        wan=f"{limit / 10_000:g}",
        megapixels=f"{limit / 1_000_000:g}",
    )


# --------------------------------------------------------------------------------------
# Names and reading
# --------------------------------------------------------------------------------------

_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
_SPACE_CATEGORIES = frozenset({"Zs", "Zl", "Zp"})


def safe_display_name(name: object, *, max_length: int = 100) -> str:
    """The user's file name made safe to show: basename only, no control or format
    characters (which include right-to-left overrides that disguise ``exe.pdf`` as
    ``fdp.exe``), spaces collapsed, at most ``max_length`` characters keeping the
    extension. Empty when nothing usable is left.
    """
    text = str(name or "")
    # Browsers on Windows used to send the full path ("C:\\fakepath\\x.jpg").
    text = re.split(r"[/\\]", text)[-1]
    text = unicodedata.normalize("NFC", text)
    chars = []
    for char in text:
        category = unicodedata.category(char)
        if category in _DROPPED_CATEGORIES:
            continue
        chars.append(" " if category in _SPACE_CATEGORIES else char)
    text = " ".join("".join(chars).split())
    # A leading dot would make a hidden file in a user's downloads; ".." alone is no name.
    text = text.lstrip(". ")
    if len(text) > max_length:
        stem, dot, suffix = text.rpartition(".")
        if dot and 0 < len(suffix) <= 10:
            text = stem[: max_length - len(suffix) - 1].rstrip() + "." + suffix
        else:
            text = text[:max_length].rstrip()
    return text


def _name_for_messages(upload: object) -> str:
    return safe_display_name(getattr(upload, "name", "")) or gettext("未命名")


def _read_limited(upload: Upload, limit: int) -> bytes | None:
    """All the bytes of the upload, or None when there are more than ``limit``.

    The declared size is checked first and at most ``limit + 1`` bytes are read, so an
    oversized upload is never loaded into memory.
    """
    size = getattr(upload, "size", None)
    if isinstance(size, int) and size > limit:
        return None
    if hasattr(upload, "seek"):
        # A form or an earlier check may have read the file already.
        with contextlib.suppress(OSError, ValueError):
            upload.seek(0)
    data = upload.read(limit + 1)
    if isinstance(data, str):
        data = data.encode("utf-8")
    data = bytes(data or b"")
    if len(data) > limit:
        return None
    return data


def _read_upload(upload: Upload, kind: Kind, limit: int) -> tuple[str, bytes]:
    """The upload's name for messages and its bytes; refused when it is larger than
    ``limit`` or empty."""
    name = _name_for_messages(upload)
    data = _read_limited(upload, limit)
    if data is None:
        raise _refuse(kind, "too_large", name, limit=_format_bytes(limit))
    if not data:
        raise _refuse(kind, "empty", name)
    return name, data


def _clean_each(files: Iterable[Upload], clean: Callable[[Upload], T]) -> list[T]:
    """``clean`` every file of one submission, reporting all problems at once: one
    ValidationError with the message of every refused file."""
    cleaned: list[T] = []
    errors: list[ValidationError] = []
    for upload in files:
        try:
            cleaned.append(clean(upload))
        except ValidationError as exc:
            errors.extend(exc.error_list)
    if errors:
        raise ValidationError(errors)
    return cleaned
