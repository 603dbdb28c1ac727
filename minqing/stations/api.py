"""/api/v1/stations/: the same selectors and actions as the staff pages."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from minqing.core.api_pagination import Pagination
from minqing.core.permissions import has_perm
from minqing.stations import actions, qr, selectors
from minqing.stations.schemas import (
    PublicStationOut,
    StationFilter,
    StationIn,
    StationListOut,
    StationOut,
    TransitionIn,
)
from minqing.stations.states import StationStatus

router = Router(tags=["stations"])


@router.get("/", response=list[StationListOut])
@paginate(Pagination)
def list_stations(request: HttpRequest, filters: Query[StationFilter]):
    """Stations the caller may view; `q` matches name, address or code."""
    if not has_perm(request.user, selectors.VIEW):
        raise PermissionDenied(_("您没有查看联络站的权限"))
    return selectors.station_list_visible(
        request.user,
        q=filters.q,
        kind=filters.kind,
        status=filters.status,
        region=filters.region,
    )


@router.post("/", response={201: StationOut})
def create_station(request: HttpRequest, payload: StationIn):
    """Create a station (status 筹建中) in a region the caller manages."""
    region = selectors.region_by_code(payload.region)
    if region is None:
        raise ValidationError({"region": [_("区域不存在。")]})
    station = actions.station_create(
        actor=request.user, region=region, **payload.dict(exclude={"region"})
    )
    return Status(201, station)


@router.get("/public/{code}", response=PublicStationOut, auth=None)
def public_station(request: HttpRequest, code: str):
    """What the QR page shows, for anyone: active and suspended stations only; deputies'
    public fields and the next receptions, never contact data."""
    station = selectors.station_public_get(code)
    suspended = station.status == StationStatus.SUSPENDED
    receptions = (
        [] if suspended else selectors.station_next_receptions(station, today=timezone.localdate())
    )
    return {
        "code": station.code,
        "name": station.name,
        "kind": station.kind,
        "kind_label": str(station.get_kind_display()),
        "region_name": station.region.name,
        "address": station.address,
        "opening_hours": station.opening_hours,
        "phone": station.phone,
        "status": station.status,
        "status_label": str(station.get_status_display()),
        "url": qr.public_url(station, request),
        "deputies": [d.__dict__ for d in selectors.station_public_deputies(station)],
        "next_receptions": [r.__dict__ for r in receptions],
    }


@router.get("/{int:station_id}", response=StationOut)
def get_station(request: HttpRequest, station_id: int):
    """One station the caller may view (404 otherwise)."""
    return selectors.station_get_visible(request.user, station_id)


@router.post("/{int:station_id}/transition", response=StationOut)
def transition_station(request: HttpRequest, station_id: int, payload: TransitionIn):
    """Move a station along its lifecycle; 409 for an edge the state table refuses."""
    station = selectors.station_get_visible(request.user, station_id)
    if payload.to not in StationStatus.values:
        raise ValidationError({"to": [_("无效的状态。")]})
    return actions.station_transition(
        actor=request.user, station=station, to=payload.to, note=payload.note
    )


@router.get("/{int:station_id}/qr.svg")
def station_qr_svg(request: HttpRequest, station_id: int):
    """The station's QR code as an SVG document."""
    station = selectors.station_get_visible(request.user, station_id)
    response = HttpResponse(
        qr.svg_bytes(qr.public_url(station, request)), content_type="image/svg+xml"
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response
