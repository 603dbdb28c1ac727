"""Single-use ballot codes and the void rules of a report to voters (述职评议), through the
public ballot page and the staff pages: a code votes once; every refusal reads the same;
codes are stored as hashes only; the seats bound codes and paper ballots; closing voids
what is unused; 废票 stay out of the verdict; the thresholds come from the region's
settings; phone ballots name no one; the slips PDF carries the codes; the page is
rate-limited and CSRF-protected."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from minqing.core import codes
from minqing.core.actions import region_setting_set
from minqing.core.models import AuditEntry
from minqing.duties import actions, ballot_slips
from minqing.duties import selectors_reports as reads
from minqing.duties.actions.reports import CODE_LENGTH, code_hash
from minqing.duties.models import (
    Ballot,
    BallotChannel,
    BallotCode,
    DutyReport,
    ReportState,
    Verdict,
)
from tests.suggestions.factories_docs import pdf_fonts, pdf_text

pytestmark = pytest.mark.django_db

VOTE = "/public/duties/vote/"
TEXT = "本人一年来参加视察调研六次，接待选民四十余人次，提出建议三件，均已办结。"
NEUTRAL = "测评码无效、已使用或测评未开始，请核对后重试或联系工作人员"


# ---- helpers (shared with test_pages_reports) ------------------------------------------------


def schedule(dw, *, station="station", voter_count: int = 10, deputy=None, **data) -> DutyReport:
    """A meeting scheduled through the action: at ``dw.<station>`` by its staff, or by
    the office with no station (``station=None``)."""
    where = getattr(dw, station) if station else None
    actor = {"station": dw.station_staff, "station2": dw.station2_staff, None: dw.office}[station]
    return actions.report_schedule(
        actor=actor,
        deputy=deputy or (dw.dep2 if station == "station2" else dw.dep),
        station=where,
        data={
            "title": "2026年度代表述职评议会",
            "date": timezone.localdate(),
            "start_time": dt.time(14, 0),
            "place": "望江社区会议室",
            "voter_count": voter_count,
            **data,
        },
    )


def runner(dw, report: DutyReport):
    if report.station_id == dw.station.pk:
        return dw.station_staff
    if report.station_id == dw.station2.pk:
        return dw.station2_staff
    return dw.office


def reported(dw, **kw) -> DutyReport:
    report = schedule(dw, **kw)
    return actions.report_record(actor=runner(dw, report), report=report, report_text=TEXT)


def voting(dw, n_codes: int = 0, **kw) -> tuple[DutyReport, list[tuple[int, str]]]:
    """A report whose voting is open, with ``n_codes`` issued (serial, plain code)."""
    report = reported(dw, **kw)
    staff = runner(dw, report)
    issued = (
        actions.ballot_codes_issue(actor=staff, report=report, count=n_codes) if n_codes else []
    )
    report = actions.voting_open(actor=staff, report=report)
    return report, issued


def audits() -> int:
    return AuditEntry.objects.count()


def post_code(client, code: str, choice: str | None = None):
    data = {"code": code}
    if choice is not None:
        data.update({"choice": choice, "step": "cast"})
    return client.post(VOTE, data)


def refusal_text(response) -> str:
    html = response.content.decode()
    found = re.search(
        r'<div class="alert alert-danger" role="alert" id="vote-error">(.*?)</div>', html
    )
    return found.group(1) if found else ""


def unissued_code() -> str:
    while True:
        raw = codes.generate(CODE_LENGTH)
        if not BallotCode.objects.filter(code_hash=code_hash(raw)).exists():
            return raw


# ---- a code votes once -----------------------------------------------------------------------


def test_a_code_shows_the_ballot_then_votes_once(client, dw):
    report, issued = voting(dw, 3)
    _serial, code = issued[0]
    # The QR's GET fills the code in and reveals nothing.
    page = client.get(VOTE, {"code": code}).content.decode()
    assert f'value="{code}"' in page
    assert dw.dep.name not in page and report.title not in page
    # A good code shows whose report it is, and the three choices (not 废票).
    before = audits()
    ballot = post_code(client, codes.display(code).lower())
    assert ballot.status_code == 200
    html = ballot.content.decode()
    assert dw.dep.name in html and report.title in html
    assert 'value="competent"' in html and 'value="incompetent"' in html
    assert 'value="void"' not in html
    assert audits() == before  # a lookup writes nothing
    done = post_code(client, code, "basic")
    assert done.status_code == 302 and done.url == reverse("duties_public:vote_thanks")
    assert audits() == before + 1
    assert "评议已提交" in client.get(done.url).content.decode()
    b = Ballot.objects.get()
    assert (b.report_id, b.choice, b.channel) == (report.pk, "basic", BallotChannel.PHONE)
    assert BallotCode.objects.get(serial=issued[0][0], report=report).used_at is not None
    # Second use: refused, nothing counted.
    again = post_code(client, code, "competent")
    assert refusal_text(again) == NEUTRAL
    assert Ballot.objects.count() == 1 and audits() == before + 1


def test_submitting_without_a_choice_asks_for_one(client, dw):
    _report, issued = voting(dw, 1)
    response = client.post(VOTE, {"code": issued[0][1], "step": "cast"})
    assert response.status_code == 200
    assert "请选择称职、基本称职或不称职" in response.content.decode()
    assert not Ballot.objects.exists()
    # A bogus choice is refused by the form the same way, never cast.
    response = post_code(client, issued[0][1], "void")
    assert response.status_code == 200 and not Ballot.objects.exists()


def test_every_refusal_is_the_same_message_and_status(client, dw):
    report, issued = voting(dw, 4)
    staff = dw.station_staff
    used, voided = issued[0][1], issued[1][1]
    actions.ballot_cast(code=used, choice="competent")
    actions.ballot_code_void(actor=staff, report=report, serial=issued[1][0], reason="测评码遗失")
    # A meeting whose voting has not opened yet (codes issued once reported).
    later = reported(dw, station="station2", title="柳岸社区代表述职会")
    not_open = actions.ballot_codes_issue(actor=dw.station2_staff, report=later, count=1)[0][1]
    # A meeting already closed: its leftover code was voided at close.
    closed, closed_codes = voting(dw, 2, station=None, title="区人大代表述职会")
    actions.ballot_enter_paper(actor=dw.office, report=closed, counts={"competent": 1})
    actions.voting_close(actor=dw.office, report=closed)
    cases = {
        "used": used,
        "voided": voided,
        "unknown": unissued_code(),
        "malformed": "ABCD-EFG2",
        "not open": not_open,
        "closed": closed_codes[0][1],
    }
    before_ballots, before_audits = Ballot.objects.count(), audits()
    for name, code in cases.items():
        for choice in (None, "competent"):
            response = post_code(client, code, choice)
            assert response.status_code == 200, name
            assert refusal_text(response) == NEUTRAL, (name, choice)
            html = response.content.decode()
            assert dw.dep.name not in html and dw.dep2.name not in html, name
            assert 'id="ballot-form"' not in html, name
    assert Ballot.objects.count() == before_ballots and audits() == before_audits
    # An empty code is a field error (nothing was looked up), not the neutral message.
    empty = post_code(client, "")
    assert "请填写测评码" in empty.content.decode() and refusal_text(empty) == ""


# ---- codes are hashes ------------------------------------------------------------------------


def test_codes_are_stored_as_hashes_only(dw):
    report = reported(dw)
    issued = actions.ballot_codes_issue(actor=dw.station_staff, report=report, count=5)
    assert [s for s, _c in issued] == [1, 2, 3, 4, 5]
    assert len({c for _s, c in issued}) == 5
    rows = {row.serial: row for row in BallotCode.objects.filter(report=report)}
    for serial, code in issued:
        assert codes.is_valid(code, length=CODE_LENGTH)
        row = rows[serial]
        assert row.code_hash == code_hash(code)
        for field in BallotCode._meta.concrete_fields:
            value = str(field.value_from_object(row))
            assert code not in value and codes.display(code) not in value, field.name
    # Nor does the audit entry of the issue carry a code.
    entry = AuditEntry.objects.filter(verb="ballot_code.issue").get()
    dumped = f"{entry.before}{entry.after}{entry.note}"
    assert not any(code in dumped for _s, code in issued)
    assert entry.after == {"count": 5, "serials": [1, 5]}


# ---- seats: codes + ballots never exceed the representatives ---------------------------------


def test_issuing_beyond_the_seats_left_is_refused(client, dw):
    report = reported(dw, voter_count=10)
    staff = dw.station_staff
    actions.ballot_codes_issue(actor=staff, report=report, count=6)
    with pytest.raises(ValidationError, match="最多还能发放 4 个"):
        actions.ballot_codes_issue(actor=staff, report=report, count=5)
    actions.voting_open(actor=staff, report=report)
    actions.ballot_enter_paper(actor=staff, report=report, counts={"basic": 3})
    # 10 − 6 usable codes − 3 ballots = 1 seat left; through the page, a refusal
    # comes back to the detail page with the message and nothing issued.
    client.force_login(staff)
    url = reverse("duties:report_codes", args=[report.pk])
    before = audits()
    response = client.post(url, {"issue-count": 2}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("duties:report_detail", args=[report.pk])
    assert "最多还能发放 1 个" in response.content.decode()
    assert report.codes.count() == 6 and audits() == before
    # A used code is a ballot now, so it frees nothing; a voided one frees its seat.
    issued = actions.ballot_codes_issue(actor=staff, report=report, count=1)
    actions.ballot_code_void(actor=staff, report=report, serial=issued[0][0], reason="发错了人")
    assert client.post(url, {"issue-count": 1}).status_code == 200
    assert report.codes.count() == 8
    assert reads.report_figures(report).seats_left == 0


def test_paper_entry_beyond_the_remaining_seats_is_refused(client, dw):
    report, _issued = voting(dw, 4, voter_count=10)
    client.force_login(dw.station_staff)
    url = reverse("duties:report_paper", args=[report.pk])
    before = audits()
    over = {"paper-competent": 5, "paper-basic": 1, "paper-incompetent": 0, "paper-void": 1}
    response = client.post(url, over, follow=True)
    assert "超过尚未投票的选民代表人数 6" in response.content.decode()
    assert not Ballot.objects.exists() and audits() == before
    exact = {"paper-competent": 4, "paper-basic": 1, "paper-incompetent": 0, "paper-void": 1}
    client.post(url, exact)
    assert Ballot.objects.filter(channel=BallotChannel.PAPER).count() == 6
    assert audits() == before + 1
    assert all(b.entered_by_id == dw.station_staff.pk for b in Ballot.objects.all())
    # Nothing left: one more paper ballot is refused.
    response = client.post(url, {"paper-void": 1}, follow=True)
    assert "超过尚未投票的选民代表人数 0" in response.content.decode()


def test_paper_entry_needs_some_ballots(client, dw):
    report, _issued = voting(dw)
    client.force_login(dw.station_staff)
    response = client.post(reverse("duties:report_paper", args=[report.pk]), {}, follow=True)
    assert "请填写票数" in response.content.decode()
    response = client.post(
        reverse("duties:report_paper", args=[report.pk]), {"paper-basic": -1}, follow=True
    )
    assert "基本称职不能小于 0" in response.content.decode()
    assert not Ballot.objects.exists()


# ---- closing ---------------------------------------------------------------------------------


def test_closing_voids_the_unused_codes(client, dw):
    report, issued = voting(dw, 5)
    for _s, code in issued[:2]:
        actions.ballot_cast(code=code, choice="competent")
    actions.ballot_code_void(
        actor=dw.station_staff, report=report, serial=issued[2][0], reason="选民代表未到会"
    )
    client.force_login(dw.station_staff)
    before = audits()
    client.post(reverse("duties:report_close", args=[report.pk]))
    assert audits() == before + 1
    report.refresh_from_db()
    assert report.state == ReportState.CLOSED
    unused = BallotCode.objects.filter(report=report, serial__in=[4, 5])
    assert all(c.voided_at is not None and c.void_reason == "测评结束未使用" for c in unused)
    voided_by_hand = BallotCode.objects.get(report=report, serial=3)
    assert voided_by_hand.void_reason == "选民代表未到会"
    assert BallotCode.objects.filter(report=report, used_at__isnull=False).count() == 2
    client.logout()
    assert refusal_text(post_code(client, issued[4][1], "competent")) == NEUTRAL


def test_closing_without_any_ballot_is_refused(client, dw):
    report, _issued = voting(dw, 2)
    client.force_login(dw.station_staff)
    response = client.post(reverse("duties:report_close", args=[report.pk]), follow=True)
    assert "还没有任何选票，不能结束测评" in response.content.decode()
    report.refresh_from_db()
    assert report.state == ReportState.VOTING


def test_void_ballots_are_counted_apart_and_stay_out_of_the_verdict(dw):
    report, issued = voting(dw, 1)
    actions.ballot_cast(code=issued[0][1], choice="incompetent")
    actions.ballot_enter_paper(
        actor=dw.station_staff, report=report, counts={"competent": 4, "void": 5}
    )
    report = actions.voting_close(actor=dw.station_staff, report=report)
    report.refresh_from_db()
    assert (report.competent, report.basic, report.incompetent, report.void) == (4, 0, 1, 5)
    # 4 of 5 valid = 80% → 称职 (had the 5 废票 counted, 4 of 10 would be 不称职).
    assert report.valid_ballots == 5
    assert report.verdict == Verdict.COMPETENT
    result = reads.report_result(report)
    assert [share for _l, _n, share in result.rows] == [
        Decimal("80.0"),
        Decimal("0.0"),
        Decimal("20.0"),
    ]
    assert (result.valid, result.void, result.total) == (5, 5, 10)


def test_a_void_code_cannot_be_voided_twice_nor_a_used_one(dw):
    report, issued = voting(dw, 2)
    staff = dw.station_staff
    actions.ballot_cast(code=issued[0][1], choice="basic")
    with pytest.raises(ValidationError, match="该测评码已投票，不能作废"):
        actions.ballot_code_void(actor=staff, report=report, serial=1, reason="遗失")
    actions.ballot_code_void(actor=staff, report=report, serial=2, reason="遗失")
    with pytest.raises(ValidationError, match="该测评码已作废"):
        actions.ballot_code_void(actor=staff, report=report, serial=2, reason="遗失")
    with pytest.raises(ValidationError, match="没有序号为 9 的测评码"):
        actions.ballot_code_void(actor=staff, report=report, serial=9, reason="遗失")


# ---- thresholds from the region's settings ---------------------------------------------------


def _close_with(dw, report, competent: int, basic: int, incompetent: int = 0) -> DutyReport:
    staff = runner(dw, report)
    counts = {"competent": competent, "basic": basic, "incompetent": incompetent}
    actions.ballot_enter_paper(actor=staff, report=report, counts=counts)
    actions.voting_close(actor=staff, report=report)
    report.refresh_from_db()
    return report


def test_verdict_thresholds_come_from_the_region_and_are_stored(dw):
    tree = dw.tree
    # 望江社区 (a child region of the city) lowers both lines; 柳岸社区 keeps the defaults.
    region_setting_set(
        actor=dw.office, region=tree.wangjiang, key="duty.competent_percent", value=60
    )
    region_setting_set(
        actor=dw.office, region=tree.wangjiang, key="duty.basic_competent_percent", value=40
    )
    here, _i = voting(dw, station="station")
    there, _j = voting(dw, station="station2")
    assert here.region == tree.wangjiang and there.region == tree.liuan
    here = _close_with(dw, here, competent=3, basic=2)
    there = _close_with(dw, there, competent=3, basic=2)
    assert (here.competent_percent, here.basic_percent) == (Decimal("60"), Decimal("40"))
    assert (there.competent_percent, there.basic_percent) == (Decimal("80"), Decimal("50"))
    assert here.verdict == Verdict.COMPETENT  # 3 of 5 = 60% ≥ 60%
    assert there.verdict == Verdict.BASIC  # 60% < 80%, 100% ≥ 50%
    # A later change of the setting leaves the stored result as it was.
    region_setting_set(
        actor=dw.office, region=tree.wangjiang, key="duty.competent_percent", value=90
    )
    here.refresh_from_db()
    assert here.competent_percent == Decimal("60") and here.verdict == Verdict.COMPETENT


def test_a_meeting_without_station_uses_the_deputys_region(dw):
    # 滨江区 raises the 基本称职 line to 70%: 1 + 1 of 3 valid (66.7%) is 不称职 there,
    # where the default 50% would make it 基本称职.
    region_setting_set(
        actor=dw.office, region=dw.tree.binjiang, key="duty.basic_competent_percent", value=70
    )
    report, _i = voting(dw, station=None)
    assert report.region == dw.tree.binjiang
    report = _close_with(dw, report, competent=1, basic=1, incompetent=1)
    assert report.basic_percent == Decimal("70") and report.verdict == Verdict.INCOMPETENT
    other, _i = voting(dw, station=None, title="第二场述职会")
    other = _close_with(dw, other, competent=2, basic=1, incompetent=1)  # 75% ≥ 70%
    assert other.verdict == Verdict.BASIC


# ---- phone ballots name no one ---------------------------------------------------------------


def test_phone_ballots_carry_no_user_and_their_audit_neither_code_nor_choice(client, dw):
    _report, issued = voting(dw, 2)
    # Even a signed-in member of staff voting on their phone is not recorded.
    client.force_login(dw.office)
    code = issued[0][1]
    assert post_code(client, code, "incompetent").status_code == 302
    ballot = Ballot.objects.get()
    assert ballot.entered_by_id is None and ballot.channel == BallotChannel.PHONE
    entry = AuditEntry.objects.filter(verb="ballot.cast").get()
    assert entry.actor_id is None
    dumped = f"{entry.before}{entry.after}{entry.note}{entry.object_repr}{entry.actor_label}"
    assert code not in dumped and codes.display(code) not in dumped
    assert "incompetent" not in dumped and "不称职" not in dumped
    assert dw.office.get_username() not in dumped


# ---- the slips PDF ---------------------------------------------------------------------------

CODE_RE = re.compile(r"\b([2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4})\b")


def test_slips_pdf_carries_the_codes_in_chinese_and_they_vote(client, dw):
    report = reported(dw)
    client.force_login(dw.station_staff)
    before = audits()
    response = client.post(reverse("duties:report_codes", args=[report.pk]), {"issue-count": 3})
    assert audits() == before + 1
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    for expected in ("代表述职评议测评码", "述职代表", dw.dep.name, report.title, VOTE, "No.001"):
        assert expected in text, expected
    assert "No.003" in text
    fonts = pdf_fonts(response.content)
    assert any("Noto-Sans-CJK-SC" in f for f in fonts), fonts
    found = CODE_RE.findall(text)
    assert len(found) == 3, text
    hashes = set(BallotCode.objects.filter(report=report).values_list("code_hash", flat=True))
    assert {code_hash(c) for c in found} == hashes
    # The printed codes are the real ones: one votes.
    actions.voting_open(actor=dw.station_staff, report=report)
    client.logout()
    assert post_code(client, found[0], "competent").status_code == 302


def test_slip_qr_addresses_carry_the_code(dw, settings, rf):
    settings.MINQING_PUBLIC_URL = "https://minqing.example.gov.cn"
    report = reported(dw)
    issued = [(1, "ABCDEFGH"), (2, "JKMNPQRS"), (3, "TUVWXYZ2")]
    ctx = ballot_slips.slips_context(report, issued, request=None, printed_on=timezone.localdate())
    slips = [s for page in ctx["pages"] for row in page for s in row]
    assert [s.url for s in slips] == [
        f"https://minqing.example.gov.cn{VOTE}?code={c}" for _s, c in issued
    ]
    assert [s.code for s in slips] == ["ABCD-EFGH", "JKMN-PQRS", "TUVW-XYZ2"]
    assert all(s.qr_svg.startswith("<svg") for s in slips)
    assert ctx["vote_url"] == f"https://minqing.example.gov.cn{VOTE}"
    assert [len(row) for row in ctx["pages"][0]] == [2, 1]
    # Without the setting, the requesting host.
    settings.MINQING_PUBLIC_URL = ""
    settings.ALLOWED_HOSTS = ["192.168.1.20"]
    request = rf.get("/", HTTP_HOST="192.168.1.20:8000")
    assert (
        ballot_slips.vote_url(request, "ABCDEFGH")
        == f"http://192.168.1.20:8000{VOTE}?code=ABCDEFGH"
    )


# ---- rate limit and CSRF ---------------------------------------------------------------------


def test_the_ballot_page_is_rate_limited_per_ip(client, dw, settings):
    settings.MINQING_RATELIMIT_ENABLED = True
    settings.MINQING_RATELIMIT_IP = "3/h"
    settings.MINQING_RATELIMIT_BALLOT = "3/h"  # a ballot policy of its own, once configured
    cache.clear()
    _report, issued = voting(dw, 1)
    for _ in range(3):
        assert refusal_text(post_code(client, unissued_code())) == NEUTRAL
    blocked = post_code(client, issued[0][1], "competent")
    assert blocked.status_code == 429
    assert int(blocked["Retry-After"]) > 0
    assert not Ballot.objects.exists()
    # The QR's GET is not counted.
    assert client.get(VOTE, {"code": issued[0][1]}).status_code == 200
    cache.clear()


def test_the_ballot_page_checks_csrf(dw):
    _report, issued = voting(dw, 1)
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(VOTE, {"code": issued[0][1], "choice": "competent"}).status_code == 403
    assert not Ballot.objects.exists()
    page = strict.get(VOTE)
    token = page.cookies["csrftoken"].value
    response = strict.post(
        VOTE,
        {"code": issued[0][1], "choice": "competent", "step": "cast", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302 and Ballot.objects.count() == 1


def test_a_phone_ballot_cannot_be_traced_to_its_slip_or_voter(dw):
    """Slips are handed out in serial order against a sign-in list: nothing may link a
    ballot back to a serial, a moment or an address."""
    report, issued = voting(dw, 3)
    actions.ballot_cast(code=issued[1][1], choice="incompetent")
    actions.ballot_cast(code=issued[0][1], choice="competent")
    ballot_fields = {f.name for f in Ballot._meta.get_fields()}
    assert not ballot_fields & {"code", "created_at"}
    used = BallotCode.objects.filter(report=report, used_at__isnull=False)
    assert {c.used_at for c in used} == {report.voting_opened_at}
    entries = AuditEntry.objects.filter(verb="ballot.cast")
    assert entries.count() == 2
    assert all(e.ip is None and e.request_id == "" for e in entries)
