"""The citizen's pages (namespace "citizen", mounted at /o/): raise an opinion from a
station's QR page or the general web form, ask to meet a deputy, follow it with the
tracking code, rate the reply, see one's own photos.

No account: what a visitor may see is kept in their session. Submitting puts the new
opinion in the session's *own* list (the confirmation page reads the code from there,
never from the URL); a successful lookup with the code and the phone's last four
digits puts it in the *verified* list. The track page and the photo view answer only
for opinions in one of the two. Nothing on these pages names a person or shows a
phone number: the timeline is rendered from its verbs, not from staff notes.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from minqing.core import codes, ratelimit
from minqing.core.config import settings_for
from minqing.core.web import apply_errors
from minqing.opinions import actions, selectors, uploads, validation
from minqing.opinions.models import (
    UNIT_STATES,
    Channel,
    FileKind,
    Kind,
    Opinion,
    OpinionFile,
    OpinionState,
)
from minqing.opinions.public_forms import (
    MeetForm,
    OpinionForm,
    RateForm,
    TrackForm,
    WebOpinionForm,
    default_pick,
    mark_invalid,
    region_chain,
    region_for_pick,
    station_deputies,
)
from minqing.stations import selectors as station_selectors
from minqing.stations.models import Station
from minqing.stations.states import StationStatus

SESSION_OWN = "citizen_own"  # [[pk, code, what], …], the newest last
SESSION_VERIFIED = "citizen_verified"  # [pk, …]
# A shared phone (a station's tablet) should not collect an ever longer list.
SESSION_KEEP = 20
NEUTRAL_FAILURE = gettext_lazy("查询码或手机号后四位不正确")
SERVED_TYPES = {"image/jpeg", "image/png", "image/webp", "application/pdf"}
INLINE_TYPES = {"image/jpeg", "image/png", "image/webp"}


# --- the session: what this visitor may see ------------------------------------------


def _own(request: HttpRequest) -> list[list]:
    return list(request.session.get(SESSION_OWN, []))


def _remember_own(request: HttpRequest, opinion: Opinion, what: str) -> None:
    own = [e for e in _own(request) if e[0] != opinion.pk]
    own.append([opinion.pk, opinion.code, what])
    request.session[SESSION_OWN] = own[-SESSION_KEEP:]


def _remember_verified(request: HttpRequest, opinion: Opinion) -> None:
    verified = [pk for pk in request.session.get(SESSION_VERIFIED, []) if pk != opinion.pk]
    verified.append(opinion.pk)
    request.session[SESSION_VERIFIED] = verified[-SESSION_KEEP:]


def _allowed(request: HttpRequest) -> set[int]:
    own = {int(e[0]) for e in _own(request)}
    return own | {int(pk) for pk in request.session.get(SESSION_VERIFIED, [])}


def _session_opinion(request: HttpRequest, raw_code: str) -> Opinion | None:
    """The opinion with ``raw_code`` if this session submitted or verified it."""
    code = codes.normalise(raw_code or "")
    allowed = _allowed(request)
    if not allowed or not codes.is_valid(code):
        return None
    return Opinion.objects.filter(code=code, pk__in=allowed).first()


def _track_view_url(opinion: Opinion) -> str:
    return f"{reverse('citizen:track_view')}?{urlencode({'code': opinion.code})}"


def _track_url(code: str = "") -> str:
    url = reverse("citizen:track")
    return f"{url}?{urlencode({'code': code})}" if code else url


# --- raising an opinion -------------------------------------------------------------


def _client_token(form) -> str:
    """The form's idempotency token: the one it was rendered with, kept across error
    re-renders so a resend after an error still finds the first submission."""
    if form.is_bound:
        try:
            return str(uuid.UUID(str(form.data.get("client_token", ""))))
        except ValueError:
            pass
    return str(uuid.uuid4())


def _actor(request: HttpRequest):
    return request.user if request.user.is_authenticated else None


def _accept(
    request: HttpRequest, form, *, create: Callable[[list], Opinion], what: str
) -> HttpResponse | None:
    """Run one valid submission: replay → rate limit → photos → the action. Returns the
    redirect to the confirmation (or the 429 page), or None to show the form again with
    the errors now on it."""
    token = form.cleaned_data["client_token"]
    twin = Opinion.objects.filter(client_token=token).only("pk", "code").first()
    if twin is not None:
        # A double click, a resend or a retry after a lost response: same opinion.
        _remember_own(request, twin, what)
        return redirect("citizen:done")
    try:
        ratelimit.enforce(request, bucket="submit", phone=form.cleaned_data["citizen_phone"])
    except ratelimit.RateLimited as exc:
        return ratelimit.ratelimited_response(request, exc)
    photos: list = []
    if "photos" in form.fields and form.cleaned_data.get("photos"):
        try:
            photos = uploads.clean_photos(form.cleaned_data["photos"])
        except ValidationError as exc:
            form.add_error("photos", exc)
            return None
    try:
        opinion = create(photos)
    except ValidationError as exc:
        apply_errors(form, exc)
        return None
    _remember_own(request, opinion, what)
    return redirect("citizen:done")


def _render_form(
    request: HttpRequest, template: str, form, status: int = 200, **context
) -> HttpResponse:
    reupload = form.is_bound and not form.is_valid() and getattr(form, "photos_chosen", False)
    mark_invalid(form)
    context.update(
        {
            "form": form,
            "client_token": _client_token(form),
            "reupload_photos": reupload,
            "errors_on_page": form.is_bound and bool(form.errors),
        }
    )
    return render(request, template, context, status=status)


def _accept_opinion(request: HttpRequest, form: OpinionForm, **where) -> HttpResponse | None:
    """``_accept`` for an opinion form: submit it ``where`` it was raised (``station`` or
    ``region``, and the ``channel``)."""
    return _accept(
        request,
        form,
        what="opinion",
        create=lambda photos: actions.opinion_submit(
            actor=_actor(request),
            data=form.intake_data(photos),
            client_token=form.cleaned_data["client_token"],
            **where,
        ),
    )


def _public_station(
    request: HttpRequest, code: str, page: str
) -> tuple[Station, HttpResponse | None]:
    """The public station of ``code`` (404 otherwise), and the redirect of a GET that
    spelled the code another way to ``page`` at its canonical code (None when it did not)."""
    station = station_selectors.station_public_get(code)
    if request.method == "GET" and code != station.code:
        return station, redirect(page, code=station.code)
    return station, None


@require_http_methods(["GET", "POST"])
def station_submit(request: HttpRequest, code: str) -> HttpResponse:
    """Raise an opinion at a station (the page its QR code leads to)."""
    station, canonical = _public_station(request, code, "citizen:station_submit")
    if canonical is not None:
        return canonical
    accepting = station.status == StationStatus.ACTIVE
    categories = validation.categories(station.region)
    if request.method == "POST" and accepting:
        form = OpinionForm(request.POST, request.FILES, categories=categories)
        if form.is_valid():
            response = _accept_opinion(request, form, station=station, channel=Channel.QR)
            if response is not None:
                return response
    else:
        form = OpinionForm(categories=categories)
    return _render_form(
        request,
        "opinions/public/submit.html",
        form,
        station=station,
        accepting=accepting,
    )


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    """The general web form: like a station's, plus where the matter is."""
    if request.method == "POST":
        picked = region_for_pick(request.POST.get("region", ""))
        categories = validation.categories(picked) if picked else _default_categories()
        form = WebOpinionForm(request.POST, request.FILES, categories=categories)
        if form.is_valid():
            region = form.cleaned_data["region"]
            response = _accept_opinion(request, form, region=region, channel=Channel.WEB)
            if response is not None:
                return response
    else:
        picked = region_for_pick(request.GET.get("region", "")) or default_pick()
        categories = validation.categories(picked) if picked else _default_categories()
        form = WebOpinionForm(categories=categories)
    return _render_form(
        request,
        "opinions/public/submit.html",
        form,
        station=None,
        accepting=True,
        picker=region_chain(picked),
    )


