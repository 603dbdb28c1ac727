"""/api/v1/duties/unified-days…, /stations/{id}/…: unified reception days (统一接待日)
— created by the office for the stations of a region, deputies put on duty at posts in
time slots, notified, started, followed on a live tally, closed — and the stations'
reception work: a deputy's check-in and the count of voters received."""

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import paginate

from minqing.core.api_pagination import Pagination
from minqing.duties import actions, selectors, selectors_reception
from minqing.duties.api._common import (
    activity_detail,
    activity_get,
    day_detail,
    day_get,
    deputies_by_id,
    deputy_by_id,
    filter_days,
    post_of,
    region_by_code,
    sent,
    slot_of,
    stations_by_id,
    tally_of,
    today,
)
from minqing.duties.schemas.inputs import (
    CheckInIn,
    NoteIn,
    SlotAssignIn,
    UnifiedDayCreateIn,
    UnifiedDayFilter,
    UnifiedDayUpdateIn,
    VisitorsIn,
)
from minqing.duties.schemas.outputs import (
    ActivityDetailOut,
    NotifiedOut,
    ParticipationOut,
    StationReceptionOut,
    TallyOut,
    UnifiedDayDetailOut,
    UnifiedDayListOut,
)

router = Router(tags=["duties-reception"])


# --- unified reception days -----------------------------------------------------------------


@router.get("/unified-days", response=list[UnifiedDayListOut])
@paginate(Pagination)
def list_days(request: HttpRequest, filters: Query[UnifiedDayFilter]):
    """Unified reception days of the caller's region (``duties.view``), newest first,
    each with its numbers of stations, deputies on duty and deputies checked in."""
    qs = selectors_reception.unified_day_rows(request.user, state=filters.state, q=filters.q)
    return filter_days(qs, filters)


@router.post("/unified-days", response={201: UnifiedDayDetailOut})
def create_day(request: HttpRequest, payload: UnifiedDayCreateIn):
    """The office sets a unified reception day for every active in-person station of
    ``region_code`` (or the ``station_ids`` listed): each gets a post and a reception day
    on its public schedule. **201** with the day and its posts."""
    day = actions.unified_day_create(
        actor=request.user,
        region=region_by_code(payload.region_code),
        data=payload.model_dump(include={"title", "date", "start_time", "end_time", "note"}),
        stations=stations_by_id(payload.station_ids),
    )
    return Status(201, day_detail(request.user, day.pk))


@router.get("/unified-days/{int:day_id}", response=UnifiedDayDetailOut)
def get_day(request: HttpRequest, day_id: int):
    """One day with its posts (stations) and each post's deputies on duty, their time
    slots and whether they checked in."""
    return day_detail(request.user, day_id)


@router.patch("/unified-days/{int:day_id}", response=UnifiedDayDetailOut)
def update_day(request: HttpRequest, day_id: int, payload: UnifiedDayUpdateIn):
    """Change the title, date, hours or note while the day is being planned (the office);
    only the fields sent change."""
    day = day_get(request.user, day_id)
    data = {
        "title": day.title,
        "date": day.date,
        "start_time": day.start_time,
        "end_time": day.end_time,
        "note": day.note,
    }
    data.update(sent(payload))
    actions.unified_day_update(actor=request.user, day=day, data=data)
    return day_detail(request.user, day_id)


@router.post("/unified-days/{int:day_id}/slots", response=UnifiedDayDetailOut)
def assign_slots(request: HttpRequest, day_id: int, payload: SlotAssignIn):
    """Put deputies on duty at a post for a time slot (the whole day by default); a
    deputy serves at one station per day."""
    day = day_get(request.user, day_id)
    actions.duty_slot_assign(
        actor=request.user,
        post=post_of(day, payload.post_id),
        deputies=deputies_by_id(payload.deputy_ids, "deputy_ids"),
        start_time=payload.start_time,
        end_time=payload.end_time,
    )
    return day_detail(request.user, day_id)


