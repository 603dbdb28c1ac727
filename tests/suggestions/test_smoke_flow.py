"""The whole loop through the actions, as the issue's browser journey walks it."""

import datetime as dt

from minqing.core.models import AuditEntry
from minqing.suggestions import actions, selectors
from minqing.suggestions.models import Commitment
from tests.suggestions.factories import draft, drive, reply_as_lead


def test_joint_suggestion_from_draft_to_fulfilled_commitment(
    sw, django_capture_on_commit_callbacks
):
    s = draft(sw, joint=True)
    signer = s.signers.get(deputy=sw.co)
    actions.signer_confirm(actor=sw.co_user, signer=signer)
    actions.suggestion_submit(actor=sw.lead_user, suggestion=s)
    actions.suggestion_accept(actor=sw.office, suggestion=s)
    actions.suggestion_assign(
        actor=sw.office, suggestion=s, lead_unit=sw.lead_unit, co_units=[sw.co_unit]
    )
    co_part = s.assignments.get(unit=sw.co_unit)
    actions.assignment_accept(actor=sw.co_staff, assignment=co_part)
    actions.cohandler_view(
        actor=sw.co_staff, assignment=co_part, text="建议同步优化公交站点设置，方便老年人出行。"
    )
    reply_as_lead(
        sw, s, result_class="B", commitments=[("年内完成补贴办法修订", dt.date(2026, 12, 31))]
    )
    s.refresh_from_db()
    assert s.state == "replied"
    reply = s.replies.get()
    actions.suggestion_feedback(
        actor=sw.lead_user,
        reply=reply,
        result_level="unsatisfied",
        contact_level="basic",
        comment="补贴标准仍然偏低。",
    )
    s.refresh_from_db()
    assert s.state == "rehandling" and s.round == 2
    reply_as_lead(sw, s, result_class="B", commitments=[("明年一季度出台新办法", None)])
    s.refresh_from_db()
    reply2 = s.replies.get(round=2)
    actions.suggestion_feedback(
        actor=sw.lead_user, reply=reply2, result_level="satisfied", contact_level="satisfied"
    )
    s.refresh_from_db()
    assert s.state == "closed" and s.satisfaction == "satisfied"
    c = Commitment.objects.filter(suggestion=s).first()
    actions.commitment_fulfil(actor=sw.lead_staff, commitment=c, note="新补贴办法已印发实施。")
    assert selectors.published().filter(pk=s.pk).exists()
    view = selectors.detail_for(sw.co_staff, s)
    assert [a.unit_id for a in view.assignments] == [sw.co_unit.pk]


def test_motion_threshold_and_conversion(sw):
    m = draft(sw, kind="motion")
    import pytest
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        actions.suggestion_submit(actor=sw.lead_user, suggestion=m)
    actions.suggestion_invite(actor=sw.office, suggestion=m, deputies=sw.more[:9])
    actions.suggestion_submit(actor=sw.lead_user, suggestion=m)
    actions.motion_decide(actor=sw.office, suggestion=m, decision="converted")
    m.refresh_from_db()
    assert m.state == "converted" and m.converted_to.state == "submitted"


def test_drive_and_audit(sw):
    for state in ["not_accepted", "withdrawn", "closed", "rehandling"]:
        s = draft(sw)
        before = AuditEntry.objects.count()
        drive(sw, s, state)
        assert AuditEntry.objects.count() > before


def test_public_timeline_rows_carry_no_free_text(sw):
    """Public rows may reach public pages: the deputy's and the office's free text stays
    on the feedback, the item and the audit log."""
    s = drive(sw, draft(sw), "rehandling")
    public = list(selectors.timeline(s, public_only=True))
    assert [e.note for e in public if e.verb == "rehandle"] == [""]
    m = draft(sw, kind="motion")
    actions.suggestion_invite(actor=sw.office, suggestion=m, deputies=sw.more[:9])
    actions.suggestion_submit(actor=sw.lead_user, suggestion=m)
    actions.motion_decide(actor=sw.office, suggestion=m, decision="agenda", note="主席团会议记录")
    assert all(e.note == "" for e in selectors.timeline(m, public_only=True))
