"""Helpers of the duty record, points and public profile tests: activities, suggestions,
reports and awards made through the real actions, then (where a test needs a fixed
date) moved in time with a plain update, as the actions only take recent dates."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone

from minqing.core.models import AuditEntry
from minqing.duties import actions
from minqing.duties.models import Activity, DutyReport
from minqing.opinions.uploads import clean_attachment
from minqing.suggestions import actions as s_actions
from minqing.suggestions.models import Suggestion
from tests.duties.factories import ACTIVITY
from tests.opinions.helpers import minimal_pdf

SUGGESTION = {
    "title": "关于加快老旧小区加装电梯的建议",
    "grounds": "我市建成于2000年以前的老旧小区多为六层以下住宅，老年住户上下楼困难，群众反映强烈。",
    "proposal": "建议简化加装电梯审批流程，提高财政补贴标准，由街道牵头协调低层住户意见。",
    "category": "housing",
}


def one_audit(fn, **kw):
    """Call an action and check it wrote exactly one audit entry."""
    before = AuditEntry.objects.count()
    out = fn(**kw)
    assert AuditEntry.objects.count() == before + 1
    return out


def report_pdf(name: str = "调研报告.pdf"):
    data = io.BytesIO(minimal_pdf())
    data.name = name
    return clean_attachment(data)


def done(
    dw,
    *,
    kind: str = "inspection",
    deputies=None,
    on: dt.date | None = None,
    attendance: dict | None = None,
    reports=(),
    confirm: bool = True,
    title: str | None = None,
) -> Activity:
    """An activity the office records for ``deputies`` (default ``dw.dep``), each
    participation confirmed (unless ``confirm`` is False), dated ``on`` (default today)."""
    data = {**ACTIVITY, "date": timezone.localdate()}
    if title:
        data["title"] = title
    if kind == "meeting":
        data["meeting_type"] = "congress"
    activity = actions.activity_record(
        actor=dw.office,
        kind=kind,
        data=data,
        deputies=deputies if deputies is not None else [dw.dep],
        attendance=attendance,
        region=dw.tree.binjiang,
        reports=list(reports),
    )
    if confirm:
        for p in activity.participations.all():
            actions.participations_autoconfirm(participation=p)
    if on is not None:
        Activity.objects.filter(pk=activity.pk).update(date=on)
        activity.refresh_from_db()
    return activity


def suggestion(
    dw,
    *,
    lead,
    cosigners=(),
    kind: str = "suggestion",
    on: dt.date | None = None,
    submit: bool = True,
    **data,
) -> Suggestion:
    """A suggestion or motion the office enters for ``lead`` with ``cosigners`` confirmed,
    submitted (and dated ``on``) unless ``submit`` is False."""
    s = s_actions.suggestion_create(
        actor=dw.office,
        kind=kind,
        data={**SUGGESTION, **data},
        lead_deputy=lead,
        cosigners=list(cosigners),
    )
    if submit:
        s_actions.suggestion_submit(actor=dw.office, suggestion=s)
        if on is not None:
            at = dt.datetime.combine(on, dt.time(10), tzinfo=timezone.get_current_timezone())
            Suggestion.objects.filter(pk=s.pk).update(submitted_at=at)
    s.refresh_from_db()
    return s


def report_given(dw, *, deputy=None, on: dt.date | None = None) -> DutyReport:
    """A report to voters scheduled and given (state reported), dated ``on``."""
    report = actions.report_schedule(
        actor=dw.office,
        deputy=deputy or dw.dep,
        data={
            "title": "代表向选民述职会",
            "date": timezone.localdate(),
            "place": "望江社区会议室",
            "voter_count": 10,
            "start_time": dt.time(14, 0),
        },
    )
    actions.report_record(
        actor=dw.office,
        report=report,
        report_text="本人一年来参加视察调研六次，接待选民四十余人次，提出建议三件，均已办结。",
    )
    if on is not None:
        DutyReport.objects.filter(pk=report.pk).update(date=on)
    report.refresh_from_db()
    return report


def award(dw, *, deputy=None, on: dt.date | None = None, title: str = "优秀人大代表"):
    return actions.award_record(
        actor=dw.office,
        deputy=deputy or dw.dep,
        data={
            "title": title,
            "issuer": "澜州市人大常委会",
            "date": on or timezone.localdate(),
            "note": "",
        },
    )
