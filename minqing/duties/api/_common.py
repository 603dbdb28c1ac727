"""What the endpoints of the duty work API share: look-ups that answer 404 outside the
caller's sight (the selectors the pages use: ``selectors`` and the pages' own
``selectors_activities``, ``selectors_reception``, ``selectors_reports``,
``selectors_points``), look-ups of ids in a body that answer with a field error (422),
upload checks, and the extras of the detail shapes (the caller's flags, the timeline,
the figures).

Nothing here writes; every write is one action of ``minqing.duties.actions``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from minqing.core.models import Region
from minqing.core.permissions import has_perm
from minqing.core.states import timeline
from minqing.duties import permissions as perms
from minqing.duties import (
    selectors,
    selectors_activities,
    selectors_reception,
    selectors_reports,
)
from minqing.duties.models import (
    Activity,
    Award,
    DutyReport,
    DutySlot,
    Participation,
    UnifiedDay,
    UnifiedPost,
)
from minqing.opinions import uploads
from minqing.opinions.permissions import deputy_of
from minqing.people.models import Deputy, DeputyGroup
from minqing.stations.models import Station

MAX_PHOTOS = 9
MAX_REPORT_FILES = 3

# --- who is asking -----------------------------------------------------------------------


def require_deputy(user) -> Deputy:
    """The caller's deputy, or 403 for a caller who is not one."""
    deputy = deputy_of(user)
    if deputy is None:
        raise PermissionDenied(_("只有人大代表可以查看"))
    return deputy


def today() -> dt.date:
    return timezone.localdate()


def this_year(year: int | None) -> int:
    return year or today().year


def sent(payload) -> dict[str, Any]:
    """The fields a PATCH body sent with a value (null leaves a field as it is)."""
    return {
        k: getattr(payload, k) for k in payload.model_fields_set if getattr(payload, k) is not None
    }


# --- objects the caller sees (404 otherwise) ------------------------------------------------


def activity_get(user, pk: int) -> Activity:
    return selectors.activity_get_visible(user, pk)


def participation_get(user, pk: int) -> Participation:
    """A deputy's row of an activity the caller sees."""
    return selectors_activities.participation_get_visible(user, pk)


def day_get(user, pk: int) -> UnifiedDay:
    return selectors.unified_day_get_visible(user, pk)


def post_of(day: UnifiedDay, pk: int, field: str = "post_id") -> UnifiedPost:
    """A post of ``day`` named in a body: a field error when the day has none such."""
    post = (
        UnifiedPost.objects.select_related("day", "station", "reception_day")
        .filter(day=day, pk=pk)
        .first()
    )
    if post is None:
        raise ValidationError({field: [_("该接待日没有这个接待站点")]})
    return post


def slot_of(user, day: UnifiedDay, pk: int) -> DutySlot:
    """A duty slot of ``day`` (404 when the caller cannot see it or it is another day's)."""
    slot = selectors_reception.slot_get_visible(user, pk)
    if slot.post.day_id != day.pk:
        raise Http404
    return slot


def report_get(user, pk: int) -> DutyReport:
    return selectors.report_get_visible(user, pk)


def awards_visible(user) -> QuerySet[Award]:
    """Awards of the deputies whose duty record the caller reads."""
    return Award.objects.filter(deputy__in=selectors.deputies_visible(user).values("pk"))


def region_visible(user, code: str) -> Region:
    """A region where the caller reads duty work (404 otherwise)."""
    from minqing.core.selectors import region_get_visible

    return region_get_visible(user, code.strip(), perms.VIEW)


# --- ids in a body: a field error when unknown -------------------------------------------


def _missing(field: str, label: str, ids: Iterable[Any]) -> ValidationError:
    shown = "、".join(str(i) for i in sorted(ids)[:5])
    return ValidationError({field: [_("找不到%(what)s：%(ids)s") % {"what": label, "ids": shown}]})


def deputies_by_id(ids: Iterable[int], field: str) -> list[Deputy]:
    """The deputies, in the order given; the action decides whether they may take part."""
    ids = list(dict.fromkeys(ids))
    found = Deputy.objects.select_related("term__congress__region", "region").in_bulk(ids)
    if len(found) != len(ids):
        raise _missing(field, _("代表"), set(ids) - set(found))
    return [found[i] for i in ids]


def deputy_by_id(pk: int, field: str = "deputy_id") -> Deputy:
    return deputies_by_id([pk], field)[0]


def station_by_id(pk: int | None, field: str = "station_id") -> Station | None:
    if pk is None:
        return None
    station = Station.objects.select_related("region").filter(pk=pk).first()
    if station is None:
        raise _missing(field, _("联络站"), [pk])
    return station


def stations_by_id(ids: Iterable[int] | None, field: str = "station_ids") -> list[Station] | None:
    if ids is None:
        return None
    ids = list(dict.fromkeys(ids))
    found = Station.objects.in_bulk(ids)
    if len(found) != len(ids):
        raise _missing(field, _("联络站"), set(ids) - set(found))
    return [found[i] for i in ids]


