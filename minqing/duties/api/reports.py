"""/api/v1/duties/reports…: reports to voters (述职) and the voters' representatives'
evaluation (评议): the meeting scheduled, the report recorded, single-use ballot codes
issued (their plain text appears once, in that answer) and voided, voting opened, paper
ballots entered, live counts, and the verdict stored at close."""

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from minqing.core import codes
from minqing.core.api_pagination import Pagination
from minqing.duties import actions, selectors_reports
from minqing.duties.api._common import (
    deputy_by_id,
    filter_reports,
    report_detail,
    report_get,
    sent,
    station_by_id,
)
from minqing.duties.models import BallotChoice
from minqing.duties.schemas.inputs import (
    CodesIssueIn,
    CodeVoidIn,
    NoteIn,
    PaperIn,
    ReportFilter,
    ReportRecordIn,
    ReportScheduleIn,
    ReportUpdateIn,
)
from minqing.duties.schemas.outputs import (
    CountsOut,
    IssuedCodesOut,
    ReportDetailOut,
    ReportListOut,
    figures_out,
)

router = Router(tags=["duties-reports"])

FIELDS = ("title", "date", "start_time", "place", "voter_count")


@router.get("/reports", response=list[ReportListOut])
@paginate(Pagination)
def list_reports(request: HttpRequest, filters: Query[ReportFilter]):
    """Reports to voters in the caller's scope, and a deputy's own, newest first;
    ``when=upcoming``: meetings not over from today on, soonest first."""
    qs = selectors_reports.reports_filtered(
        request.user, q=filters.q, state=filters.state, when=filters.when, year=filters.year
    )
    return filter_reports(qs, filters)


@router.post("/reports", response={201: ReportDetailOut})
def schedule(request: HttpRequest, payload: ReportScheduleIn):
    """Schedule a deputy's report to voters: the office over the deputy's region, or the
    staff of ``station_id``. The deputy is told. **201**."""
    report = actions.report_schedule(
        actor=request.user,
        deputy=deputy_by_id(payload.deputy_id),
        station=station_by_id(payload.station_id),
        data=payload.model_dump(include=set(FIELDS)),
    )
    return Status(201, report_detail(request.user, report.pk))


@router.get("/reports/{int:report_id}", response=ReportDetailOut)
def get_report(request: HttpRequest, report_id: int):
    """One report to voters: the meeting, the report given, the codes counted (issued,
    used, voided, usable; never which serial voted), the stored result once closed."""
    return report_detail(request.user, report_id)


@router.patch("/reports/{int:report_id}", response=ReportDetailOut)
def update(request: HttpRequest, report_id: int, payload: ReportUpdateIn):
    """Change the meeting's details while it is scheduled; only the fields sent change."""
    report = report_get(request.user, report_id)
    data = {key: getattr(report, key) for key in FIELDS}
    data.update(sent(payload))
    actions.report_update(actor=request.user, report=report, data=data)
    return report_detail(request.user, report_id)


@router.post("/reports/{int:report_id}/record", response=ReportDetailOut)
def record(request: HttpRequest, report_id: int, payload: ReportRecordIn):
    """Record the report the deputy gave (已安排 → 已述职): the staff running the
    meeting, or the deputy entering their written report (at least 20 characters)."""
    report = report_get(request.user, report_id)
    actions.report_record(actor=request.user, report=report, report_text=payload.report_text)
    return report_detail(request.user, report_id)


@router.post("/reports/{int:report_id}/cancel", response=ReportDetailOut)
def cancel(request: HttpRequest, report_id: int, payload: NoteIn):
    """Call off the meeting before voting opens; unused codes are voided."""
    report = report_get(request.user, report_id)
    actions.report_cancel(actor=request.user, report=report, note=payload.note)
    return report_detail(request.user, report_id)


@router.post("/reports/{int:report_id}/codes", response={201: IssuedCodesOut})
def issue_codes(
    request: HttpRequest, report_id: int, payload: CodesIssueIn, response: HttpResponse
):
    """Issue ``count`` single-use codes for phone voting (after the report is recorded,
    or while voting). **201** with the plain codes and their serials: print them now —
    only their hashes are kept, and no answer shows them again. Codes usable plus
    ballots cast never exceed the number of representatives."""
    report = report_get(request.user, report_id)
    issued = actions.ballot_codes_issue(actor=request.user, report=report, count=payload.count)
    response["Cache-Control"] = "no-store"
    return Status(
        201,
        {
            "report_id": report.pk,
            "count": len(issued),
            "codes": [
                {"serial": serial, "code": raw, "display": codes.display(raw)}
                for serial, raw in issued
            ],
            "notice": _("测评码只显示这一次，请立即打印或抄录"),
        },
    )


@router.post("/reports/{int:report_id}/codes/void", response=ReportDetailOut)
def void_code(request: HttpRequest, report_id: int, payload: CodeVoidIn):
    """Void an unused code by the serial printed on its slip (lost, spoiled, handed to
    the wrong person); a used or already voided code is a field error."""
    report = report_get(request.user, report_id)
    actions.ballot_code_void(
        actor=request.user, report=report, serial=payload.serial, reason=payload.reason
    )
    return report_detail(request.user, report_id)


@router.post("/reports/{int:report_id}/open", response=ReportDetailOut)
def open_voting(request: HttpRequest, report_id: int):
    """Open the evaluation at the meeting (已述职 → 评议中)."""
    report = report_get(request.user, report_id)
    actions.voting_open(actor=request.user, report=report)
    return report_detail(request.user, report_id)


@router.post("/reports/{int:report_id}/paper", response=ReportDetailOut)
def enter_paper(request: HttpRequest, report_id: int, payload: PaperIn):
    """Enter a pile of paper ballots counted at the meeting, by choice (``void`` for
    blank or spoiled ones), while voting is open."""
    report = report_get(request.user, report_id)
    actions.ballot_enter_paper(
        actor=request.user,
        report=report,
        counts=payload.model_dump(include=set(BallotChoice.values)),
    )
    return report_detail(request.user, report_id)


@router.post("/reports/{int:report_id}/close", response=ReportDetailOut)
def close_voting(request: HttpRequest, report_id: int):
    """Close the evaluation (评议中 → 已出结果): unused codes are voided, the counts and
    the verdict stored with the region's thresholds, and the deputy told."""
    report = report_get(request.user, report_id)
    actions.voting_close(actor=request.user, report=report)
    return report_detail(request.user, report_id)


@router.get("/reports/{int:report_id}/counts", response=CountsOut)
def counts(request: HttpRequest, report_id: int):
    """The live figures (shown at the meeting): codes, ballots in so far by channel,
    and the split by choice for the staff running it (for every reader once closed:
    watching a running split vote by vote would tell each voter's choice)."""
    report = report_get(request.user, report_id)
    figures = selectors_reports.report_figures(report)
    flags = selectors_reports.report_flags(request.user, report)
    return {
        "state": report.state,
        "voter_count": report.voter_count,
        "verdict": report.verdict,
        **figures_out(figures, flags),
    }
