"""Reports to voters and the voters' representatives' evaluation (述职评议).

Staff pages (namespace ``duties``, login required):

- ``report_list``: the meetings the reader may see (staff by region or station; a
  deputy their own), filtered and paginated.
- ``report_create`` / ``report_edit``: schedule a deputy's report (the office, or a
  station's staff at their station); edit it while scheduled.
- ``report_detail``: the meeting, the report text, and the steps of the evaluation:
  issue codes (the response is the PDF of slips, the only time the codes are shown),
  void a code, open voting, enter paper ballots, close, cancel; the live figures.
- ``report_screen``: the big screen at the meeting. While voting it shows only how
  many ballots are in (never the running split, which could sway the vote), refreshed
  every 5 s; after closing, the result.

Public page (namespace ``duties_public``, no login): ``vote`` — a voters' representative
enters the code of their slip (filled in from the QR), sees whose report it is only once
the code is good, and rates it. Every refusal is the same neutral message and status;
requests are rate-limited per IP. Nothing here links a ballot to a person.

Thin: parse with ``forms_reports``, read with ``selectors``/``selectors_reports``, run
one action from ``actions.reports``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from minqing.core import ratelimit
from minqing.core.i18n import join_errors
from minqing.core.pagination import paginate
from minqing.core.states import InvalidTransition
from minqing.core.web import apply_errors, form_errors_text, run_action, submit_form
from minqing.duties import actions, ballot_slips, selectors
from minqing.duties import selectors_reports as reads
from minqing.duties.forms_reports import (
    CancelForm,
    IssueCodesForm,
    PaperBallotsForm,
    ReportCreateForm,
    ReportEditForm,
    ReportFilterForm,
    ReportTextForm,
    VoidCodeForm,
    VoteForm,
)
from minqing.duties.models import DutyReport, ReportState

# Pages that carry plain codes or unpublished results: never in a shared cache.
private = cache_control(private=True, no_store=True)
SCREEN_REFRESH_SECONDS = 5
NEUTRAL_REFUSAL = gettext_lazy("测评码无效、已使用或测评未开始，请核对后重试或联系工作人员")


def _detail_url(report: DutyReport) -> str:
    return reverse("duties:report_detail", args=[report.pk])


# ---- list and scheduling ---------------------------------------------------------------


@login_required
@require_GET
def report_list(request: HttpRequest) -> HttpResponse:
    """Meetings of reports to voters the reader may see: staff of a region or station
    (``duties.view``), or a deputy (their own). Filters: ``q``, ``when``, ``state``,
    ``year``."""
    user = request.user
    if not reads.can_list(user):
        raise PermissionDenied(_("您没有查看述职评议的权限"))
    years = reads.years_of(selectors.reports_visible(user))
    form = ReportFilterForm(request.GET or None, years=years)
    qs = reads.reports_filtered(user, **form.filters())
    page_obj, querystring = paginate(request, qs)
    return render(
        request,
        "duties/reports/list.html",
        {
            "form": form,
            "page_obj": page_obj,
            "querystring_without_page": querystring,
            "can_create": reads.can_schedule(user),
            "today": timezone.localdate(),
        },
    )


def _require_scheduler(user) -> None:
    if not reads.can_schedule(user):
        raise PermissionDenied(_("只有人大常委会或联络站工作人员可以安排述职"))


@login_required
@require_http_methods(["GET", "POST"])
def report_create(request: HttpRequest) -> HttpResponse:
    """Schedule a deputy's report to voters: the deputy from the picker, optionally at a
    station the user runs (station staff must choose theirs)."""
    user = request.user
    _require_scheduler(user)
    form = ReportCreateForm(request.POST or None, user=user)
    done = submit_form(
        request,
        form,
        lambda: actions.report_schedule(
            actor=user,
            deputy=form.cleaned_data["deputy"],
            station=form.cleaned_data["station"],
            data=form.meeting_data(),
        ),
        success=_("述职会议已安排，已通知代表。"),
        next_url=_detail_url,
    )
    if done:
        return done
    return render(
        request,
        "duties/reports/form.html",
        {"form": form, "picked": form.picked if form.is_bound else None, "report": None},
    )


@login_required
@require_GET
def report_deputy_picker(request: HttpRequest) -> HttpResponse:
    """Search the deputies the user may schedule (an htmx fragment of radio buttons),
    keeping the one already chosen (``deputy``) first."""
    user = request.user
    _require_scheduler(user)
    text = request.GET.get("deputy_q", "")
    chosen_pk = request.GET.get("deputy", "")
    chosen = (
        reads.schedulable_deputies(user).filter(pk=int(chosen_pk)).first()
        if chosen_pk.isdigit()
        else None
    )
    found = [d for d in reads.search_deputies(user, text) if chosen is None or d.pk != chosen.pk]
    return render(
        request,
        "duties/reports/_deputy_picker.html",
        {
            "chosen": chosen,
            "found": found,
            "text": text.strip(),
            "limit": reads.PICKER_LIMIT,
            "full": len(found) >= reads.PICKER_LIMIT,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change the meeting's details while it is scheduled (those who run it)."""
    user = request.user
    report = selectors.report_get_visible(user, pk)
    if not reads.report_flags(user, report)["run"]:
        raise PermissionDenied(_("只有组织述职会议的工作人员可以修改会议安排"))
    if report.state != ReportState.SCHEDULED:
        messages.error(request, _("述职已进行，不能修改会议安排"))
        return redirect(_detail_url(report))
    initial = {
        k: getattr(report, k) for k in ("title", "date", "start_time", "place", "voter_count")
    }
    form = ReportEditForm(request.POST or None, initial=initial)
    done = submit_form(
        request,
        form,
        lambda: actions.report_update(actor=user, report=report, data=form.meeting_data()),
        success=_("会议安排已修改。"),
        next_url=_detail_url(report),
    )
    if done:
        return done
    return render(request, "duties/reports/form.html", {"form": form, "report": report})