def _default_categories() -> list[dict]:
    return settings_for(None)["taxonomy.opinion_categories"]


def regions(request: HttpRequest) -> HttpResponse:
    """The cascading region picker (an htmx fragment): the selects down to the region
    chosen in ``?region=`` and a select of its children."""
    picked = region_for_pick(request.GET.get("region", ""))
    return render(request, "opinions/public/_region_picker.html", {"picker": region_chain(picked)})


@require_http_methods(["GET", "POST"])
def meet(request: HttpRequest, code: str) -> HttpResponse:
    """Ask to meet one of a station's deputies (or any of them)."""
    station, canonical = _public_station(request, code, "citizen:meet")
    if canonical is not None:
        return canonical
    accepting = station.status == StationStatus.ACTIVE
    deputies = station_deputies(station)
    if request.method == "POST" and accepting:
        form = MeetForm(request.POST, deputies=deputies)
        if form.is_valid():
            d = form.cleaned_data
            response = _accept(
                request,
                form,
                what="meeting",
                create=lambda _photos: actions.meeting_request(
                    actor=_actor(request),
                    station=station,
                    deputy=d["deputy"],
                    preferred_time=d.get("preferred_time") or "",
                    client_token=d["client_token"],
                    data={
                        "text": d["text"],
                        # A meeting is asked about a matter of any type; staff classify it.
                        "kind": Kind.CONSULT,
                        "citizen_name": d["citizen_name"],
                        "citizen_phone": d["citizen_phone"],
                        "consent": d["consent"],
                    },
                ),
            )
            if response is not None:
                return response
    else:
        form = MeetForm(deputies=deputies)
    return _render_form(
        request,
        "opinions/public/meet.html",
        form,
        station=station,
        accepting=accepting,
        has_deputies=bool(deputies),
    )