def group_by_id(pk: int | None, field: str = "group_id") -> DeputyGroup | None:
    if pk is None:
        return None
    group = DeputyGroup.objects.select_related("region").filter(pk=pk).first()
    if group is None:
        raise _missing(field, _("代表小组"), [pk])
    return group


def region_by_code(code: str, field: str = "region_code") -> Region:
    region = Region.objects.filter(code=code.strip()).first() if code.strip() else None
    if region is None:
        raise ValidationError({field: [_("区划代码“%(code)s”不存在") % {"code": code[:24]}]})
    return region


# --- uploads -------------------------------------------------------------------------------


def clean_uploads(photos, reports) -> tuple[list, list]:
    """Verified photos (re-encoded without metadata) and reports (PDF or image), each
    refusal reported under its field."""
    errors: dict[str, list[str]] = {}
    clean_photos: list = []
    clean_reports: list = []
    if photos:
        try:
            clean_photos = uploads.clean_photos(photos, max_count=MAX_PHOTOS)
        except ValidationError as exc:
            errors["photos"] = exc.messages
    if reports:
        try:
            if len(reports) > MAX_REPORT_FILES:
                raise ValidationError(_("最多上传 %(n)s 份报告") % {"n": MAX_REPORT_FILES})
            clean_reports = uploads.clean_attachments(reports)
        except ValidationError as exc:
            errors["reports"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return clean_photos, clean_reports


# --- detail shapes --------------------------------------------------------------------------


def activity_detail(user, pk: int) -> Activity:
    """The activity ``pk`` as it is now, with what the caller may do on it (the page's
    flags) and its timeline (404 outside sight)."""
    activity = activity_get(user, pk)
    flags = selectors.activity_flags(user, activity)
    page = selectors_activities.page_flags(user, activity, flags)
    allowed = [k.removeprefix("can_") for k, v in flags.items() if v]
    allowed += [name for name, v in (("attach", page.can_attach), ("add", page.can_add)) if v]
    activity.api_permissions = allowed
    activity.api_my_participation_id = page.mine.pk if page.mine is not None else None
    activity.api_timeline = selectors_activities.activity_timeline(activity)
    return activity


def day_detail(user, pk: int) -> UnifiedDay:
    day = day_get(user, pk)
    day.api_posts = list(selectors.posts_of(day))
    day.api_permissions = ["manage"] if has_perm(user, perms.MANAGE, day) else []
    return day


def tally_of(day: UnifiedDay) -> dict:
    """The stored final tally of a closed day, the live one otherwise."""
    if day.state == "closed" and day.tally:
        return {**day.tally, "final": True}
    return {**selectors.unified_tally(day).as_dict(), "final": False}


def report_detail(user, pk: int) -> DutyReport:
    """The report ``pk`` with its figures (codes counted, never listed), voided codes,
    the caller's flags and the timeline."""
    report = report_get(user, pk)
    figures = selectors_reports.report_figures(report)
    report.api_figures = figures
    report.api_voided = list(selectors_reports.voided_codes(report))
    flags = selectors_reports.report_flags(user, report)
    report.api_flags = flags
    report.api_timeline = list(
        timeline(report).select_related("actor").order_by("created_at", "id")
    )
    return report


# --- filters ----------------------------------------------------------------------------------


def filter_activities(qs: QuerySet[Activity], f) -> QuerySet[Activity]:
    """The list page's filters (``selectors_activities.filter_activities``) and the API's
    own: organiser, deputy, region."""
    qs = selectors_activities.filter_activities(
        qs, q=f.q, kind=f.kind, state=f.state, date_from=f.date_from, date_to=f.date_to
    )
    if f.organiser_kind:
        qs = qs.filter(organiser_kind=f.organiser_kind)
    if f.station_id is not None:
        qs = qs.filter(station_id=f.station_id)
    if f.group_id is not None:
        qs = qs.filter(group_id=f.group_id)
    if f.deputy_id is not None:
        qs = qs.filter(
            pk__in=Participation.objects.filter(deputy_id=f.deputy_id).values("activity_id")
        )
    if f.region_code.strip():
        qs = qs.filter(region__path__startswith=region_by_code(f.region_code).path)
    return qs


def filter_days(qs: QuerySet[UnifiedDay], f) -> QuerySet[UnifiedDay]:
    if f.region_code.strip():
        qs = qs.filter(region__path__startswith=region_by_code(f.region_code).path)
    if f.date_from is not None:
        qs = qs.filter(date__gte=f.date_from)
    if f.date_to is not None:
        qs = qs.filter(date__lte=f.date_to)
    return qs


def filter_reports(qs: QuerySet[DutyReport], f) -> QuerySet[DutyReport]:
    if f.deputy_id is not None:
        qs = qs.filter(deputy_id=f.deputy_id)
    if f.station_id is not None:
        qs = qs.filter(station_id=f.station_id)
    if f.region_code.strip():
        qs = qs.filter(region__path__startswith=region_by_code(f.region_code).path)
    return qs