# ---- one report ----------------------------------------------------------------------------


def _detail_context(request: HttpRequest, report: DutyReport, **bound: forms.Form) -> dict:
    flags = reads.report_flags(request.user, report)
    closed = report.state == ReportState.CLOSED
    context: dict[str, Any] = {
        "report": report,
        "can": flags,
        "figures": reads.report_figures(report),
        "result": reads.report_result(report) if closed else None,
        "voided": list(reads.voided_codes(report)) if flags["run"] else [],
        "vote_url": ballot_slips.vote_url(request),
        "record_form": ReportTextForm(initial={"report_text": report.report_text}),
        "issue_form": IssueCodesForm(),
        "void_form": VoidCodeForm(),
        "paper_form": PaperBallotsForm(),
        "cancel_form": CancelForm(),
    }
    context.update(bound)
    return context


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One meeting: details, the report, the evaluation's steps and figures."""
    report = selectors.report_get_visible(request.user, pk)
    return render(request, "duties/reports/detail.html", _detail_context(request, report))


def _act(
    request: HttpRequest,
    pk: int,
    call: Callable[[DutyReport], Any],
    *,
    success: str,
    form: forms.Form | None = None,
) -> HttpResponse:
    """Run one action on a visible report (404 otherwise) and come back to its page
    with a flash message; a step the state table refuses is a message too."""
    report = selectors.report_get_visible(request.user, pk)
    try:
        return run_action(
            request, lambda: call(report), success=success, next_url=_detail_url(report), form=form
        )
    except InvalidTransition as exc:
        messages.error(request, str(exc))
        return redirect(_detail_url(report))


