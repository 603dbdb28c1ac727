"""Documents of the motion and suggestion workflow (namespace "suggestions"): the
assignment notices (交办单) of a batch or of a filtered set, the deputy's feedback form
(征询意见表), the annual handling report and the ledger export.

Thin: parse the filters, call a selector, hand the rows to ``documents`` (PDF) or
``exports`` (Excel). Who may read each:

- notices: the office (``suggestions.manage``; 403 without it, 404 outside its scope);
- feedback form: the office and the item's own deputies (404 for an item the reader
  cannot see, 403 for another reader who can);
- report: the office and leaders (``suggestions.view_stats``);
- ledger: whoever reads items by role (``suggestions.view_suggestion``), with the
  parts each may see.
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from minqing.core.permissions import has_perm, require, scope
from minqing.people.models import HandlingUnit
from minqing.suggestions import documents, exports, selectors, selectors_deputy, statistics
from minqing.suggestions import permissions as perms
from minqing.suggestions import selectors_docs as reads
from minqing.suggestions.forms_deputy import ListFilterForm, category_choices, reader_region

# Documents carry names and unpublished items: never in a shared cache.
private = cache_control(private=True, no_store=True)


def _disposition(filename: str, *, inline: bool) -> str:
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename*=UTF-8''{quote(filename)}"


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=documents.PDF)
    response["Content-Disposition"] = _disposition(filename, inline=True)
    return response


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        raise Http404 from None


# ---------------------------------------------------------------- notices


@login_required
@require_safe
@private
def batch_notices_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The notices of one batch assignment, a section per unit (office only)."""
    require(request.user, perms.MANAGE)
    batch = reads.batch_get_managed(request.user, pk)
    sections = reads.notice_sections(reads.batch_parts(batch))
    issued_on = timezone.localtime(batch.created_at).date()
    heading = _("批量交办第%(n)s号") % {"n": batch.pk}
    pdf = documents.render_notices(sections, issued_on=issued_on, heading=heading)
    return _pdf(pdf, _("交办单_批次%(n)s.pdf") % {"n": batch.pk})


@login_required
@require_safe
@private
def notices_pdf(request: HttpRequest) -> HttpResponse:
    """The notices of the parts the office manages, narrowed by ``session``, ``unit``
    and ``year`` (GET); a session or unit outside the reader's scope is 404. Without
    any filter the current year's notices print."""
    user = request.user
    require(user, perms.MANAGE)
    session_id, unit_id, year = (_int(request.GET.get(k)) for k in ("session", "unit", "year"))
    session = reads.session_get_managed(user, session_id) if session_id else None
    unit = reads.unit_get_visible(user, unit_id) if unit_id else None
    if session is None and unit is None and year is None:
        year = timezone.localdate().year
    parts = reads.notice_parts(user, session=session, unit=unit, year=year)
    rows = list(parts[: reads.MAX_NOTICE_PARTS + 1])
    if len(rows) > reads.MAX_NOTICE_PARTS:
        return HttpResponse(
            _("符合条件的交办事项超过 %(n)s 件，请按会议、承办单位或年度缩小范围后再打印。")
            % {"n": reads.MAX_NOTICE_PARTS},
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    labels = [session.name] if session else []
    if year:
        labels.append(_("%(y)s年度") % {"y": year})
    heading = "　".join(labels)
    pdf = documents.render_notices(
        reads.notice_sections(rows), issued_on=timezone.localdate(), heading=heading
    )
    name = unit.name if unit else (session.name if session else str(year))
    return _pdf(pdf, _("交办单_%(name)s.pdf") % {"name": name})


# ---------------------------------------------------------------- feedback form


@login_required
@require_safe
@private
def feedback_form_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The deputy's feedback form of one assigned item."""
    data = reads.feedback_form_get(request.user, pk)
    pdf = documents.render_feedback_form(data, printed_on=timezone.localdate())
    number = data.suggestion.display_number
    return _pdf(pdf, _("征询意见表_%(n)s.pdf") % {"n": number})


# ---------------------------------------------------------------- annual report


@login_required
@require_safe
@private
def report_pdf(request: HttpRequest) -> HttpResponse:
    """The annual handling report of ``year`` (GET, default this year) over the
    reader's statistics scope, or one ``region`` (code) of it."""
    user = request.user
    require(user, perms.STATS)
    year = _int(request.GET.get("year")) or timezone.localdate().year
    if not statistics.MIN_YEAR <= year <= statistics.MAX_YEAR:
        raise Http404
    region = statistics.region_for_code(user, request.GET.get("region"))
    today = timezone.localdate()
    summary = statistics.annual_summary(user, year, region=region, today=today)
    supervised = reads.report_supervised(user, year=year, region=region)
    pdf = documents.render_report(summary, supervised, printed_on=today)
    return _pdf(pdf, _("%(y)s年度代表议案建议办理工作报告.pdf") % {"y": year})


# ---------------------------------------------------------------- ledger


@login_required
@require_safe
@private
def ledger_xlsx(request: HttpRequest) -> FileResponse:
    """Every item the reader may see, filtered as the list page filters it, one row per
    item and unit part (streamed from a temporary file)."""
    user = request.user
    if not has_perm(user, perms.VIEW):
        raise PermissionDenied(_("您没有导出议案建议台账的权限"))
    units = scope(HandlingUnit.objects.filter(is_active=True), user, "people.view_unit")
    form = ListFilterForm(
        request.GET or None,
        categories=category_choices(reader_region(user)),
        sessions=selectors_deputy.sessions_visible(user),
        units=units.order_by("name"),
    )
    qs = selectors.filter_suggestions(selectors.suggestions_visible(user), **form.params())
    out = exports.ledger_file(reads.ledger_items(user, qs))
    name = _("议案建议台账_%(d)s.xlsx") % {"d": timezone.localdate().strftime("%Y%m%d")}
    response = FileResponse(out, content_type=exports.XLSX)
    response["Content-Disposition"] = _disposition(name, inline=False)
    return response
