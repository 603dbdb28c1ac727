"""What the public and staff endpoints of the 民情 API share: one operation that reads
JSON or multipart form fields, upload checks, look-ups that answer with field errors."""

import datetime as dt
import json

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.params import ParamShortcut
from ninja.params.models import FormModel
from ninja.params.models import Param as _Param

from minqing.core.models import Region
from minqing.opinions import uploads
from minqing.opinions.models import Opinion
from minqing.opinions.validation import clean_intake
from minqing.stations.models import Station
from minqing.stations.selectors import station_public_get

MAX_ATTACHMENTS = 5

# --- JSON or multipart in one operation ------------------------------------------------


class _JsonOrFormModel(FormModel):
    """Reads the fields from a JSON object, or from form fields when the request is
    ``multipart/form-data`` / ``application/x-www-form-urlencoded``."""

    @classmethod
    def get_request_data(cls, request, api, path_params):
        if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
            return super().get_request_data(request, api, path_params)
        if not request.body:
            return {}
        try:
            data = json.loads(request.body)
        except ValueError:
            raise HttpError(400, _("请求体不是有效的 JSON")) from None
        if not isinstance(data, dict):
            raise HttpError(400, _("请求体须为 JSON 对象"))
        return data


class _JsonOrFormParam(_Param):
    _model = _JsonOrFormModel

    @classmethod
    def _param_source(cls) -> str:
        return "form"  # flattened like form fields; documented as multipart + JSON below


JsonOrForm = ParamShortcut(lambda: _JsonOrFormParam(...))


def both_bodies(schema: type, example: dict) -> dict:
    """OpenAPI extra: the same operation takes a JSON body as well as multipart."""
    return {
        "requestBody": {
            "content": {
                "application/json": {
                    "schema": schema.model_json_schema(ref_template="#/components/schemas/{model}"),
                    "example": example,
                },
            },
        },
    }


# --- helpers ---------------------------------------------------------------------------


def by_token(token) -> Opinion | None:
    # Read-only idempotency probe: a retried request answers 200 with the first result.
    return Opinion.objects.filter(client_token=token).first()


def clean_files(files, intake_check=None, *, attachments: bool = False) -> list:
    """Verify uploads; a refusal is reported together with the other fields' errors."""
    if not files:
        return []
    try:
        if not attachments:
            return uploads.clean_photos(files)
        if len(files) > MAX_ATTACHMENTS:
            raise ValidationError(_("最多上传 %(n)s 个附件") % {"n": MAX_ATTACHMENTS})
        return uploads.clean_attachments(files)
    except ValidationError as exc:
        field = "attachments" if attachments else "photos"
        errors = {field: exc.messages}
        if intake_check is not None:
            try:
                intake_check()
            except ValidationError as more:
                errors.update(more.message_dict if hasattr(more, "error_dict") else {})
        raise ValidationError(errors) from None


def region_by_code(code: str, field: str) -> Region:
    region = Region.objects.filter(code=code.strip()).first() if code.strip() else None
    if region is None:
        raise ValidationError({field: [_("区划代码“%(code)s”不存在") % {"code": code[:20]}]})
    return region


def public_station(code: str, field: str = "station_code") -> Station:
    try:
        return station_public_get(code)
    except Http404:
        raise ValidationError({field: [_("未找到该联络站，请核对二维码上的代码")]}) from None


def matter(payload) -> dict:
    """The ``data`` dict the intake actions take (photos are added once verified)."""
    fields = {"text", "kind", "category", "address", "latitude", "longitude"}
    fields |= {"citizen_name", "citizen_phone", "consent"} & set(type(payload).model_fields)
    return {**payload.dict(include=fields), "photos": []}


def intake_data(payload, photos, region: Region | None = None, **checks) -> dict:
    """``matter(payload)`` with its photos verified. Given the ``region``, a refused photo
    is reported together with what ``clean_intake`` (with ``checks``) finds in the other
    fields."""
    data = matter(payload)
    check = None if region is None else (lambda: clean_intake(data, region=region, **checks))
    data["photos"] = clean_files(photos or [], check)
    return data


def aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value
