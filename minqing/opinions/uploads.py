"""Validation of uploaded files: citizens' photos and handling units' reply attachments.

Everything a stranger uploads is hostile until proven otherwise. The rules:

* The type is judged by the bytes, never by the file name or the declared content type:
  a photo must start with the JPEG, PNG or WebP signature *and* decode completely with
  Pillow (``verify()`` and then a full ``load()``), so a PDF, HTML page, SVG or GIF renamed
  ``photo.jpg`` is refused, and so is a truncated or corrupt image.
* Sizes are checked before the file is read, and at most ``limit + 1`` bytes are read, so a
  huge upload costs no memory.
* Decompression bombs are refused by pixel count (``MINQING_PHOTO_MAX_PIXELS``) before
  anything is decoded. Baseline JPEGs are decoded at a reduced DCT scale (``draft``), so
  their header may declare up to twice the limit: that lets through the 50 and 64
  megapixel shots of current phones while the memory used stays under the limit.
  Progressive JPEGs need a full-size coefficient buffer whatever the scale, so their
  header must fit the limit itself.
* Photos are re-encoded: EXIF orientation is applied, the long side is reduced to
  ``MINQING_PHOTO_MAX_SIDE`` and the result is written to a fresh image without any
  metadata: no EXIF (and so no GPS position of the citizen's home), no XMP, no comment, no
  ICC profile (colours are first converted to sRGB so wide-gamut phone photos keep their
  look). JPEG stays JPEG, PNG stays PNG, WebP stays WebP.
* Animated PNG/WebP (and multi-picture JPEG/MPO) are accepted and reduced to their first
  frame: a citizen sending a "live" picture of a pothole should not be turned away, and a
  single still frame is all the case file needs.
* PDFs (reply attachments only) are kept byte for byte after a structural check (``%PDF-``
  header, ``startxref`` and ``%%EOF`` at the end). They are not parsed further: production
  has no PDF library and a naive scan for scripts would miss compressed object streams.
  Serve stored files with ``Content-Disposition: attachment`` and ``nosniff``.
* Stored files get a random name (:meth:`CleanImage.storage_name`); the user's file name
  never reaches the storage path. Attachments keep a sanitised display name for showing.
* Every refusal is a :class:`~django.core.exceptions.ValidationError` with a Chinese
  message naming the file; nothing else escapes for bad input, so a view or the API answers
  400/422, never 500.

Settings read (with defaults): ``MINQING_PHOTO_MAX_BYTES`` (10 MiB),
``MINQING_PHOTO_MAX_COUNT`` (6), ``MINQING_PHOTO_MAX_PIXELS`` (40,000,000),
``MINQING_PHOTO_MAX_SIDE`` (2560; 0 keeps the size) and ``MINQING_ATTACHMENT_MAX_BYTES``
(20 MiB).

Truncated files are caught because Pillow's ``ImageFile.LOAD_TRUNCATED_IMAGES`` stays
``False`` (its default); nothing in minqing may switch it on.

Do not put a ``forms.ImageField`` in front of these functions: it decodes the file with
Pillow before any of the checks here. Use ``forms.FileField`` and call ``clean_photo``.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import re
import secrets
import struct
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _lazy
from PIL import Image, ImageOps

try:
    from PIL import ImageCms
except ImportError:  # Pillow built without littlecms: colours are converted naively.
    ImageCms = None  # type: ignore[assignment]

__all__ = [
    "CleanFile",
    "CleanImage",
    "clean_attachment",
    "clean_photo",
    "clean_photos",
    "safe_display_name",
]

logger = logging.getLogger(__name__)

MiB = 1024 * 1024

ImageExtension = Literal["jpg", "png", "webp"]
FileExtension = Literal["jpg", "png", "webp", "pdf"]
Kind = Literal["photo", "attachment"]


class Upload(Protocol):
    """What is needed of an upload: Django's UploadedFile or any binary file-like object."""

    def read(self, size: int = ..., /) -> bytes: ...


# --------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------


def _random_name(extension: str) -> str:
    # 128 random bits: stored photos of citizens must not be guessable from each other.
    return f"{secrets.token_hex(16)}.{extension}"


@dataclass(frozen=True, slots=True)
class CleanImage:
    """A verified, re-encoded image without metadata, ready to store."""

    content: bytes = field(repr=False)
    extension: ImageExtension
    content_type: str
    width: int
    height: int
    size: int
    sha256: str
    _storage_name: str = field(init=False, repr=False, compare=False, default="")

    def __post_init__(self) -> None:
        object.__setattr__(self, "_storage_name", _random_name(self.extension))

    def storage_name(self) -> str:
        """The random name to store the file under (``<32 hex>.<ext>``), fixed per result."""
        return self._storage_name

    def content_file(self) -> ContentFile:
        """The bytes as a ContentFile named :meth:`storage_name`."""
        return ContentFile(self.content, name=self._storage_name)

    as_content_file = content_file