@never_cache
def done(request: HttpRequest) -> HttpResponse:
    """The confirmation with the tracking code of this session's latest submission."""
    own = _own(request)
    if not own:
        return redirect("citizen:track")
    _pk, code, what = own[-1]
    return render(
        request,
        "opinions/public/done.html",
        {"code": code, "code_display": codes.display(code), "what": what},
    )


# --- following it -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    """Look up a tracking code with the phone's last four digits.

    A failure is one message, the same page and status whether the code exists or not;
    lookups are rate-limited per IP and per code.
    """
    if request.method == "POST":
        form = TrackForm(request.POST)
        if form.is_valid():
            code = codes.normalise(form.cleaned_data["code"])
            try:
                ratelimit.enforce(request, bucket="track", code=code)
            except ratelimit.RateLimited as exc:
                return ratelimit.ratelimited_response(request, exc)
            opinion = selectors.track_lookup(code, form.cleaned_data["last4"])
            if opinion is not None:
                # A new session key from here on: an id planted before the lookup (a
                # shared phone, a fixed cookie) does not carry the verified opinion.
                request.session.cycle_key()
                _remember_verified(request, opinion)
                return redirect(_track_view_url(opinion))
            form.add_error(None, str(NEUTRAL_FAILURE))
    else:
        code = codes.normalise(request.GET.get("code", ""))[:30]
        known = _session_opinion(request, code) if code else None
        if known is not None:
            return redirect(_track_view_url(known))
        form = TrackForm(initial={"code": code})
    mark_invalid(form)
    return render(request, "opinions/public/track.html", {"form": form})


@dataclass
class Step:
    """One line of the public timeline."""

    at: dt.datetime
    text: str
    detail: str = ""


def _date(value: dt.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _step(event, view: selectors.PublicView) -> Step | None:
    """The citizen's sentence for a public timeline row, from its verb alone (notes
    are shown only where they are public by design: the unit's name, the new date)."""
    owner = view.opinion if event.object_id == str(view.opinion.pk) else view.followed
    verb, text, detail = event.verb, "", ""
    if verb == "receive":
        if owner is not view.opinion:
            return None  # the master's own receipt says nothing to this citizen
        text = _("已受理")
    elif verb == "forward":
        text = _("已转交%(unit)s办理") % {"unit": event.note or _("承办单位")}
    elif verb == "sign":
        text = _("承办单位已签收")
    elif verb == "contact":
        text = _("承办单位已与您联系")
    elif verb == "extend":
        try:
            text = _("答复期限延长至%(date)s") % {"date": _date(dt.date.fromisoformat(event.note))}
        except ValueError:
            text = _("答复期限已延长")
    elif verb == "reply":
        text = _("已答复")
    elif verb == "rehandle":
        text = _("已重新交办")
    elif verb == "rate":
        text = _("已办结") if event.note == "unrated" else _("已评价，已办结")
    elif verb == "merge":
        text = _("已与同类诉求合并办理")
    elif verb == "decline":
        text = _("不予受理：%(reason)s") % {"reason": owner.get_decline_reason_display()}
        detail = owner.decline_note
    elif verb == "escalate":
        text = _("已提交人大办公室分办")
    elif verb == "answer":
        text = _("代表当场答复")
    elif verb == "to_suggestion":
        text = _("已转为代表建议")
    else:
        return None
    return Step(at=event.created_at, text=text, detail=detail)


