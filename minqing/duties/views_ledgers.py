"""The five ledgers page and its Excel export (namespace "duties").

- ``duties:ledger`` (GET ``ledgers/?subject=deputy|group|station|region&id=…&book=…
  &from=…&to=…``): one book of one subject over a period, paginated, with tabs for the
  five books and the period filter (year, quarter or dates). Without a subject: the
  reader's own (region, station or deputy record); none → 403. A subject outside the
  reader's scope → 404 (rules in duties.ledgers).
- ``duties:ledger_export`` (POST, the same fields): the book as .xlsx — at once up to
  ``core.exports.SYNC_LIMIT`` rows, otherwise a background job whose progress page
  (core:export_job) offers the file when it is written.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST, require_safe

from minqing.core import exports
from minqing.core.i18n import join_errors
from minqing.core.pagination import paginate
from minqing.duties import ledgers
from minqing.duties.points import quarter_bounds

private = cache_control(private=True, no_store=True)
YEARS_SHOWN = 4


def _url(params: dict[str, Any]) -> str:
    return reverse("duties:ledger") + "?" + urlencode(params)


def _link(link: ledgers.Link | None) -> str:
    if link is None:
        return ""
    url = reverse(link.url_name, args=link.args)
    return url + ("?" + urlencode(link.query) if link.query else "")


def _period_choices(q: ledgers.LedgerQuery, today: dt.date) -> dict[str, Any]:
    """The year and quarter shortcuts of the period filter, as links."""
    subject = {**q.subject.params(), "book": q.book.key}
    year = q.period.start.year
    years = []
    for y in range(today.year, today.year - YEARS_SHOWN, -1):
        p = ledgers.Period.year(y)
        years.append({"label": y, "url": _url({**subject, **p.params()}), "active": p == q.period})
    quarters = []
    for n in (1, 2, 3, 4):
        p = ledgers.Period(*quarter_bounds(year, n))
        quarters.append({"n": n, "url": _url({**subject, **p.params()}), "active": p == q.period})
    return {"years": years, "quarters": quarters, "quarter_year": year}


@login_required
@require_safe
@private
def ledger(request: HttpRequest) -> HttpResponse:
    """One book of one subject's ledgers over a period (see the module docstring)."""
    user = request.user
    period_error = ""
    try:
        q = ledgers.ledger_query(user, request.GET)
    except ValidationError as exc:
        period_error = join_errors(exc)
        q = ledgers.ledger_query(
            user, request.GET, period=ledgers.Period.year(timezone.localdate().year)
        )
    page_obj, querystring = paginate(request, q.base())
    rows = [{"values": r.values, "url": _link(r.link)} for r in q.fill(list(page_obj.object_list))]
    params = q.params()
    tabs = [
        {"title": b.title, "url": _url({**params, "book": b.key}), "active": b.key == q.book.key}
        for b in ledgers.BOOKS.values()
    ]
    shortcuts = [
        {
            "label": s.label,
            "kind": s.kind_label,
            "url": _url({**s.params(), "book": q.book.key, **q.period.params()}),
            "active": s == q.subject,
        }
        for s in ledgers.my_subjects(user)
    ]
    return render(
        request,
        "duties/ledgers/ledger.html",
        {
            "q": q,
            "subject": q.subject,
            "book": q.book,
            "period": q.period,
            "period_error": period_error,
            "columns": [h for h, _w in q.book.columns],
            "link_column": q.book.link_column,
            "rows": rows,
            "page_obj": page_obj,
            "querystring_without_page": querystring,
            "tabs": tabs,
            "shortcuts": shortcuts if len(shortcuts) > 1 else [],
            "export_params": sorted(params.items()),
            "sync_limit": exports.SYNC_LIMIT,
            "filter_params": [(k, v) for k, v in sorted(params.items()) if k not in ("from", "to")],
            **_period_choices(q, timezone.localdate()),
        },
    )


@login_required
@require_POST
def ledger_export(request: HttpRequest) -> HttpResponse:
    """The book of the posted fields as .xlsx: the file itself when small, otherwise a
    background job (redirect to its progress page). One job per click."""
    user = request.user
    try:
        q = ledgers.ledger_query(user, request.POST)
    except ValidationError as exc:
        messages.error(request, join_errors(exc))
        fields = {k: request.POST.get(k, "") for k in ("subject", "id", "book")}
        return redirect(_url({k: v for k, v in fields.items() if v}))
    try:
        started = exports.export_or_queue(actor=user, kind=ledgers.EXPORT_KIND, params=q.params())
    except ValidationError as exc:
        messages.error(request, join_errors(exc))
        return redirect(_url(q.params()))
    if started.file is not None:
        return exports.file_response(started.file, started.filename)
    messages.info(
        request,
        _("台账共 %(n)s 行，正在后台导出，完成后可在本页下载。") % {"n": started.job.rows_total},
    )
    return redirect("core:export_job", pk=started.job.pk)
