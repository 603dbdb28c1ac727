"""Upload validation: citizens' photos and units' reply attachments (minqing.opinions.uploads)."""

from __future__ import annotations

import contextlib
import functools
import io
import logging
import re
import struct
import zlib
from collections.abc import Iterator

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from PIL import Image, ImageCms, PngImagePlugin
from pypdf import PdfReader, PdfWriter

from minqing.opinions import uploads
from minqing.opinions.uploads import (
    CleanFile,
    CleanImage,
    clean_attachment,
    clean_photo,
    clean_photos,
    safe_display_name,
)

RED = (220, 20, 20)
BLUE = (20, 20, 220)


# --------------------------------------------------------------------------------------
# Builders
# --------------------------------------------------------------------------------------


def two_colour(size: tuple[int, int] = (40, 20), mode: str = "RGB") -> Image.Image:
    """Left half red, right half blue: shows where a rotation put things."""
    im = Image.new("RGB", size, RED)
    im.paste(BLUE, (size[0] // 2, 0, size[0], size[1]))
    return im.convert(mode)


def encode(im: Image.Image, fmt: str, **kwargs) -> bytes:
    out = io.BytesIO()
    im.save(out, fmt, **kwargs)
    return out.getvalue()


def gradient(size: tuple[int, int]) -> Image.Image:
    """Photo-like content: smooth, so JPEG data has real structure to corrupt."""
    return Image.merge(
        "RGB",
        [
            Image.linear_gradient("L").resize(size),
            Image.radial_gradient("L").resize(size),
            Image.linear_gradient("L").rotate(90).resize(size),
        ],
    )


def png_text(key: str, value: str) -> PngImagePlugin.PngInfo:
    info = PngImagePlugin.PngInfo()
    info.add_text(key, value)
    return info


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    # The declared content type is deliberately the browser's claim, often a lie below.
    return SimpleUploadedFile(name, data, content_type=content_type)


def png_chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)
    )


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that declares a huge image but carries almost no data: a cheap bomb."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + png_chunk(b"IEND", b"")
    )