@dataclass(frozen=True, slots=True)
class CleanFile:
    """A verified reply attachment: a PDF kept as uploaded, or a re-encoded image.

    ``display_name`` is the user's file name made safe for showing (basename, no control
    characters, at most 100 characters, ending in the real type's extension); it is for
    labels and download names only, never for the storage path.
    """

    content: bytes = field(repr=False)
    extension: FileExtension
    content_type: str
    size: int
    sha256: str
    display_name: str
    width: int | None = None
    height: int | None = None
    _storage_name: str = field(init=False, repr=False, compare=False, default="")

    def __post_init__(self) -> None:
        object.__setattr__(self, "_storage_name", _random_name(self.extension))

    @property
    def is_image(self) -> bool:
        return self.extension != "pdf"

    def storage_name(self) -> str:
        """The random name to store the file under (``<32 hex>.<ext>``), fixed per result."""
        return self._storage_name

    def content_file(self) -> ContentFile:
        """The bytes as a ContentFile named :meth:`storage_name`."""
        return ContentFile(self.content, name=self._storage_name)

    as_content_file = content_file


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


# --------------------------------------------------------------------------------------
# Images
# --------------------------------------------------------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# What a broken or hostile file makes Pillow (and its C decoders) raise. SyntaxError is
# Pillow's "not a valid <format> file"; the decompression-bomb warning only arrives as an
# exception when warnings are configured as errors. MemoryError is there because a hostile
# file, not the server, is the likely cause of one here.
_DECODE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    SyntaxError,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    EOFError,
    struct.error,
    ArithmeticError,
    MemoryError,
    Image.DecompressionBombError,
    Image.DecompressionBombWarning,
)
if ImageCms is not None:
    _DECODE_ERRORS += (ImageCms.PyCMSError,)

_SIXTEEN_BIT_MODES = frozenset({"I", "I;16", "I;16B", "I;16L", "I;16N"})
_ALPHA_MODES = frozenset({"RGBA", "LA", "La", "PA", "RGBa"})

# Pillow format → (our extension, content type, formats Pillow may report for it).
_IMAGE_TYPES: dict[str, tuple[ImageExtension, str, frozenset[str]]] = {
    "JPEG": ("jpg", "image/jpeg", frozenset({"JPEG", "MPO"})),
    "PNG": ("png", "image/png", frozenset({"PNG"})),
    "WEBP": ("webp", "image/webp", frozenset({"WEBP"})),
}


def _sniff_image(data: bytes) -> str | None:
    """The Pillow format name the signature announces, or None."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(_PNG_SIGNATURE):
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _open(data: bytes, fmt: str) -> Image.Image:
    # Only the announced plugin may parse the bytes: no other format reader (EPS would
    # even start Ghostscript) ever sees an upload.
    return Image.open(io.BytesIO(data), formats=[fmt])


def _normalise_mode(im: Image.Image) -> Image.Image:
    """Pixels in L, RGB, RGBA or CMYK (CMYK waits for its colour profile)."""
    if im.mode in _SIXTEEN_BIT_MODES:
        # Pillow's plain conversion clips 16-bit grey to 255 (a white picture); scale it.
        im.info.pop("transparency", None)
        return im.point(lambda value: value / 256).convert("L")
    if im.mode in ("L", "RGB", "RGBA", "CMYK") and "transparency" not in im.info:
        return im
    if im.mode in _ALPHA_MODES or "transparency" in im.info:
        return im.convert("RGBA")
    if im.mode == "1":
        return im.convert("L")
    return im.convert("RGB")


def _to_srgb(im: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Colours converted from the embedded profile to sRGB, since the profile is dropped.

    Any problem with the profile leaves the pixels as they are: a wrong colour cast is
    better than refusing the photo of a citizen.
    """
    if not icc_profile or ImageCms is None or im.mode not in ("RGB", "RGBA", "CMYK"):
        return im
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        converted = ImageCms.profileToProfile(
            im,
            source,
            ImageCms.createProfile("sRGB"),
            outputMode="RGBA" if im.mode == "RGBA" else "RGB",
        )
    except _DECODE_ERRORS:
        return im
    return converted if converted is not None else im


def _output_mode(mode: str, fmt: str) -> str:
    if fmt == "JPEG":
        return "L" if mode == "L" else "RGB"
    if mode == "RGBA":
        return "RGBA"
    return "L" if fmt == "PNG" and mode == "L" else "RGB"