@login_required
@require_POST
def report_record(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the report given (staff who run the meeting, or the deputy); a refused
    text comes back on the form, not lost."""
    user = request.user
    report = selectors.report_get_visible(user, pk)
    form = ReportTextForm(request.POST)
    try:
        done = submit_form(
            request,
            form,
            lambda: actions.report_record(
                actor=user, report=report, report_text=form.cleaned_data["report_text"]
            ),
            success=_("述职报告已记录。"),
            next_url=_detail_url(report),
        )
    except InvalidTransition as exc:
        messages.error(request, str(exc))
        return redirect(_detail_url(report))
    if done:
        return done
    return render(
        request, "duties/reports/detail.html", _detail_context(request, report, record_form=form)
    )


def _slips_response(pdf: bytes, report: DutyReport, first: int, last: int) -> HttpResponse:
    response = HttpResponse(pdf, content_type=ballot_slips.PDF)
    name = _("测评码_%(title)s_%(a)s-%(b)s.pdf") % {"title": report.title, "a": first, "b": last}
    # A download, not a page: reloading it must not post the form again.
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


@login_required
@require_POST
@private
def report_codes(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue ``count`` single-use codes: the response is the PDF of their slips, the only
    time the plain codes exist outside the voters' hands. A refusal (too many for the
    seats left, wrong state) comes back to the page."""
    user = request.user
    report = selectors.report_get_visible(user, pk)
    form = IssueCodesForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return redirect(_detail_url(report))
    try:
        issued = actions.ballot_codes_issue(
            actor=user, report=report, count=form.cleaned_data["count"]
        )
    except ValidationError as exc:
        messages.error(request, join_errors(exc))
        return redirect(_detail_url(report))
    pdf = ballot_slips.render_slips(
        report, issued, request=request, printed_on=timezone.localdate()
    )
    return _slips_response(pdf, report, issued[0][0], issued[-1][0])


@login_required
@require_POST
def report_code_void(request: HttpRequest, pk: int) -> HttpResponse:
    """Void an unused code by the serial on its slip, with the reason."""
    form = VoidCodeForm(request.POST)

    def call(report: DutyReport):
        d = form.cleaned_data
        return actions.ballot_code_void(
            actor=request.user, report=report, serial=d["serial"], reason=d["reason"]
        )

    return _act(
        request,
        pk,
        call,
        form=form,
        success=_("测评码已作废，可为该选民代表重新发放测评码或纸质票。"),
    )


@login_required
@require_POST
def report_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Open the evaluation (reported → voting)."""
    return _act(
        request,
        pk,
        lambda r: actions.voting_open(actor=request.user, report=r),
        success=_("测评已开始，选民代表现在可以用测评码投票。"),
    )


@login_required
@require_POST
def report_paper(request: HttpRequest, pk: int) -> HttpResponse:
    """Enter a pile of paper ballots by counts (废票 for blank or spoiled ones)."""
    form = PaperBallotsForm(request.POST)
    return _act(
        request,
        pk,
        lambda r: actions.ballot_enter_paper(actor=request.user, report=r, counts=form.counts()),
        form=form,
        success=_("纸质票已录入。"),
    )


@login_required
@require_POST
def report_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close the evaluation: unused codes are voided and the verdict is stored."""
    return _act(
        request,
        pk,
        lambda r: actions.voting_close(actor=request.user, report=r),
        success=_("测评已结束，结果已保存。"),
    )


@login_required
@require_POST
def report_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Call the meeting off before voting opens."""
    form = CancelForm(request.POST)
    return _act(
        request,
        pk,
        lambda r: actions.report_cancel(
            actor=request.user, report=r, note=form.cleaned_data["note"]
        ),
        form=form,
        success=_("述职会议已取消。"),
    )


# ---- the big screen --------------------------------------------------------------------------


def _screen_context(report: DutyReport) -> dict[str, Any]:
    closed = report.state == ReportState.CLOSED
    return {
        "report": report,
        "closed": closed,
        # Polled until the result is in, so the screen turns by itself when voting opens
        # and when it closes.
        "live": report.state in reads.OPEN_STATES,
        "received": reads.ballots_received(report) if report.state == ReportState.VOTING else 0,
        "result": reads.report_result(report) if closed else None,
        "refresh": SCREEN_REFRESH_SECONDS,
    }


@login_required
@require_GET
@private
def report_screen(request: HttpRequest, pk: int) -> HttpResponse:
    """The page shown on the meeting's big screen."""
    report = selectors.report_get_visible(request.user, pk)
    context = _screen_context(report)
    context["vote_url"] = ballot_slips.vote_url(request)
    return render(request, "duties/reports/screen.html", context)


@login_required
@require_GET
@private
def report_screen_live(request: HttpRequest, pk: int) -> HttpResponse:
    """The screen's figures (htmx fragment, polled every few seconds while voting)."""
    report = selectors.report_get_visible(request.user, pk)
    return render(request, "duties/reports/_screen_live.html", _screen_context(report))


# ---- the phone ballot (public) -----------------------------------------------------------------


def _vote_page(request: HttpRequest, form: VoteForm, report: DutyReport | None = None):
    return render(request, "duties/reports/vote.html", {"form": form, "report": report})


def _refuse(request: HttpRequest, form: VoteForm) -> HttpResponse:
    # The same words and status for an unknown, used or voided code and a meeting not
    # voting: a code cannot be probed. Only the field the visitor typed is kept.
    form.add_error(None, str(NEUTRAL_REFUSAL))
    return _vote_page(request, form)


@require_http_methods(["GET", "POST"])
@never_cache
def vote(request: HttpRequest) -> HttpResponse:
    """The voters' representative's ballot, in two steps on one page: the code (GET
    ``?code=`` from the QR fills it in; nothing is looked up on a GET), then — once the
    code is good — the deputy's name, the meeting and the three choices. Each POST
    counts against the per-IP limit; the ballot is cast with no actor, so neither the
    ballot nor its audit entry names anyone."""
    if request.method == "GET":
        code = request.GET.get("code", "")[:30]
        return _vote_page(request, VoteForm(initial={"code": code}))
    form = VoteForm(request.POST)
    if not form.is_valid():
        return _vote_page(request, form)
    try:
        ratelimit.enforce(request, bucket="ballot")
    except ratelimit.RateLimited as exc:
        return ratelimit.ratelimited_response(request, exc)
    code = form.cleaned_data["code"]
    report = reads.ballot_code_open(code)
    if report is None:
        return _refuse(request, form)
    choice = form.cleaned_data.get("choice")
    if not choice:
        if request.POST.get("step") == "cast":
            form.add_error("choice", _("请选择称职、基本称职或不称职"))
        return _vote_page(request, form, report)
    try:
        actions.ballot_cast(actor=None, code=code, choice=choice)
    except actions.BallotRefused:
        return _refuse(request, form)
    except ValidationError as exc:
        apply_errors(form, exc)
        return _vote_page(request, form, report)
    return redirect("duties_public:vote_thanks")


@require_GET
@never_cache
def vote_thanks(request: HttpRequest) -> HttpResponse:
    """Thanks after a ballot; says nothing about it."""
    return render(request, "duties/reports/vote_thanks.html")
