"""/api/v1/duties/reports…: reports to voters and their evaluation through the API — the
permission matrix of every endpoint, one audit entry per write, 409 on a step the state
table refuses, 422 with Chinese messages, the plain codes shown once and never again,
the void rules, live counts, and pinned query counts."""

from __future__ import annotations

import pytest

from minqing.duties import actions
from minqing.duties.models import BallotCode, DutyReport
from tests.duties.factories_api import (
    REPORT_TEXT,
    TODAY,
    Step,
    audit_delta,
    check_step,
    get,
    ids_of,
    list_queries,
    post,
    reported,
    scheduled,
    voting,
)

pytestmark = pytest.mark.django_db
# Outside the report's sight: another station's staff, another city, a deputy who is
# not the one reporting. The leader of the city reads it but runs nothing.
OUTSIDERS = ("far_office", "station2_staff", "dep2_user", "unit_staff")
MEETING = {
    "title": "2026年度代表述职评议会",
    "place": "望江社区会议室",
    "voter_count": 12,
    "start_time": "14:00",
}


# --- reading ----------------------------------------------------------------------------------


def test_list_and_detail_matrix(client, dw):
    report = scheduled(dw)
    other = actions.report_schedule(
        actor=dw.office, deputy=dw.dep2, data={**MEETING, "date": TODAY(), "start_time": None}
    )
    assert get(client, None, "reports").status_code == 401
    for outsider in (dw.nobody, dw.far_office, dw.unit_staff):
        assert ids_of(get(client, outsider, "reports")) == set()
    for reader in (dw.office, dw.leader):
        assert ids_of(get(client, reader, "reports")) == {report.pk, other.pk}
    assert ids_of(get(client, dw.station_staff, "reports")) == {report.pk}
    assert ids_of(get(client, dw.dep_user, "reports")) == {report.pk}
    assert ids_of(get(client, dw.office, "reports", {"deputy_id": dw.dep2.pk})) == {other.pk}
    assert ids_of(get(client, dw.office, "reports", {"station_id": dw.station.pk})) == {report.pk}
    assert ids_of(get(client, dw.office, "reports", {"year": TODAY().year - 1})) == set()
    for suffix in ("", "/counts"):
        path = f"reports/{report.pk}{suffix}"
        assert get(client, None, path).status_code == 401
        for outsider in (dw.nobody, dw.far_office, dw.station2_staff, dw.dep2_user):
            assert get(client, outsider, path).status_code == 404, (path, outsider)
        for reader in (dw.office, dw.leader, dw.station_staff, dw.dep_user):
            assert get(client, reader, path).status_code == 200, (path, reader)
    body = get(client, dw.station_staff, f"reports/{report.pk}").json()
    assert body["permissions"] == ["run", "edit", "record", "cancel", "split"]
    assert body["figures"]["issued"] == 0 and body["figures"]["split"] == {
        "competent": 0,
        "basic": 0,
        "incompetent": 0,
        "void": 0,
    }
    own = get(client, dw.dep_user, f"reports/{report.pk}").json()
    assert own["permissions"] == ["is_deputy", "record"] and own["figures"]["split"] is None


def test_list_queries_do_not_grow(client, dw):
    def queries(n: int) -> int:
        DutyReport.objects.all().delete()
        for _ in range(n):
            scheduled(dw)
        return list_queries(client, dw.office, "reports")

    assert queries(3) == queries(30)


# --- writes -----------------------------------------------------------------------------------


def test_schedule_matrix(client, dw):
    body = {**MEETING, "deputy_id": 0, "station_id": 0, "date": TODAY().isoformat()}

    def setup(dw):
        return "reports", {**body, "deputy_id": dw.dep.pk, "station_id": dw.station.pk}

    check_step(
        client,
        dw,
        Step(
            setup,
            "station_staff",
            ("far_office", "station2_staff", "dep_user"),
            "leader",
            lambda dw, b: b["state"] == "scheduled" and b["station"]["id"] == dw.station.pk,
            ok=201,
            hidden=403,
        ),
    )