def _suggestion_rows(view: selectors.PublicView) -> list:
    """The deputies' suggestions the matter went into (its number and state; the
    result and reply only for a public item)."""
    from minqing.suggestions.selectors_deputy import citizen_rows

    followed = [view.followed] if view.followed is not view.opinion else []
    return citizen_rows(view.opinion, *followed)


def _render_track_view(
    request: HttpRequest, opinion: Opinion, rate_form: RateForm | None = None, status: int = 200
) -> HttpResponse:
    view = selectors.track_view(opinion)
    followed = view.followed
    steps = [s for s in (_step(e, view) for e in view.events) if s is not None]
    deadline = None
    if followed.state in UNIT_STATES and followed.reply_due:
        provisional = bool(followed.assignment_id and followed.assignment.deadline_provisional)
        deadline = {"due": followed.reply_due, "provisional": provisional}
    limit = settings_for(view.opinion.region)["opinion.rehandle_limit"]
    if rate_form is not None:
        mark_invalid(rate_form)
    own_photos = [f for f in view.opinion.files.all() if f.kind == FileKind.PHOTO]
    context = {
        "view": view,
        "opinion": view.opinion,
        "followed": followed,
        "merged": followed is not view.opinion,
        "steps": steps,
        "deadline": deadline,
        "replies": view.replies,
        "meeting": view.meeting,
        "own_photos": own_photos,
        "can_rate": view.can_rate,
        "rate_form": rate_form or RateForm(),
        "rehandle_left": view.opinion.rehandle_count < limit,
        "code_display": codes.display(view.opinion.code),
        "suggestions": _suggestion_rows(view),
    }
    response = render(request, "opinions/public/track_view.html", context, status=status)
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex"
    return response


@never_cache
def track_view(request: HttpRequest) -> HttpResponse:
    """The progress of an opinion this session submitted or verified."""
    raw = request.GET.get("code", "")
    opinion = _session_opinion(request, raw)
    if opinion is None:
        return redirect(_track_url(codes.normalise(raw)[:30]))
    return _render_track_view(request, opinion)


@require_POST
def rate(request: HttpRequest) -> HttpResponse:
    """The citizen rates the latest reply of a verified opinion."""
    opinion = _session_opinion(request, request.POST.get("code", ""))
    if opinion is None:
        return redirect("citizen:track")
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            opinion = actions.opinion_rate(
                actor=None,
                opinion=opinion,
                level=form.cleaned_data["level"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if opinion.state == OpinionState.HANDLING:
                messages.success(request, _("评价已提交，事项已退回承办单位重新办理"))
            else:
                messages.success(request, _("感谢您的评价，事项已办结"))
            return redirect(_track_view_url(opinion))
    return _render_track_view(request, opinion, rate_form=form)


def photo(request: HttpRequest, pk: int) -> HttpResponse:
    """A photo of the visitor's own opinion, or an attachment of a reply they may read
    (including the master's replies when theirs was merged); 404 otherwise."""
    allowed = _allowed(request)
    if not allowed:
        raise Http404
    item = OpinionFile.objects.filter(pk=pk).first()
    if item is None:
        raise Http404
    mine = item.opinion_id in allowed
    followed = (
        item.kind == FileKind.ATTACHMENT
        and item.reply_id is not None
        and Opinion.objects.filter(Q(pk__in=allowed) & Q(master_id=item.opinion_id)).exists()
    )
    if not (mine or followed):
        raise Http404
    try:
        handle = item.file.open("rb")
    except (OSError, ValueError):
        raise Http404 from None
    content_type = item.content_type if item.content_type in SERVED_TYPES else ""
    response = FileResponse(handle, content_type=content_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=content_type not in INLINE_TYPES,
        filename=item.name or f"file-{item.pk}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
