"""Photos: judged by their signature, fully decoded with Pillow, re-encoded without
metadata (see the package docstring for the rules)."""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import struct
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.utils.translation import ngettext
from PIL import Image, ImageFile, ImageOps

from minqing.opinions.uploads._common import (
    ImageExtension,
    Kind,
    Upload,
    _clean_each,
    _max_pixels,
    _max_side,
    _photo_max_bytes,
    _photo_max_count,
    _read_upload,
    _refuse,
    _too_many_pixels,
)
from minqing.opinions.uploads.results import CleanImage

try:
    from PIL import ImageCms
except ImportError:  # Pillow built without littlecms: colours are converted naively.
    ImageCms = None  # type: ignore[assignment]

# The package's logger ("minqing.opinions.uploads"), as before the module became a package.
logger = logging.getLogger(__package__)

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
    # Whatever switched it on (WeasyPrint does, on import), a truncated image is corrupt.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
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
    name, data = _read_upload(upload, "photo", _photo_max_bytes())
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
    return _clean_each(files, clean_photo)