def test_schedule_validation(client, dw):
    base = {**MEETING, "deputy_id": dw.dep.pk, "date": TODAY().isoformat()}
    response = post(client, dw.office, "reports", {**base, "voter_count": 0})
    assert response.status_code == 422
    assert response.json()["detail"] == {"voter_count": ["选民代表人数须为 1 到 2000 之间的整数"]}
    unknown = post(client, dw.office, "reports", {**base, "deputy_id": 999999})
    assert unknown.json()["detail"] == {"deputy_id": ["找不到代表：999999"]}
    far = post(client, dw.office, "reports", {**base, "deputy_id": dw.far_dep.pk})
    assert far.status_code == 403


def _path(verb: str, make, body: dict | None = None):
    def setup(dw):
        report = make(dw)
        if isinstance(report, tuple):
            report = report[0]
        return f"reports/{report.pk}/{verb}", body or {}

    return setup


def _voting_with_ballot(dw):
    report, issued = voting(dw, codes=2)
    actions.ballot_cast(code=issued[0][1], choice="competent")
    return report


def _with_codes(dw):
    report = reported(dw)
    actions.ballot_codes_issue(actor=dw.station_staff, report=report, count=3)
    return report


STEPS = {
    "record": Step(
        _path("record", scheduled, {"report_text": REPORT_TEXT}),
        "dep_user",
        OUTSIDERS,
        "leader",
        lambda dw, b: b["state"] == "reported" and b["report_text"] == REPORT_TEXT,
    ),
    "cancel": Step(
        _path("cancel", scheduled, {"note": "代表因公出差，另行安排"}),
        "station_staff",
        OUTSIDERS,
        "dep_user",
        lambda dw, b: b["state"] == "cancelled",
    ),
    "update": Step(
        lambda dw: (f"reports/{scheduled(dw).pk}", {"place": "望江社区党群服务中心"}),
        "station_staff",
        OUTSIDERS,
        "leader",
        lambda dw, b: b["place"] == "望江社区党群服务中心" and b["voter_count"] == 10,
        method="patch",
    ),
    "void": Step(
        _path("codes/void", _with_codes, {"serial": 2, "reason": "测评票遗失"}),
        "station_staff",
        OUTSIDERS,
        "dep_user",
        lambda dw, b: (
            (b["figures"]["issued"], b["figures"]["voided"], b["figures"]["usable"]) == (3, 1, 2)
            and b["voided_codes"][0]["serial"] == 2
            and b["voided_codes"][0]["void_reason"] == "测评票遗失"
        ),
    ),
    "open": Step(
        _path("open", reported),
        "station_staff",
        OUTSIDERS,
        "dep_user",
        lambda dw, b: b["state"] == "voting",
    ),
    "paper": Step(
        _path("paper", voting, {"competent": 5, "basic": 2, "void": 1}),
        "station_staff",
        OUTSIDERS,
        "leader",
        lambda dw, b: (
            (b["figures"]["paper"], b["figures"]["split"]["competent"]) == (8, 5)
            and b["competent"] == 0  # stored at close
        ),
    ),
    "close": Step(
        _path("close", _voting_with_ballot),
        "office",
        OUTSIDERS,
        "dep_user",
        lambda dw, b: (
            b["state"] == "closed"
            and b["verdict"] == "competent"
            and b["competent"] == 1
            and b["figures"]["voided"] == 1
        ),
    ),
}


@pytest.mark.parametrize("name", sorted(STEPS))
def test_report_step_matrix(client, dw, name):
    check_step(client, dw, STEPS[name])


def test_codes_are_shown_once(client, dw):
    report = reported(dw)
    data = check_step(
        client,
        dw,
        Step(
            lambda dw: (f"reports/{report.pk}/codes", {"count": 3}),
            "station_staff",
            OUTSIDERS,
            "dep_user",
            lambda dw, b: b["count"] == 3 and [c["serial"] for c in b["codes"]] == [1, 2, 3],
            ok=201,
        ),
    )
    plain = [c["code"] for c in data["codes"]]
    assert all(len(c) == 8 for c in plain) and len(set(plain)) == 3
    assert data["codes"][0]["display"] == f"{plain[0][:4]}-{plain[0][4:]}"
    # Never again: not in the detail, the counts, the list, nor stored in the clear.
    for path in (f"reports/{report.pk}", f"reports/{report.pk}/counts", "reports"):
        text = get(client, dw.office, path).content.decode()
        assert not any(c in text for c in plain), path
    assert not BallotCode.objects.filter(code_hash__in=plain).exists()
    response = post(client, dw.station_staff, f"reports/{report.pk}/codes", {"count": 1})
    assert response["Cache-Control"] == "no-store"


