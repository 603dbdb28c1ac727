"""/api/v1/duties/activities…, /participations… and /mine/…: the activities ledger.

Organisers (the office, a station's staff, a group leader) record activities and
meetings' attendance; each deputy confirms or disputes what was recorded for them; a
deputy reports their own activity for approval. Outside the caller's sight 404; in
sight but not theirs to act on 403; a step the state table refuses 409; a bad field 422.
"""

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from minqing.core.api_pagination import Pagination
from minqing.duties import actions, selectors, selectors_activities
from minqing.duties.api._common import (
    activity_detail,
    activity_get,
    clean_uploads,
    deputies_by_id,
    filter_activities,
    group_by_id,
    participation_get,
    region_by_code,
    require_deputy,
    station_by_id,
)
from minqing.duties.models import Attendance
from minqing.duties.schemas.inputs import (
    ActivityFilter,
    ActivityRecordIn,
    ActivityReportIn,
    ActivityUpdateIn,
    AddDeputiesIn,
    AttendanceIn,
    NoteIn,
    ParticipationFilter,
    ReasonIn,
)
from minqing.duties.schemas.outputs import (
    ActivityDetailOut,
    ActivityListOut,
    MyParticipationOut,
    MySlotOut,
    ParticipationOut,
)
from minqing.opinions.api._common import JsonOrForm, both_bodies

router = Router(tags=["duties-activities"])

_RECORD_EXAMPLE = {
    "kind": "inspection",
    "title": "视察老旧小区加装电梯工作",
    "date": "2026-05-08",
    "place": "望江社区",
    "summary": "实地察看三个小区加装电梯进展，听取住户意见。",
    "deputy_ids": [12, 15, 21],
    "leave_ids": [21],
    "absent_ids": [],
    "region_code": "990102",
}
_REPORT_EXAMPLE = {
    "kind": "mediation",
    "title": "调解邻里漏水纠纷",
    "date": "2026-05-08",
    "place": "望江社区",
    "summary": "协调楼上楼下住户，物业当场维修。",
    "station_id": 3,
    "codeputy_ids": [],
}


# --- reading ----------------------------------------------------------------------------------


@router.get("/activities", response=list[ActivityListOut])
@paginate(Pagination)
def list_activities(request: HttpRequest, filters: Query[ActivityFilter]):
    """Activities the caller may read (the office and leaders of their region, station
    staff their station's, a deputy their own and those they took part in, a group
    leader the group's), newest first; empty for one who reads none. ``inbox=approvals``:
    deputies' own reports waiting for the caller's approval, oldest first."""
    if filters.inbox == "approvals":
        qs = selectors.approvals_waiting(request.user)
    else:
        qs = selectors_activities.activity_rows(request.user)
    return filter_activities(qs, filters)


@router.get("/activities/{int:activity_id}", response=ActivityDetailOut)
def get_activity(request: HttpRequest, activity_id: int):
    """One activity with its deputies (attendance, confirmation, disputes), its files
    and its timeline; ``permissions`` says what the caller may do with it."""
    return activity_detail(request.user, activity_id)


@router.get("/activities/{int:activity_id}/files/{int:file_id}", response={200: None})
def download_file(request: HttpRequest, activity_id: int, file_id: int):
    """A photo or report of an activity the caller sees (404 otherwise). Always a
    download, never rendered inline."""
    f = selectors_activities.activity_file_get_visible(request.user, activity_id, file_id)
    try:
        handle = f.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle, content_type=f.content_type, as_attachment=True, filename=f.name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    patch_cache_control(response, private=True, max_age=3600)
    return response


@router.get("/mine/participations", response=list[MyParticipationOut])
@paginate(Pagination)
def my_participations(request: HttpRequest, filters: Query[ParticipationFilter]):
    """The caller's own activities (not removed, not cancelled), newest first;
    ``state=pending`` lists those to confirm or dispute. 403 for a caller who is not a
    deputy."""
    deputy = require_deputy(request.user)
    qs = selectors.my_participations(deputy).select_related(
        "deputy", "activity__region", "activity__reported_by"
    )
    if filters.state:
        qs = qs.filter(state=filters.state)
    return qs


@router.get("/mine/slots", response=list[MySlotOut])
@paginate(Pagination)
def my_slots(request: HttpRequest):
    """The caller's duty slots on unified reception days, from today on (403 for a
    caller who is not a deputy)."""
    deputy = require_deputy(request.user)
    return selectors.my_duty_slots(deputy).select_related("deputy", "post__day__region")


# --- recording --------------------------------------------------------------------------------


