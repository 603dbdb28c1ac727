"""/api/v1/duties/public/…: a deputy's public profile and duty record (no contact data),
the published rankings, and the phone ballot of a report to voters — one neutral refusal
for every bad code, rate-limited per IP."""

from __future__ import annotations

import pytest

from minqing.core.models import AuditEntry
from minqing.duties import actions
from minqing.duties.models import Ballot, PointsRanking
from minqing.people.models import DeputyContact
from minqing.suggestions import actions as suggestion_actions
from tests.duties.factories import record
from tests.duties.factories_api import (
    BASE,
    TODAY,
    audit_delta,
    get,
    list_queries,
    reported,
    voting,
)
from tests.opinions.helpers import as_user
from tests.suggestions.factories import TEXT

pytestmark = pytest.mark.django_db
PUBLIC = "public/"
MOBILE, EMAIL, ADDRESS = "13912345678", "dep@example.cn", "澜州市滨江区江滨路88号"


def _confirm(activity, dw, deputy="dep"):
    p = activity.participations.get(deputy=getattr(dw, deputy))
    actions.participation_confirm(actor=getattr(dw, f"{deputy}_user"), participation=p)


# --- a deputy's public profile ----------------------------------------------------------------


def test_profile_has_the_record_and_no_contact_data(client, dw):
    DeputyContact.objects.create(deputy=dw.dep, mobile=MOBILE, email=EMAIL, address=ADDRESS)
    inspection = record(dw)
    _confirm(inspection, dw)
    record(dw, kind="training", title="代表履职能力培训班")  # not confirmed: not shown
    meeting = actions.activity_record(
        actor=dw.office,
        kind="meeting",
        data={"title": "澜州市人大常委会第十次会议", "date": TODAY(), "meeting_type": "standing"},
        deputies=[dw.dep],
        attendance={dw.dep.pk: "leave"},
        region=dw.tree.city,
    )
    _confirm(meeting, dw)
    report, _codes = voting(dw, codes=1)
    actions.ballot_cast(code=_codes[0][1], choice="competent")
    actions.voting_close(actor=dw.station_staff, report=report)
    actions.award_record(
        actor=dw.office,
        deputy=dw.dep,
        data={"title": "优秀人大代表", "issuer": "澜州市人大常委会", "date": TODAY()},
    )
    suggestion = suggestion_actions.suggestion_create(
        actor=dw.dep_user, kind="suggestion", data=dict(TEXT), cosigners=[dw.dep2]
    )
    signer = suggestion.signers.get(deputy=dw.dep2)
    suggestion_actions.signer_confirm(actor=dw.dep2_user, signer=signer)
    suggestion_actions.suggestion_submit(actor=dw.dep_user, suggestion=suggestion)
    suggestion_actions.suggestion_accept(actor=dw.office, suggestion=suggestion)

    response = get(client, None, f"{PUBLIC}deputies/{dw.dep.public_code}")
    assert response.status_code == 200, response.content
    text = response.content.decode()
    for private in (MOBILE, EMAIL, ADDRESS, dw.dep.deputy_number, dw.dep_user.username):
        assert private not in text
    body = response.json()
    assert set(body) == {
        "year",
        "years",
        "basics",
        "stations",
        "activities",
        "suggestions",
        "reports",
        "awards",
    }
    assert "contact" not in str(body) and "mobile" not in str(body)
    assert body["basics"]["name"] == dw.dep.name
    assert [(s["code"], s["is_convener"]) for s in body["stations"]] == [(dw.station.code, False)]
    sections = {s["key"]: s for s in body["activities"]}
    assert [a["title"] for a in sections["inspections"]["entries"]] == [inspection.title]
    assert sections["training"]["count"] == 0
    assert [(m["title"], m["attendance_label"]) for m in sections["meetings"]["entries"]] == [
        ("澜州市人大常委会第十次会议", "请假")
    ]
    assert [(r["state"], r["verdict_label"]) for r in body["reports"]] == [("closed", "称职")]
    assert [a["title"] for a in body["awards"]] == ["优秀人大代表"]
    assert [(s["code"], s["is_lead"]) for s in body["suggestions"]] == [(suggestion.code, True)]
    co = get(client, None, f"{PUBLIC}deputies/{dw.dep2.public_code}").json()
    assert [(s["code"], s["is_lead"]) for s in co["suggestions"]] == [(suggestion.code, False)]
    assert body["year"] == TODAY().year and TODAY().year in body["years"]
    outside_term = get(client, None, f"{PUBLIC}deputies/{dw.dep.public_code}", {"year": 2001})
    assert outside_term.status_code == 422 and "year" in outside_term.json()["detail"]