def test_codes_refusals(client, dw):
    report = scheduled(dw)
    early = post(client, dw.station_staff, f"reports/{report.pk}/codes", {"count": 2})
    assert early.status_code == 422
    assert early.json()["detail"] == {"__all__": ["述职后才能发放测评码"]}
    report = _with_codes(dw)
    too_many = post(client, dw.station_staff, f"reports/{report.pk}/codes", {"count": 8})
    assert too_many.json()["detail"] == {
        "count": ["最多还能发放 7 个（测评码和已投票数不能超过选民代表人数）"]
    }
    void = f"reports/{report.pk}/codes/void"
    assert post(client, dw.station_staff, void, {"serial": 1, "reason": "遗失"}).status_code == 200
    again = post(client, dw.station_staff, void, {"serial": 1, "reason": "遗失"})
    assert again.json()["detail"] == {"serial": ["该测评码已作废"]}
    missing = post(client, dw.station_staff, void, {"serial": 99, "reason": "遗失"})
    assert missing.json()["detail"] == {"serial": ["没有序号为 99 的测评码"]}
    huge = post(client, dw.station_staff, void, {"serial": 10**20, "reason": "遗失"})
    assert huge.status_code == 422


def test_state_table_refusals_are_409(client, dw):
    report = reported(dw)
    again, delta = audit_delta(
        lambda: post(
            client, dw.dep_user, f"reports/{report.pk}/record", {"report_text": REPORT_TEXT}
        )
    )
    assert (again.status_code, delta) == (409, 0)
    post(client, dw.station_staff, f"reports/{report.pk}/open")
    assert post(client, dw.station_staff, f"reports/{report.pk}/open").status_code == 409
    cancel = post(client, dw.station_staff, f"reports/{report.pk}/cancel", {"note": "取消"})
    assert cancel.status_code == 409
    empty = post(client, dw.station_staff, f"reports/{report.pk}/close")
    assert empty.status_code == 422
    assert empty.json()["detail"] == {"__all__": ["还没有任何选票，不能结束测评"]}


def test_paper_ballots_and_live_counts(client, dw):
    report, issued = voting(dw, codes=4)
    for _serial, code in issued[:3]:
        actions.ballot_cast(code=code, choice="competent")
    over = post(client, dw.station_staff, f"reports/{report.pk}/paper", {"basic": 8})
    assert over.status_code == 422
    assert over.json()["detail"] == {"counts": ["本次录入 8 张，超过尚未投票的选民代表人数 6"]}
    none = post(client, dw.station_staff, f"reports/{report.pk}/paper", {})
    assert none.json()["detail"] == {"counts": ["请填写票数"]}
    negative = post(client, dw.station_staff, f"reports/{report.pk}/paper", {"basic": -1})
    assert negative.status_code == 422
    post(client, dw.station_staff, f"reports/{report.pk}/paper", {"basic": 4, "void": 1})
    counts = get(client, dw.station_staff, f"reports/{report.pk}/counts").json()
    assert counts == {
        "state": "voting",
        "voter_count": 10,
        "verdict": "",
        "issued": 4,
        "used": 3,
        "voided": 0,
        "usable": 1,
        "phone": 3,
        "paper": 5,
        "ballots": 8,
        "seats_left": 1,
        "split": {"competent": 3, "basic": 4, "incompetent": 0, "void": 1},
    }
    # Readers who do not run the meeting see how many voted, never the running split:
    # watched vote by vote it would tell each voter's choice.
    for reader in (dw.dep_user, dw.leader):
        seen = get(client, reader, f"reports/{report.pk}/counts").json()
        assert seen["ballots"] == 8 and seen["split"] is None
        assert get(client, reader, f"reports/{report.pk}").json()["figures"]["split"] is None
    post(client, dw.station_staff, f"reports/{report.pk}/close")
    closed = get(client, dw.dep_user, f"reports/{report.pk}").json()
    # 3/7 competent < 80%; 7/7 ≥ 50%
    assert (closed["verdict"], closed["verdict_label"]) == ("basic", "基本称职")
    assert (closed["competent_percent"], closed["basic_percent"]) == (80.0, 50.0)
    assert closed["figures"]["split"]["basic"] == 4  # every reader, once closed