def jpeg_with_dimensions(width: int, height: int, *, progressive: bool = False) -> bytes:
    """A small real JPEG whose frame header is patched to declare another size."""
    data = bytearray(encode(gradient((16, 16)), "JPEG", progressive=progressive))
    marker = b"\xff\xc2" if progressive else b"\xff\xc0"
    at = data.index(marker)
    # SOF: marker, length (2), precision (1), height (2), width (2).
    data[at + 5 : at + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def minimal_pdf(text: str = "Reply") -> bytes:
    """A one-page PDF written by hand, with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def messages(exc_info: pytest.ExceptionInfo[ValidationError]) -> list[str]:
    return exc_info.value.messages


def codes(exc_info: pytest.ExceptionInfo[ValidationError]) -> list[str | None]:
    return [error.code for error in exc_info.value.error_list]


# --------------------------------------------------------------------------------------
# Valid photos
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "extension", "content_type", "metadata"),
    [
        ("JPEG", "jpg", "image/jpeg", {"comment": b"minqing-secret", "quality": 95}),
        ("PNG", "png", "image/png", {"pnginfo": png_text("Author", "minqing-secret")}),
        ("WEBP", "webp", "image/webp", {"xmp": b"<x:xmpmeta>minqing-secret</x:xmpmeta>"}),
    ],
)
def test_valid_photos_are_verified_and_re_encoded(fmt, extension, content_type, metadata):
    data = encode(two_colour(), fmt, **metadata)
    assert b"minqing-secret" in data

    result = clean_photo(upload(data, name="随手拍.bin", content_type="application/octet-stream"))

    assert isinstance(result, CleanImage)
    assert (result.extension, result.content_type) == (extension, content_type)
    assert (result.width, result.height) == (40, 20)
    assert result.size == len(result.content)
    assert len(result.sha256) == 64
    assert b"minqing-secret" not in result.content
    with Image.open(io.BytesIO(result.content)) as out:
        assert out.format == fmt
        assert out.size == (40, 20)
        out_rgb = out.convert("RGB")
        assert _close(out_rgb.getpixel((2, 10)), RED)
        assert _close(out_rgb.getpixel((37, 10)), BLUE)


def _close(pixel, expected, tolerance: int = 40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, expected, strict=False))


def test_jpeg_exif_with_gps_is_removed_and_orientation_applied():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    exif[0x010F] = "MinqingPhoneMaker"
    gps = exif.get_ifd(0x8825)  # GPSInfo IFD
    gps[1] = "N"
    gps[2] = (30.0, 15.0, 10.5)
    gps[3] = "E"
    gps[4] = (120.0, 5.0, 1.25)
    gps[18] = "WGS-84-MINQING-HOME"
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = encode(
        two_colour((40, 20)),
        "JPEG",
        exif=exif,
        icc_profile=srgb,
        comment=b"minqing-comment",
        xmp=b'<x:xmpmeta xmlns:x="adobe:ns:meta/">minqing-xmp</x:xmpmeta>',
        quality=95,
    )
    with Image.open(io.BytesIO(data)) as original:
        assert original.getexif().get_ifd(0x8825)[18] == "WGS-84-MINQING-HOME"

    result = clean_photo(upload(data))

    for leak in (
        b"Exif",
        b"MinqingPhoneMaker",
        b"WGS-84-MINQING-HOME",
        b"ICC_PROFILE",
        b"minqing-comment",
        b"minqing-xmp",
        b"http://ns.adobe.com/xap/1.0/",
    ):
        assert leak not in result.content
    with Image.open(io.BytesIO(result.content)) as out:
        assert not out.getexif()
        assert "exif" not in out.info
        assert "icc_profile" not in out.info
        # Rotated 90° clockwise: the red left half is now on top.
        assert out.size == (20, 40)
        assert (result.width, result.height) == (20, 40)
        assert _close(out.getpixel((10, 2)), RED)
        assert _close(out.getpixel((10, 37)), BLUE)


def test_png_and_webp_metadata_chunks_are_removed():
    exif = Image.Exif()
    exif[0x010F] = "MinqingPhoneMaker"
    exif.get_ifd(0x8825)[18] = "WGS-84-MINQING-HOME"
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "minqing-text")
    info.add_itxt("Description", "民情-itxt")
    png = encode(two_colour(), "PNG", exif=exif, icc_profile=srgb, pnginfo=info)
    webp = encode(two_colour(), "WEBP", exif=exif, icc_profile=srgb, xmp=b"minqing-xmp")
    assert b"eXIf" in png and b"iCCP" in png
    assert b"EXIF" in webp and b"ICCP" in webp

    png_out = clean_photo(upload(png, "a.png")).content
    webp_out = clean_photo(upload(webp, "a.webp")).content

    for chunk in (b"eXIf", b"iCCP", b"tEXt", b"iTXt", b"zTXt", b"MinqingPhoneMaker"):
        assert chunk not in png_out
    for chunk in (b"EXIF", b"ICCP", b"XMP ", b"MinqingPhoneMaker", b"minqing-xmp"):
        assert chunk not in webp_out
    for out in (png_out, webp_out):
        with Image.open(io.BytesIO(out)) as im:
            assert not im.getexif()


def test_cmyk_jpeg_comes_out_rgb():
    data = encode(Image.new("CMYK", (16, 16), (0, 255, 255, 0)), "JPEG")

    result = clean_photo(upload(data))

    with Image.open(io.BytesIO(result.content)) as out:
        assert out.mode == "RGB"
        assert _close(out.getpixel((8, 8)), (255, 0, 0), tolerance=60)


def test_palette_png_with_transparency_keeps_its_alpha():
    im = Image.new("P", (10, 10), 0)
    im.putpalette([255, 0, 0, 0, 0, 255] + [0] * 762)
    im.paste(1, (5, 0, 10, 10))
    data = encode(im, "PNG", transparency=1)

    result = clean_photo(upload(data, "logo.png"))

    with Image.open(io.BytesIO(result.content)) as out:
        assert out.mode == "RGBA"
        assert out.getpixel((1, 1)) == (255, 0, 0, 255)
        assert out.getpixel((8, 8))[3] == 0


@pytest.mark.parametrize(("mode", "value", "expected"), [("LA", (90, 128), "RGBA"), ("1", 1, "L")])
def test_other_png_modes_are_converted_for_display(mode, value, expected):
    data = encode(Image.new(mode, (8, 8), value), "PNG")

    result = clean_photo(upload(data, "x.png"))

    with Image.open(io.BytesIO(result.content)) as out:
        assert out.mode == expected


def test_sixteen_bit_grey_png_is_scaled_not_clipped_to_white():
    data = encode(Image.new("I;16", (8, 8), 30000), "PNG")

    result = clean_photo(upload(data, "scan.png"))

    with Image.open(io.BytesIO(result.content)) as out:
        assert out.mode == "L"
        assert 110 <= out.getpixel((4, 4)) <= 125  # 30000 / 256 ≈ 117, not 255


def test_animated_webp_is_reduced_to_its_first_frame():
    frames = [Image.new("RGB", (12, 12), RED), Image.new("RGB", (12, 12), BLUE)]
    data = encode(frames[0], "WEBP", save_all=True, append_images=frames[1:], duration=100)
    with Image.open(io.BytesIO(data)) as original:
        assert original.n_frames == 2

    result = clean_photo(upload(data, "live.webp"))

    with Image.open(io.BytesIO(result.content)) as out:
        assert getattr(out, "n_frames", 1) == 1
        assert _close(out.convert("RGB").getpixel((6, 6)), RED)


def test_animated_png_is_reduced_to_its_first_frame():
    frames = [Image.new("RGB", (12, 12), RED), Image.new("RGB", (12, 12), BLUE)]
    data = encode(frames[0], "PNG", save_all=True, append_images=frames[1:], duration=100)
    assert b"acTL" in data

    result = clean_photo(upload(data, "live.png"))

    assert b"acTL" not in result.content
    with Image.open(io.BytesIO(result.content)) as out:
        assert out.convert("RGB").getpixel((6, 6)) == RED


def test_multi_picture_jpeg_keeps_its_primary_picture():
    # Some phones save MPO (a JPEG followed by a second picture); Pillow reports "MPO".
    second = Image.new("RGB", (12, 12), BLUE)
    data = encode(Image.new("RGB", (12, 12), RED), "MPO", save_all=True, append_images=[second])
    with Image.open(io.BytesIO(data)) as original:
        assert (original.format, original.n_frames) == ("MPO", 2)

    result = clean_photo(upload(data))

    assert result.extension == "jpg"
    with Image.open(io.BytesIO(result.content)) as out:
        assert out.format == "JPEG"
        assert _close(out.getpixel((6, 6)), RED)


def test_long_side_is_reduced(settings):
    settings.MINQING_PHOTO_MAX_SIDE = 100
    data = encode(two_colour((300, 120)), "PNG")

    result = clean_photo(upload(data, "wide.png"))

    assert (result.width, result.height) == (100, 40)


def test_baseline_jpeg_may_exceed_the_pixel_limit_because_it_is_decoded_reduced(settings):
    # Scaled-down stand-in for a 64-megapixel phone shot against the 40-megapixel limit.
    settings.MINQING_PHOTO_MAX_PIXELS = 1_000_000
    settings.MINQING_PHOTO_MAX_SIDE = 500
    picture = gradient((1600, 1200))  # 1.92 megapixels

    result = clean_photo(upload(encode(picture, "JPEG")))

    assert (result.width, result.height) == (500, 375)
    # A progressive JPEG needs full-size buffers, and PNG has no reduced decoding.
    for data, name in (
        (encode(picture, "JPEG", progressive=True), "p.jpg"),
        (encode(picture, "PNG"), "p.png"),
    ):
        with pytest.raises(ValidationError) as exc:
            clean_photo(upload(data, name))
        assert messages(exc) == [f"照片「{name}」分辨率过高（超过 100 万像素）"]


def test_stored_name_is_random_and_never_the_users():
    data = encode(two_colour(), "JPEG")
    result = clean_photo(upload(data, "张三家门口.jpg"))
    again = clean_photo(upload(data, "张三家门口.jpg"))

    name = result.storage_name()

    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", name)
    assert result.storage_name() == name  # stable for one result
    assert again.storage_name() != name  # random across results
    assert result.sha256 == again.sha256
    content = result.as_content_file()
    assert content.name == result.content_file().name == name
    assert content.read() == result.content


# --------------------------------------------------------------------------------------
# Refused photos
# --------------------------------------------------------------------------------------


def test_oversized_photo_is_refused_without_reading_it_whole(settings):
    settings.MINQING_PHOTO_MAX_BYTES = 2048
    big = encode(Image.effect_noise((64, 64), 80).convert("RGB"), "PNG")
    assert len(big) > 2048

    with pytest.raises(ValidationError) as exc:
        clean_photo(upload(big, "big.png"))
    assert messages(exc) == ["照片「big.png」超过 2 KB"]
    assert codes(exc) == ["too_large"]

    class Stream(io.BytesIO):
        """No declared size, and a record of how much was asked for."""

        requested: list[int]

        def read(self, size: int | None = -1, /) -> bytes:
            self.requested.append(size)
            return super().read(size)

    stream = Stream(big)
    stream.requested = []
    stream.name = "stream.png"
    with pytest.raises(ValidationError) as exc:
        clean_photo(stream)
    assert stream.requested == [2049]
    assert codes(exc) == ["too_large"]


def test_default_size_limit_is_10_mb():
    class Huge:
        name = "huge.jpg"
        size = 10 * 1024 * 1024 + 1

        def read(self, size: int = -1) -> bytes:  # pragma: no cover - must not be called
            raise AssertionError("an oversized upload must not be read")

    with pytest.raises(ValidationError) as exc:
        clean_photo(Huge())
    assert messages(exc) == ["照片「huge.jpg」超过 10 MB"]


@pytest.mark.parametrize(
    "cut",
    [0.5, 0.9, 0.98],
)
def test_truncated_images_are_refused(cut):
    for fmt, name in (("JPEG", "cut.jpg"), ("PNG", "cut.png"), ("WEBP", "cut.webp")):
        data = encode(gradient((64, 64)), fmt)
        with pytest.raises(ValidationError) as exc:
            clean_photo(upload(data[: int(len(data) * cut)], name))
        assert messages(exc) == [f"照片「{name}」已损坏或不完整"], fmt
        assert codes(exc) == ["corrupt"]


def _gif() -> bytes:
    return encode(two_colour(), "GIF")


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (minimal_pdf(), "image/jpeg"),
        (b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", "image/jpeg"),
        (
            b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
            b'<rect width="10" height="10"/></svg>',
            "image/svg+xml",
        ),
        (_gif(), "image/gif"),
        (encode(two_colour(), "BMP"), "image/jpeg"),
        (encode(two_colour(), "TIFF"), "image/jpeg"),
        (b"PK\x03\x04 a zip file with a .jpg name", "image/jpeg"),
        ("这是一段文字".encode(), "image/jpeg"),
    ],
    ids=["pdf", "html", "svg", "gif", "bmp", "tiff", "zip", "text"],
)
def test_disguised_files_are_refused(data, content_type):
    with pytest.raises(ValidationError) as exc:
        clean_photo(upload(data, "photo.jpg", content_type))
    assert messages(exc) == ["照片「photo.jpg」不是 JPEG、PNG 或 WebP 图片"]
    assert codes(exc) == ["unsupported"]


def test_empty_file_is_refused():
    with pytest.raises(ValidationError) as exc:
        clean_photo(upload(b"", "空.jpg"))
    assert messages(exc) == ["照片「空.jpg」是空文件"]


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (png_header_only(9000, 9000), "bomb.png"),  # 81 MP: over our 40 MP limit
        (png_header_only(60000, 60000), "huge.png"),  # 3.6 GP: Pillow's own limit fires
        (jpeg_with_dimensions(60000, 60000), "huge.jpg"),
        (jpeg_with_dimensions(8000, 8000, progressive=True), "progressive.jpg"),  # 64 MP
    ],
    ids=["png-81mp", "png-3600mp", "jpeg-3600mp", "progressive-jpeg-64mp"],
)
def test_decompression_bombs_are_refused_before_decoding(data, name):
    assert len(data) < 2000

    with pytest.raises(ValidationError) as exc:
        clean_photo(upload(data, name))
    assert messages(exc) == [f"照片「{name}」分辨率过高（超过 4000 万像素）"]
    assert codes(exc) == ["too_many_pixels"]


def test_seven_photos_are_refused_before_any_is_decoded():
    files = [upload(b"not even an image", f"{i}.jpg") for i in range(7)]

    with pytest.raises(ValidationError) as exc:
        clean_photos(files)
    assert messages(exc) == ["最多上传 6 张照片"]
    assert codes(exc) == ["too_many_files"]


def test_clean_photos_reports_every_refused_photo_at_once(settings):
    settings.MINQING_PHOTO_MAX_COUNT = 4
    good = upload(encode(two_colour(), "JPEG"), "好.jpg")
    gif = upload(_gif(), "动图.gif")
    cut = upload(encode(gradient((64, 64)), "PNG")[:300], "半张.png")

    with pytest.raises(ValidationError) as exc:
        clean_photos([good, gif, cut])
    assert messages(exc) == [
        "照片「动图.gif」不是 JPEG、PNG 或 WebP 图片",
        "照片「半张.png」已损坏或不完整",
    ]

    with pytest.raises(ValidationError) as exc:
        clean_photos([upload(b"x", str(i)) for i in range(5)])
    assert messages(exc) == ["最多上传 4 张照片"]


def test_clean_photos_returns_every_photo_in_order():
    files = [upload(encode(two_colour((10 + i, 10)), "PNG"), f"{i}.png") for i in range(6)]

    result = clean_photos(files)

    assert [image.width for image in result] == [10, 11, 12, 13, 14, 15]
    assert clean_photos([]) == []


def test_file_name_in_messages_is_sanitised():
    with pytest.raises(ValidationError) as exc:
        clean_photo(upload(b"GIF89a", "../../etc/\u202egpj.exe"))
    assert messages(exc) == ["照片「gpj.exe」不是 JPEG、PNG 或 WebP 图片"]

    with pytest.raises(ValidationError) as exc:
        clean_photo(io.BytesIO(b"GIF89a"))  # a file-like object without a name
    assert messages(exc) == ["照片「未命名」不是 JPEG、PNG 或 WebP 图片"]


# --------------------------------------------------------------------------------------
# Attachments
# --------------------------------------------------------------------------------------


def test_hand_written_pdf_is_accepted_unchanged():
    data = minimal_pdf("Reply of the housing bureau")
    assert len(PdfReader(io.BytesIO(data)).pages) == 1  # the fixture is a real PDF

    result = clean_attachment(upload(data, "关于小区停车问题的答复.pdf", "application/pdf"))

    assert isinstance(result, CleanFile)
    assert result.content == data
    assert (result.extension, result.content_type) == ("pdf", "application/pdf")
    assert result.display_name == "关于小区停车问题的答复.pdf"
    assert not result.is_image
    assert (result.width, result.height) == (None, None)
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", result.storage_name())


def test_pdf_from_another_writer_is_accepted():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)

    result = clean_attachment(upload(out.getvalue(), "答复.PDF", "application/pdf"))

    assert result.extension == "pdf"
    assert result.display_name == "答复.PDF"


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\nthis is not really a PDF",
        minimal_pdf()[:-200],
        minimal_pdf().replace(b"startxref", b"startref!"),
        b"%PDF-x.y\n" + minimal_pdf()[9:],
    ],
    ids=["fake", "truncated", "no-startxref", "bad-version"],
)
def test_broken_pdf_is_refused(data):
    with pytest.raises(ValidationError) as exc:
        clean_attachment(upload(data, "答复.pdf", "application/pdf"))
    assert messages(exc) == ["附件「答复.pdf」已损坏或不完整"]
    assert codes(exc) == ["corrupt"]


def test_image_attachment_is_re_encoded_like_a_photo():
    exif = Image.Exif()
    exif.get_ifd(0x8825)[18] = "WGS-84-MINQING-HOME"
    data = encode(two_colour(), "JPEG", exif=exif)

    result = clean_attachment(upload(data, "整改后现场.JPG"))

    assert result.is_image
    assert (result.extension, result.content_type) == ("jpg", "image/jpeg")
    assert (result.width, result.height) == (40, 20)
    assert result.display_name == "整改后现场.JPG"
    assert b"Exif" not in result.content
    assert b"WGS-84-MINQING-HOME" not in result.content


def test_attachment_display_name_ends_in_the_real_type():
    pdf = minimal_pdf()

    assert clean_attachment(upload(pdf, "答复.doc")).display_name == "答复.doc.pdf"
    assert clean_attachment(upload(pdf, "\u202e\u200b")).display_name == "附件.pdf"
    long_name = "很" * 150 + ".exe"
    name = clean_attachment(upload(pdf, long_name)).display_name
    assert name.endswith(".pdf") and len(name) <= 100
    png = encode(two_colour(), "PNG")
    assert clean_attachment(upload(png, "现场.jpg")).display_name == "现场.jpg.png"


@pytest.mark.parametrize(
    "data",
    [
        b"<html><body>reply</body></html>",
        _gif(),
        b"PK\x03\x04word document",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old word document",
    ],
    ids=["html", "gif", "docx", "doc"],
)
def test_other_attachments_are_refused(data):
    with pytest.raises(ValidationError) as exc:
        clean_attachment(upload(data, "reply.pdf", "application/pdf"))
    assert messages(exc) == ["附件「reply.pdf」不是 PDF 文件，也不是 JPEG、PNG 或 WebP 图片"]


def test_attachment_limits(settings):
    with pytest.raises(ValidationError) as exc:
        clean_attachment(upload(b"", "空.pdf"))
    assert messages(exc) == ["附件「空.pdf」是空文件"]

    settings.MINQING_ATTACHMENT_MAX_BYTES = 1536
    with pytest.raises(ValidationError) as exc:
        clean_attachment(upload(minimal_pdf() + b" " * 2000, "大.pdf"))
    assert messages(exc) == ["附件「大.pdf」超过 1.5 KB"]

    with pytest.raises(ValidationError) as exc:
        clean_attachment(upload(png_header_only(9000, 9000), "bomb.png"))
    assert messages(exc) == ["附件「bomb.png」分辨率过高（超过 4000 万像素）"]

    with pytest.raises(ValidationError) as exc:
        clean_attachment(upload(encode(gradient((32, 32)), "JPEG")[:200], "cut.jpg"))
    assert messages(exc) == ["附件「cut.jpg」已损坏或不完整"]


def test_attachment_size_limit_defaults_to_20_mb():
    class Huge:
        name = "huge.pdf"
        size = 20 * 1024 * 1024 + 1

        def read(self, size: int = -1) -> bytes:  # pragma: no cover - must not be called
            raise AssertionError("an oversized upload must not be read")

    with pytest.raises(ValidationError) as exc:
        clean_attachment(Huge())
    assert messages(exc) == ["附件「huge.pdf」超过 20 MB"]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("C:\\fakepath\\答复.pdf", "答复.pdf"),
        ("../../etc/passwd", "passwd"),
        ("a\x00b\x1fc\u200b.pdf", "abc.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("  很\u3000多   空格 .pdf ", "很 多 空格 .pdf"),
        ("..", ""),
        (".hidden.pdf", "hidden.pdf"),
        (None, ""),
        ("名" * 120 + ".pdf", "名" * 96 + ".pdf"),
        ("名" * 120, "名" * 100),
    ],
)
def test_safe_display_name(raw, expected):
    assert safe_display_name(raw) == expected


# --------------------------------------------------------------------------------------
# Fuzzing: bad input gives a result or a ValidationError, never anything else
# --------------------------------------------------------------------------------------


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextlib.contextmanager
def _no_unexpected_errors() -> Iterator[None]:
    """Fails when the module's last-resort handler fired: that is an exception type the
    explicit list in uploads._DECODE_ERRORS does not know yet."""
    handler = _Collect()
    uploads.logger.addHandler(handler)
    try:
        yield
    finally:
        uploads.logger.removeHandler(handler)
    assert not handler.records, [r.getMessage() for r in handler.records]


def _check_photo(data: bytes) -> None:
    with _no_unexpected_errors():
        try:
            result = clean_photo(upload(data))
        except ValidationError as exc:
            assert exc.messages
            return
    assert isinstance(result, CleanImage)
    with Image.open(io.BytesIO(result.content)) as out:
        out.load()
        assert out.format in {"JPEG", "PNG", "WEBP"}
        assert not out.getexif()


def _check_attachment(data: bytes) -> None:
    with _no_unexpected_errors():
        try:
            result = clean_attachment(upload(data, "reply.pdf"))
        except ValidationError as exc:
            assert exc.messages
            return
    assert isinstance(result, CleanFile)


@functools.cache
def _real_files() -> tuple[bytes, ...]:
    exif = Image.Exif()
    exif[0x0112] = 8
    exif.get_ifd(0x8825)[18] = "WGS-84"
    picture = gradient((24, 16))
    frames = [picture, picture.rotate(90)]
    return (
        encode(picture, "JPEG", exif=exif),
        encode(picture, "JPEG", progressive=True),
        encode(picture.convert("CMYK"), "JPEG"),
        encode(picture.convert("RGBA"), "PNG", exif=exif),
        encode(picture.convert("P"), "PNG", transparency=3),
        encode(picture, "PNG", save_all=True, append_images=frames[1:]),
        encode(picture, "WEBP", exif=exif),
        encode(picture.convert("RGBA"), "WEBP", lossless=True),
        encode(picture, "WEBP", save_all=True, append_images=frames[1:]),
        minimal_pdf(),
    )


_HEADERS = [
    b"",
    b"\xff\xd8\xff",
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    b"\x89PNG\r\n\x1a\n",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    b"RIFF\x00\x10\x00\x00WEBPVP8 ",
    b"RIFF\x00\x10\x00\x00WEBPVP8X",
    b"RIFF\x00\x10\x00\x00WEBPVP8L",
    b"%PDF-1.4\n",
    b"GIF89a",
]

_FUZZ = hypothesis_settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@_FUZZ
@given(header=st.sampled_from(_HEADERS), body=st.binary(max_size=2048))
def test_fuzz_arbitrary_bytes_never_escape_as_another_exception(header, body):
    data = header + body
    _check_photo(data)
    _check_attachment(data)


@_FUZZ
@given(
    index=st.integers(min_value=0, max_value=9),
    cut=st.floats(min_value=0.0, max_value=1.0),
    flips=st.lists(
        st.tuples(st.floats(min_value=0.0, max_value=1.0), st.integers(0, 7)), max_size=6
    ),
    tail=st.binary(max_size=64),
)
def test_fuzz_damaged_real_files_never_escape_as_another_exception(index, cut, flips, tail):
    data = bytearray(_real_files()[index])
    data = data[: max(1, int(len(data) * cut))] if cut < 1.0 else data
    for where, bit in flips:
        data[min(len(data) - 1, int(len(data) * where))] ^= 1 << bit
    data = bytes(data) + tail
    _check_photo(data)
    _check_attachment(data)


@pytest.mark.parametrize("index", range(10))
def test_undamaged_fuzz_seeds_are_accepted(index):
    data = _real_files()[index]
    if index == 9:
        assert clean_attachment(upload(data, "a.pdf")).extension == "pdf"
        return
    result = clean_photo(upload(data))
    assert result.width * result.height == 24 * 16


def test_truncated_images_stay_refused_after_weasyprint_is_imported(settings):
    # WeasyPrint sets PIL.ImageFile.LOAD_TRUNCATED_IMAGES = True on import (posters).
    import weasyprint  # noqa: F401
    from PIL import ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = True
    try:
        data = encode(gradient((64, 64)), "JPEG")
        with pytest.raises(ValidationError) as exc:
            clean_photo(upload(data[: int(len(data) * 0.9)]))
        assert codes(exc) == ["corrupt"]
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = False
