"""Field rules for an opinion, shared by the actions (the API and pages reach the same
checks) and the forms (which show them next to the field). Messages are Chinese."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from minqing.core.config import settings_for
from minqing.core.models import Region
from minqing.opinions.models import Kind

TEXT_MIN, TEXT_MAX = 10, 2000
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
NAME_MAX = 40


def normalise_text(value: str) -> str:
    """NFC, no control characters but newlines, trimmed: what we store and count."""
    value = unicodedata.normalize("NFC", value or "")
    value = "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return value.replace("\r", "").strip()


def clean_text(value: str, *, label: str | None = None) -> str:
    text = normalise_text(value)
    label = label or _("反映内容")
    if len(text) < TEXT_MIN:
        raise ValidationError(
            _("%(label)s至少需要 %(min)s 个字，请写清楚事情、地点和诉求")
            % {"label": label, "min": TEXT_MIN}
        )
    if len(text) > TEXT_MAX:
        raise ValidationError(
            _("%(label)s不能超过 %(max)s 个字（现在 %(n)s 个字）")
            % {"label": label, "max": TEXT_MAX, "n": len(text)}
        )
    return text


def clean_mobile(value: str) -> str:
    digits = re.sub(r"[\s-]", "", value or "")
    if digits.startswith("+86"):
        digits = digits[3:]
    if not MOBILE_RE.match(digits):
        raise ValidationError(_("请填写正确的 11 位手机号码"))
    return digits


def clean_name(value: str) -> str:
    name = normalise_text(value).replace("\n", " ")
    if not name:
        raise ValidationError(_("请填写姓名"))
    if len(name) > NAME_MAX:
        raise ValidationError(_("姓名不能超过 %(max)s 个字") % {"max": NAME_MAX})
    if any(ch.isdigit() for ch in name):
        raise ValidationError(_("姓名中不能含有数字"))
    return name


def clean_kind(value: str) -> str:
    if value not in Kind.values:
        raise ValidationError(_("请选择反映类型：咨询、求助、投诉、举报或建议"))
    return value


def categories(region: Region) -> list[dict]:
    return settings_for(region)["taxonomy.opinion_categories"]


def clean_category(value: str, region: Region) -> str:
    if not value:
        return ""
    if value not in {c["code"] for c in categories(region)}:
        raise ValidationError(_("所选分类不存在"))
    return value


def clean_coordinate(value, *, low: int, high: int) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("坐标须为数字")) from None
    if not number.is_finite() or not (low <= number <= high):
        raise ValidationError(_("坐标超出范围"))
    return number.quantize(Decimal("0.000001"))


@dataclass
class Intake:
    """A validated opinion as a citizen or staff member submitted it."""

    text: str
    kind: str
    category: str = ""
    address: str = ""
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    citizen_name: str = ""
    citizen_phone: str = ""
    photos: list = field(default_factory=list)  # uploads.CleanImage


def clean_intake(
    data: dict,
    *,
    region: Region,
    require_citizen: bool = True,
    require_consent: bool = False,
) -> Intake:
    """Validate every field at once; a ValidationError maps field name → messages."""
    errors: dict[str, list[str]] = {}
    out: dict = {}

    def run(name, fn, *args, **kwargs):
        try:
            out[name] = fn(*args, **kwargs)
        except ValidationError as exc:
            errors.setdefault(name, []).extend(exc.messages)

    run("text", clean_text, data.get("text", ""))
    run("kind", clean_kind, data.get("kind", ""))
    run("category", clean_category, data.get("category") or "", region)
    address = normalise_text(data.get("address") or "").replace("\n", " ")
    if len(address) > 200:
        errors.setdefault("address", []).append(_("地址不能超过 200 个字"))
    out["address"] = address
    run("latitude", clean_coordinate, data.get("latitude"), low=-90, high=90)
    run("longitude", clean_coordinate, data.get("longitude"), low=-180, high=180)
    if (out.get("latitude") is None) != (out.get("longitude") is None) and not errors.get(
        "latitude"
    ):
        errors.setdefault("longitude", []).append(_("经度和纬度须同时填写"))
    name, phone = data.get("citizen_name") or "", data.get("citizen_phone") or ""
    if require_citizen or name:
        run("citizen_name", clean_name, name)
    if require_citizen or phone:
        run("citizen_phone", clean_mobile, phone)
    if require_consent and not data.get("consent"):
        errors.setdefault("consent", []).append(
            _("请阅读并同意个人信息处理说明，我们只把您的姓名和电话用于办理和回访")
        )
    if errors:
        raise ValidationError(errors)
    return Intake(
        text=out["text"],
        kind=out["kind"],
        category=out.get("category", ""),
        address=out["address"],
        latitude=out.get("latitude"),
        longitude=out.get("longitude"),
        citizen_name=out.get("citizen_name", ""),
        citizen_phone=out.get("citizen_phone", ""),
        photos=list(data.get("photos") or []),
    )