def test_profile_unknown_codes_are_404(client, dw):
    for code in ("", "ABC", dw.dep.public_code[:-1] + "0", "X" * 200):
        if code == dw.dep.public_code:
            continue
        assert get(client, None, f"{PUBLIC}deputies/{code}").status_code == 404, code
    # Spaces and dashes as people type them are fine.
    spaced = dw.dep.public_code[:4].lower() + "-" + dw.dep.public_code[4:]
    assert get(client, None, f"{PUBLIC}deputies/{spaced}").status_code == 200


# --- published rankings -----------------------------------------------------------------------


def _published(dw) -> PointsRanking:
    today = TODAY()
    return actions.ranking_publish(
        actor=dw.office,
        region=dw.tree.city,
        level=dw.dep.level,
        year=today.year,
        quarter=(today.month - 1) // 3 + 1,
    )


def test_public_rankings(client, dw):
    withdrawn = _published(dw)
    actions.ranking_withdraw(actor=dw.office, ranking=withdrawn, note="数据有误，重新核对")
    shown = _published(dw)
    rows = get(client, None, f"{PUBLIC}rankings").json()["items"]
    assert [r["code"] for r in rows] == [shown.code]
    assert "id" not in rows[0]
    assert get(client, None, f"{PUBLIC}rankings", {"year": 2020}).json()["items"] == []
    detail = get(client, None, f"{PUBLIC}rankings/{shown.code}").json()
    first = detail["rows"][0]
    assert set(first) == {"rank", "deputy_name", "deputy_code", "points", "quarter_points"}
    codes = {r["deputy_code"] for r in detail["rows"]}
    assert dw.dep.public_code in codes
    assert get(client, None, f"{PUBLIC}rankings/{withdrawn.code}").status_code == 404
    assert get(client, None, f"{PUBLIC}rankings/NOPE").status_code == 404


def test_public_rankings_queries_do_not_grow(client, dw):
    def queries(n: int) -> int:
        PointsRanking.objects.all().delete()
        for _ in range(n):
            _published(dw)
        return list_queries(client, None, f"{PUBLIC}rankings")

    assert queries(3) == queries(12)


# --- the phone ballot -------------------------------------------------------------------------


def ballot(client, code: str, choice: str = "competent"):
    return as_user(client, None).post(
        BASE + f"{PUBLIC}ballots", {"code": code, "choice": choice}, content_type="application/json"
    )


REFUSAL = {"__all__": ["测评码无效、已使用或测评未开始，请核对后重试或联系工作人员"]}


def test_ballot_cast_and_neutral_refusals(client, dw):
    not_open = reported(dw)
    early = actions.ballot_codes_issue(actor=dw.station_staff, report=not_open, count=1)
    report, issued = voting(dw, codes=3)
    response, delta = audit_delta(lambda: ballot(client, issued[0][1].lower()))
    assert (response.status_code, delta) == (200, 1)
    assert response.json() == {
        "detail": "投票成功，感谢您的参与",
        "report_title": report.title,
        "deputy_name": dw.dep.name,
    }
    actions.ballot_code_void(
        actor=dw.station_staff, report=report, serial=issued[1][0], reason="测评票遗失"
    )
    mistyped = issued[2][1][:-1] + ("A" if issued[2][1][-1] != "A" else "B")
    refused = {
        "used": issued[0][1],
        "voided": issued[1][1],
        "not open": early[0][1],
        "mistyped": mistyped,
        "unknown": "ABCDEFGH",
        "empty": "",
    }
    before = (Ballot.objects.count(), AuditEntry.objects.count())
    answers = set()
    for why, code in refused.items():
        r = ballot(client, code)
        assert r.status_code == 422, why
        assert r.json()["detail"] == REFUSAL, why
        answers.add(r.content)
    assert len(answers) == 1  # byte for byte the same answer
    assert (Ballot.objects.count(), AuditEntry.objects.count()) == before
    bad_choice = ballot(client, issued[2][1], "void")
    assert bad_choice.status_code == 422
    assert bad_choice.json()["detail"] == {"choice": ["请选择称职、基本称职或不称职"]}
    assert ballot(client, issued[2][1], "basic").status_code == 200
    # The audit entry names neither the code nor the choice.
    entry = AuditEntry.objects.filter(verb="ballot.cast").latest("pk")
    assert issued[2][1] not in str(entry.__dict__) and "basic" not in str(entry.__dict__)


def test_ballot_is_rate_limited_per_ip(client, dw, settings):
    settings.MINQING_RATELIMIT_ENABLED = True
    settings.MINQING_RATELIMIT_BALLOT = "3/h"
    _report, issued = voting(dw, codes=4)
    assert [ballot(client, code).status_code for _s, code in issued[:3]] == [200, 200, 200]
    limited = ballot(client, issued[3][1])
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert "过于频繁" in limited.json()["detail"]
    assert Ballot.objects.count() == 3