def _attendance(payload: ActivityRecordIn) -> dict[int, str]:
    listed = set(payload.deputy_ids)
    errors = {}
    for field, ids in (("leave_ids", payload.leave_ids), ("absent_ids", payload.absent_ids)):
        if set(ids) - listed:
            errors[field] = [_("请假或缺席的代表须在参加代表名单中")]
    if set(payload.leave_ids) & set(payload.absent_ids):
        errors["absent_ids"] = [_("同一名代表不能既请假又缺席")]
    if errors:
        raise ValidationError(errors)
    return {
        **{pk: Attendance.LEAVE for pk in payload.leave_ids},
        **{pk: Attendance.ABSENT for pk in payload.absent_ids},
    }


@router.post(
    "/activities",
    response={201: ActivityDetailOut},
    openapi_extra=both_bodies(ActivityRecordIn, _RECORD_EXAMPLE),
)
def record_activity(
    request: HttpRequest,
    payload: JsonOrForm[ActivityRecordIn],
    photos: File[list[UploadedFile]] = None,
    reports: File[list[UploadedFile]] = None,
):
    """An organiser records an activity, or a meeting's attendance (``kind=meeting`` with
    ``meeting_type``): the office of ``region_code``, the staff of ``station_id`` or the
    leader of ``group_id``. It is recorded at once; each deputy confirms it. JSON, or
    ``multipart/form-data`` with the same fields plus up to 9 ``photos`` (JPEG/PNG/WebP,
    re-encoded without metadata) and up to 3 ``reports`` (PDF). **201**."""
    station = station_by_id(payload.station_id)
    group = group_by_id(payload.group_id)
    region = None
    if station is None and group is None:
        if not payload.region_code.strip():
            raise ValidationError({"region_code": [_("请填写区划代码，或选择联络站、代表小组")]})
        region = region_by_code(payload.region_code)
    attendance = _attendance(payload)
    deputies = deputies_by_id(payload.deputy_ids, "deputy_ids")
    clean_photos, clean_reports = clean_uploads(photos, reports)
    activity = actions.activity_record(
        actor=request.user,
        kind=payload.kind,
        data=payload.data(),
        deputies=deputies,
        attendance=attendance,
        station=station,
        group=group,
        region=region,
        photos=clean_photos,
        reports=clean_reports,
    )
    return Status(201, activity_detail(request.user, activity.pk))


@router.post(
    "/activities/report",
    response={201: ActivityDetailOut},
    openapi_extra=both_bodies(ActivityReportIn, _REPORT_EXAMPLE),
)
def report_activity(
    request: HttpRequest,
    payload: JsonOrForm[ActivityReportIn],
    photos: File[list[UploadedFile]] = None,
    reports: File[list[UploadedFile]] = None,
):
    """A deputy records their own activity for approval (待审核): by the staff of
    ``station_id``, the leader of ``group_id`` or the office of the deputy's region.
    ``codeputy_ids`` each confirm. Meetings are recorded by the office. JSON or
    multipart with ``photos`` and ``reports`` as for ``POST /activities``. **201**."""
    station = station_by_id(payload.station_id)
    group = group_by_id(payload.group_id)
    codeputies = deputies_by_id(payload.codeputy_ids, "codeputy_ids")
    clean_photos, clean_reports = clean_uploads(photos, reports)
    activity = actions.activity_report(
        actor=request.user,
        kind=payload.kind,
        data=payload.data(),
        station=station,
        group=group,
        codeputies=codeputies,
        photos=clean_photos,
        reports=clean_reports,
    )
    return Status(201, activity_detail(request.user, activity.pk))


@router.patch("/activities/{int:activity_id}", response=ActivityDetailOut)
def update_activity(request: HttpRequest, activity_id: int, payload: ActivityUpdateIn):
    """Correct an activity (the organiser while recorded or pending; the reporting deputy
    while pending or rejected): only the fields sent change."""
    activity = activity_get(request.user, activity_id)
    data = {
        "title": activity.title,
        "date": activity.date,
        "end_date": activity.end_date,
        "place": activity.place,
        "summary": activity.summary,
        "meeting_type": activity.meeting_type,
    }
    for key in payload.model_fields_set:
        value = getattr(payload, key)
        if value is not None or key == "end_date":
            data[key] = value
    actions.activity_update(actor=request.user, activity=activity, data=data)
    return activity_detail(request.user, activity_id)