@router.delete("/unified-days/{int:day_id}/slots/{int:slot_id}", response=UnifiedDayDetailOut)
def remove_slot(request: HttpRequest, day_id: int, slot_id: int):
    """Take a deputy off duty before they checked in; a notified deputy is told."""
    day = day_get(request.user, day_id)
    actions.duty_slot_remove(actor=request.user, slot=slot_of(request.user, day, slot_id))
    return day_detail(request.user, day_id)


@router.post("/unified-days/{int:day_id}/notify", response=NotifiedOut)
def notify(request: HttpRequest, day_id: int):
    """Send each assigned deputy not yet told their station, address and time slot;
    422 when there is no one new to tell."""
    day = day_get(request.user, day_id)
    count = actions.unified_day_notify(actor=request.user, day=day)
    return {"notified": count, "day": day_detail(request.user, day_id)}


@router.post("/unified-days/{int:day_id}/start", response=UnifiedDayDetailOut)
def start(request: HttpRequest, day_id: int):
    """Open the day (筹备中 → 接待中) on its date; the first check-in does it too."""
    day = day_get(request.user, day_id)
    actions.unified_day_start(actor=request.user, day=day)
    return day_detail(request.user, day_id)


@router.post("/unified-days/{int:day_id}/close", response=UnifiedDayDetailOut)
def close(request: HttpRequest, day_id: int):
    """End the day (接待中 → 已结束): deputies who never checked in are marked absent and
    the final tally is stored (``final_tally``)."""
    day = day_get(request.user, day_id)
    actions.unified_day_close(actor=request.user, day=day)
    return day_detail(request.user, day_id)


@router.post("/unified-days/{int:day_id}/cancel", response=UnifiedDayDetailOut)
def cancel(request: HttpRequest, day_id: int, payload: NoteIn):
    """Call off a planned day with a reason; the stations' reception days are cancelled
    and notified deputies told."""
    day = day_get(request.user, day_id)
    actions.unified_day_cancel(actor=request.user, day=day, note=payload.note)
    return day_detail(request.user, day_id)


@router.get("/unified-days/{int:day_id}/tally", response=TallyOut)
def tally(request: HttpRequest, day_id: int):
    """The live tally (deputies present, voters received, items taken, answered on the
    spot), for the day and per station; once closed, the stored final figures."""
    return tally_of(day_get(request.user, day_id))


# --- a station's reception --------------------------------------------------------------------


@router.get("/stations/{int:station_id}/reception", response=StationReceptionOut)
def station_today(request: HttpRequest, station_id: int):
    """Today's reception at a station: its reception activities with who checked in,
    the deputies on duty, items taken, answered on the spot and voters received. For
    the station's staff, the office, and deputies who sit or are on duty there."""
    station = selectors_reception.station_reception_get(request.user, station_id)
    base = selectors.station_reception_today(request.user, station)
    page = selectors_reception.station_day(request.user, station, base)
    return {
        "station": station,
        "date": today(),
        "day_id": page.day.pk if page.day is not None else None,
        "activities": page.activities,
        "slots": page.slots,
        "deputies": page.rows,
        "items": page.items,
        "answered": page.answered,
        "voters": page.voters,
        "extra_visitors": page.extra,
        "can_record": page.can_record,
    }


@router.post("/stations/{int:station_id}/check-in", response=ParticipationOut)
def check_in(request: HttpRequest, station_id: int, payload: CheckInIn):
    """A deputy checks in for today's reception at the station (no ``deputy_id``), or the
    station's staff check a deputy in (``deputy_id``). The deputy must be on duty there
    today or sit at the station; twice is refused (422)."""
    station = selectors_reception.station_reception_get(request.user, station_id)
    deputy = deputy_by_id(payload.deputy_id) if payload.deputy_id is not None else None
    return actions.reception_check_in(actor=request.user, station=station, deputy=deputy)


@router.post("/activities/{int:activity_id}/visitors", response=ActivityDetailOut)
def add_visitors(request: HttpRequest, activity_id: int, payload: VisitorsIn):
    """Count voters received whose matters were not registered as opinions (negative to
    correct): the station's staff or a deputy checked in there, on the day."""
    activity = activity_get(request.user, activity_id)
    actions.reception_visitors_add(actor=request.user, activity=activity, count=payload.count)
    return activity_detail(request.user, activity_id)