def _save(im: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    # No exif/icc_profile/xmp/comment arguments, and `im` is a fresh image with an empty
    # info dict, so no encoder can copy metadata from the upload.
    if fmt == "JPEG":
        im.save(out, "JPEG", quality=85, optimize=True)
    elif fmt == "PNG":
        im.save(out, "PNG", optimize=True)
    else:
        # method 2 instead of the default 4: it runs during the request, and the files
        # are barely larger.
        im.save(out, "WEBP", quality=85, method=2)
    return out.getvalue()


def _decode(data: bytes, fmt: str, kind: Kind, name: str) -> Image.Image:
    """The first frame, verified and fully decoded, reduced towards the output size.

    Raises ValidationError for a bomb or a corrupt file; Pillow errors are left to the
    caller, which maps them all to "corrupt".
    """
    limit = _max_pixels()
    max_side = _max_side()
    try:
        with _open(data, fmt) as probe:
            if probe.format not in _IMAGE_TYPES[fmt][2]:
                raise _refuse(kind, "corrupt", name)
            width, height = probe.size
            header_limit = limit
            if probe.format in ("JPEG", "MPO") and not probe.info.get("progressive"):
                header_limit = 2 * limit  # decoded at a reduced scale below
            if width < 1 or height < 1:
                raise _refuse(kind, "corrupt", name)
            if width * height > header_limit:
                raise _too_many_pixels(kind, name, limit)
            # Checks chunk CRCs (PNG); the real proof for every format is load() below.
            probe.verify()
    except Image.DecompressionBombError as exc:
        # Pillow's own, larger limit fired while reading the header.
        raise _too_many_pixels(kind, name, limit) from exc

    im = _open(data, fmt)
    if fmt == "JPEG" and max_side and max(width, height) > max_side:
        scale = max_side / max(width, height)
        # Decodes at 1/2, 1/4 or 1/8 scale while staying at least as big as the output.
        im.draft(None, (max(1, int(width * scale)), max(1, int(height * scale))))
    if im.width * im.height > limit:
        raise _too_many_pixels(kind, name, limit)
    im.load()
    return im


def _clean_image(data: bytes, fmt: str, kind: Kind, name: str) -> CleanImage:
    extension, content_type, _formats = _IMAGE_TYPES[fmt]
    try:
        im = _decode(data, fmt, kind, name)
        icc_profile = im.info.get("icc_profile")
        im = _normalise_mode(im)
        max_side = _max_side()
        if max_side:
            # The box is square, so shrinking before the EXIF rotation gives the same
            # result while rotating far fewer pixels.
            im.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        # Broken EXIF is common in phone photos edited by apps; keep the picture as stored
        # rather than refusing it.
        with contextlib.suppress(*_DECODE_ERRORS):
            im = ImageOps.exif_transpose(im)
        im = _to_srgb(im, icc_profile)
        mode = _output_mode(im.mode, fmt)
        if im.mode != mode:
            im = im.convert(mode)
        # A brand-new image carries nothing of the upload but its pixels.
        fresh = Image.new(mode, im.size)
        fresh.paste(im)
        content = _save(fresh, fmt)
    except ValidationError:
        raise
    except _DECODE_ERRORS as exc:
        raise _refuse(kind, "corrupt", name) from exc
    except Exception as exc:
        # A parser bug on hostile input must still not become a 500. Logged loudly (without
        # the file name, which may be personal) so the gap gets added to _DECODE_ERRORS.
        logger.exception("Unexpected error while decoding an uploaded %s image", fmt)
        raise _refuse(kind, "corrupt", name) from exc
    return CleanImage(
        content=content,
        extension=extension,
        content_type=content_type,
        width=fresh.width,
        height=fresh.height,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def clean_photo(upload: Upload) -> CleanImage:
    """Verify a citizen's photo and re-encode it without metadata.

    Accepts JPEG, PNG and WebP judged by content, up to ``MINQING_PHOTO_MAX_BYTES``;
    returns the re-encoded image (same format, EXIF orientation applied, long side at most
    ``MINQING_PHOTO_MAX_SIDE``). Raises ValidationError with a Chinese message for
    anything else; never any other exception for bad input.
    """
    name = _name_for_messages(upload)
    limit = _photo_max_bytes()
    data = _read_limited(upload, limit)
    if data is None:
        raise _refuse("photo", "too_large", name, limit=_format_bytes(limit))
    if not data:
        raise _refuse("photo", "empty", name)
    fmt = _sniff_image(data)
    if fmt is None:
        raise _refuse("photo", "unsupported", name)
    return _clean_image(data, fmt, "photo", name)


def clean_photos(files: Iterable[Upload], max_count: int | None = None) -> list[CleanImage]:
    """Clean every photo of one submission, reporting all problems at once.

    More than ``max_count`` (default ``MINQING_PHOTO_MAX_COUNT``) files is refused before
    any is decoded, so a flood of files costs no CPU. Otherwise raises one
    ValidationError listing the message of every refused photo.
    """
    files = list(files)
    if max_count is None:
        max_count = _photo_max_count()
    if len(files) > max_count:
        raise ValidationError(
            ngettext("最多上传 %(count)d 张照片", "最多上传 %(count)d 张照片", max_count),
            code="too_many_files",
            params={"count": max_count},
        )
    cleaned: list[CleanImage] = []
    errors: list[ValidationError] = []
    for upload in files:
        try:
            cleaned.append(clean_photo(upload))
        except ValidationError as exc:
            errors.extend(exc.error_list)
    if errors:
        raise ValidationError(errors)
    return cleaned


# --------------------------------------------------------------------------------------
# Attachments
# --------------------------------------------------------------------------------------

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
    name = _name_for_messages(upload)
    limit = _attachment_max_bytes()
    data = _read_limited(upload, limit)
    if data is None:
        raise _refuse("attachment", "too_large", name, limit=_format_bytes(limit))
    if not data:
        raise _refuse("attachment", "empty", name)
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
