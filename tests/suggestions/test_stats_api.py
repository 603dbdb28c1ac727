"""/api/v1/suggestions/stats/ (minqing.suggestions.stats_api): the permission matrix, the
parameters (the same as the page's), and output equal to the selector's figures with
numerator, denominator, value and definition."""

from __future__ import annotations

import pytest
from django.utils import timezone

from minqing.suggestions import statistics as st
from tests.suggestions.factories_stats import build

pytestmark = pytest.mark.django_db

API = "/api/v1/suggestions/stats/"


def api(client, user, **params):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.get(API, params)


def test_api_permission_matrix_parameters_and_output(client, sw):
    data = build(sw)
    t = sw.tree
    assert api(client, None).status_code == 401
    for user in (sw.nobody, sw.lead_staff, sw.co_staff, sw.lead_user):
        assert api(client, user).status_code == 403, user
    assert api(client, sw.office).status_code == 200
    assert api(client, sw.leader, group_by="year").status_code == 200
    assert api(client, sw.office, region=t.other_city.code).status_code == 404
    assert api(client, sw.office, region="nope").status_code == 404
    assert api(client, sw.district_office, region=t.city.code).status_code == 404
    assert api(client, sw.far_office, session=sw.session.pk).status_code == 404
    assert api(client, sw.office, session=2**70).status_code == 404
    assert api(client, sw.office, group_by="week").status_code == 422
    assert api(client, sw.office, kind="petition").status_code == 422
    assert api(client, sw.office, year=3000).status_code == 422

    # Out of scope: each office counts its own congress only.
    body = api(client, sw.far_office).json()
    assert [r["label"] for r in body["rows"]] == [sw.far_unit.name]
    assert body["total"]["figures"]["submitted"] == {
        "numerator": 1,
        "denominator": None,
        "value": 1,
    }
    body = api(client, sw.district_office, group_by="region").json()
    assert [r["label"] for r in body["rows"]] == ["滨江区（本级）", "江滨街道"]
    assert body["total"]["figures"]["satisfaction_rate"] == {
        "numerator": 1,
        "denominator": 1,
        "value": 1.0,
    }

    # The office: the same figures as the selector, with the definitions.
    year = timezone.localdate().year
    for params in (
        {"group_by": "unit"},
        {"group_by": "region", "region": t.city.code},
        {"group_by": "deputy", "signers": "true", "year": year},
        {"group_by": "year", "kind": "suggestion", "timing": "interim"},
        {"group_by": "unit", "session": sw.session.pk},
    ):
        body = api(client, sw.office, **params).json()
        filters = st.Filters(
            year=params.get("year"),
            session=sw.session if "session" in params else None,
            kind=params.get("kind", ""),
            timing=params.get("timing", ""),
            region=t.city if "region" in params else None,
            signers="signers" in params,
        )
        table = st.statistics(sw.office, group_by=params["group_by"], filters=filters)
        assert [r["key"] for r in body["rows"]] == [r.key for r in table.rows], params
        for row, out in zip(
            [*table.rows, table.total], [*body["rows"], body["total"]], strict=True
        ):
            assert out["label"] == row.label
            assert {k: (v["numerator"], v["denominator"]) for k, v in out["figures"].items()} == {
                k: (f.numerator, f.denominator) for k, f in row.figures.items()
            }, (params, row.key)
    assert body["session"] == sw.session.pk and body["group_by"] == "unit"

    body = api(client, sw.office).json()
    assert set(body["definitions"]) == set(st.DEFINITIONS)
    reply_rate = body["definitions"]["reply_rate"]
    assert reply_rate["name"] == "办复率" and reply_rate["kind"] == "rate"
    assert reply_rate["numerator"] and reply_rate["denominator"] and reply_rate["base"] == "parts"
    assert body["definitions"]["submitted"]["kind"] == "count"
    assert body["definitions"]["submitted"]["denominator"] == ""
    assert body["definitions"]["rehandle_rate"]["lower_is_better"] is True
    total = body["total"]["figures"]
    assert total["reply_rate"] == {"numerator": 10, "denominator": 11, "value": 0.9091}
    assert total["done_rate"]["value"] == 0.7
    assert total["submitted"]["value"] == 18
    assert body["rows"][-1]["key"] == "" and body["rows"][-1]["label"] == "未交办"
    unassigned = body["rows"][-1]["figures"]
    assert unassigned["reply_rate"] == {"numerator": 0, "denominator": 0, "value": None}
    assert data.s9.state == "submitted"  # one of the 未交办
