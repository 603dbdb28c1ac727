"""The signed reply letter (答复函) of a demo reply, as a small valid PDF written by hand.

The text uses the Adobe-GB1 font ``STSong-Light`` with the ``UniGB-UCS2-H`` encoding,
which PDF viewers provide (it is not embedded), so a letter is a few kilobytes and takes
microseconds to make: every demo reply gets its own, with its own words.
"""

from __future__ import annotations

import datetime as dt
import io

PAGE_W, PAGE_H, MARGIN = 595, 842, 72
BODY, LEADING = 13, 22
WIDTH = (PAGE_W - 2 * MARGIN) / BODY  # in full-width characters
LINES = int((PAGE_H - 2 * MARGIN - 60) / LEADING)
FOOTER = "澜江省演示数据 · 虚构内容"

FONT = (
    b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
    b"/DescendantFonts [4 0 R] >>"
)
CID_FONT = (
    b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
    b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
    b"/FontDescriptor 5 0 R /DW 1000 /W [1 95 500] >>"
)
DESCRIPTOR = (
    b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
    b"/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 "
    b"/CapHeight 880 /StemV 93 >>"
)


def _width(ch: str) -> float:
    return 0.5 if ord(ch) < 128 else 1.0


NO_LINE_START = set("。，、；：！？）」』”’》")


def wrap(text: str, width: float = WIDTH) -> list[str]:
    """Lines of at most ``width`` full-width characters (a closing punctuation mark stays
    at the end of its line rather than open the next); paragraphs keep their breaks."""
    out: list[str] = []
    for para in text.split("\n"):
        line, used = "", 0.0
        for ch in para:
            w = _width(ch)
            if used + w > width and line and ch not in NO_LINE_START:
                out.append(line)
                line, used = "", 0.0
            line += ch
            used += w
        out.append(line)
    return out


def paragraphs(body: str) -> list[str]:
    """The letter's lines: the salutation flush left, every paragraph indented by two
    full-width spaces, then wrapped."""
    lines: list[str] = []
    for i, para in enumerate(body.split("\n")):
        first = i == 0 and para.endswith("：")
        lines += wrap(para if first or not para else "\u3000\u3000" + para)
    return lines


def _hex(text: str) -> bytes:
    return b"<" + text.encode("utf-16-be").hex().upper().encode() + b">"


def _page(lines: list[tuple[float, float, int, str]]) -> bytes:
    ops = [b"BT"]
    for x, y, size, text in lines:
        ops.append(b"/F1 %d Tf 1 0 0 1 %.1f %.1f Tm %s Tj" % (size, x, y, _hex(text)))
    ops.append(b"ET")
    return b"\n".join(ops)


def _span(text: str, size: int) -> float:
    return sum(_width(ch) for ch in text) * size


def letter(
    *, unit: str, heading: str, body: str, signed_by: str, contact: str, on: dt.date
) -> bytes:
    """A one- or two-page 答复函: the unit as letterhead, the heading, the reply text,
    then (right-aligned) the unit and the date, and who signed it and the contact."""
    Line = tuple[float, float, int, str]
    right = [f"{unit}（印）", f"{on.year}年{on.month}月{on.day}日"]
    signer = f"签发人：{signed_by}" + (f"\u3000\u3000联系人：{contact}" if contact else "")
    rows: list[tuple[str, str]] = [("left", x) for x in paragraphs(body)]
    rows += [("left", ""), *(("right", x) for x in right), ("left", ""), ("left", signer)]
    y = PAGE_H - MARGIN
    page: list[Line] = [
        ((PAGE_W - _span(unit, 18)) / 2, y, 18, unit),
        ((PAGE_W - _span(heading, 15)) / 2, y - 32, 15, heading),
    ]
    pages: list[list[Line]] = []
    y -= 72
    for align, text in rows:
        if y < MARGIN + 20:
            pages.append(page)
            page, y = [], PAGE_H - MARGIN
        x = PAGE_W - MARGIN - _span(text, BODY) if align == "right" else MARGIN
        page.append((x, y, BODY, text))
        y -= LEADING
    pages.append(page)
    for p in pages:
        p.append((MARGIN, MARGIN - 30, 9, FOOTER))
    return _document([_page([x for x in p if x[3]]) for p in pages])


def _document(contents: list[bytes]) -> bytes:
    n = len(contents)
    kids = " ".join(f"{6 + 2 * i} 0 R" for i in range(n)).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % n,
        FONT,
        CID_FONT,
        DESCRIPTOR,
    ]
    for i, stream in enumerate(contents):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] " % (PAGE_W, PAGE_H)
            + b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (7 + 2 * i)
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()