@router.post("/activities/{int:activity_id}/files", response=ActivityDetailOut)
def attach_files(
    request: HttpRequest,
    activity_id: int,
    photos: File[list[UploadedFile]] = None,
    reports: File[list[UploadedFile]] = None,
):
    """Add ``photos`` or ``reports`` (multipart) to an activity: its organiser, or the
    reporting deputy. At most 9 photos per activity."""
    activity = activity_get(request.user, activity_id)
    clean_photos, clean_reports = clean_uploads(photos, reports)
    actions.activity_attach(
        actor=request.user, activity=activity, photos=clean_photos, reports=clean_reports
    )
    return activity_detail(request.user, activity_id)


# --- review ----------------------------------------------------------------------------------


@router.post("/activities/{int:activity_id}/approve", response=ActivityDetailOut)
def approve(request: HttpRequest, activity_id: int, payload: NoteIn):
    """Approve a deputy's own report (待审核 → 已登记): the station staff, group leader
    or office where it was reported; never the reporter. 409 unless pending."""
    activity = activity_get(request.user, activity_id)
    actions.activity_approve(actor=request.user, activity=activity, note=payload.note)
    return activity_detail(request.user, activity_id)


@router.post("/activities/{int:activity_id}/reject", response=ActivityDetailOut)
def reject(request: HttpRequest, activity_id: int, payload: NoteIn):
    """Send a deputy's report back with a reason (at least 5 characters) they read."""
    activity = activity_get(request.user, activity_id)
    actions.activity_reject(actor=request.user, activity=activity, note=payload.note)
    return activity_detail(request.user, activity_id)


@router.post("/activities/{int:activity_id}/resubmit", response=ActivityDetailOut)
def resubmit(request: HttpRequest, activity_id: int):
    """The reporting deputy sends a rejected report again (→ 待审核)."""
    activity = activity_get(request.user, activity_id)
    actions.activity_resubmit(actor=request.user, activity=activity)
    return activity_detail(request.user, activity_id)


@router.post("/activities/{int:activity_id}/cancel", response=ActivityDetailOut)
def cancel(request: HttpRequest, activity_id: int, payload: NoteIn):
    """Void an activity recorded in error (the organiser; the reporter while pending),
    with a reason: it leaves every ledger and the points."""
    activity = activity_get(request.user, activity_id)
    actions.activity_cancel(actor=request.user, activity=activity, note=payload.note)
    return activity_detail(request.user, activity_id)


@router.post("/activities/{int:activity_id}/deputies", response=ActivityDetailOut)
def add_deputies(request: HttpRequest, activity_id: int, payload: AddDeputiesIn):
    """The organiser adds deputies to a recorded activity; each confirms."""
    activity = activity_get(request.user, activity_id)
    actions.activity_add_deputies(
        actor=request.user,
        activity=activity,
        deputies=deputies_by_id(payload.deputy_ids, "deputy_ids"),
        attendance=payload.attendance,
    )
    return activity_detail(request.user, activity_id)


# --- participations -------------------------------------------------------------------------


@router.post("/participations/{int:participation_id}/confirm", response=ParticipationOut)
def confirm(request: HttpRequest, participation_id: int):
    """The deputy confirms what was recorded for them (待确认 or 有异议 → 已确认)."""
    part = participation_get(request.user, participation_id)
    return actions.participation_confirm(actor=request.user, participation=part)


@router.post("/participations/{int:participation_id}/dispute", response=ParticipationOut)
def dispute(request: HttpRequest, participation_id: int, payload: ReasonIn):
    """The deputy disputes the record with a reason the organiser reads."""
    part = participation_get(request.user, participation_id)
    return actions.participation_dispute(
        actor=request.user, participation=part, reason=payload.reason
    )


@router.post("/participations/{int:participation_id}/remove", response=ParticipationOut)
def remove(request: HttpRequest, participation_id: int, payload: NoteIn):
    """The organiser takes a deputy off the activity (accepting a dispute)."""
    part = participation_get(request.user, participation_id)
    return actions.participation_remove(actor=request.user, participation=part, note=payload.note)


@router.post("/participations/{int:participation_id}/uphold", response=ParticipationOut)
def uphold(request: HttpRequest, participation_id: int, payload: NoteIn):
    """The organiser keeps the record against a dispute, explaining why (at least 5
    characters); the deputy may then confirm."""
    part = participation_get(request.user, participation_id)
    return actions.participation_uphold(actor=request.user, participation=part, note=payload.note)


@router.post("/participations/{int:participation_id}/attendance", response=ParticipationOut)
def set_attendance(request: HttpRequest, participation_id: int, payload: AttendanceIn):
    """The organiser corrects a deputy's attendance (出席/请假/缺席); a confirmed record
    goes back to the deputy to confirm."""
    part = participation_get(request.user, participation_id)
    return actions.participation_set_attendance(
        actor=request.user, participation=part, attendance=payload.attendance
    )
