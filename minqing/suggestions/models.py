"""议案 and 建议: deputies' motions and suggestions from the draft to the deputy's rating
(DOMAIN.md §4; Deputies Law Art 51–52 and the city rules in shared/law/).

A suggestion belongs to the congress its deputies sit in; ``region`` is that congress's
region and scopes every query. Handling units reach an item only through their
:class:`Assignment` rows. The contact given on a suggestion is private: units handling it
and the office read it; public pages and the public API never do.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from minqing.core.models import Region
from minqing.core.scoping import Scope
from minqing.opinions.models import Opinion
from minqing.opinions.models import Satisfaction as Level  # the same three ratings
from minqing.people.models import Congress, Deputy, HandlingUnit, Term

PUBLIC_CODE_LENGTH = 8


class Kind(models.TextChoices):
    SUGGESTION = "suggestion", _("建议")
    MOTION = "motion", _("议案")


class Timing(models.TextChoices):
    SESSION = "session", _("大会期间")
    INTERIM = "interim", _("闭会期间")


class Disclosure(models.TextChoices):
    PUBLIC = "public", _("公开")
    SECRET = "secret", _("涉密，不公开")
    PRIVATE = "private", _("涉及个人隐私，不公开")


class SuggestionState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审查")
    NOT_ACCEPTED = "not_accepted", _("不予受理")
    WITHDRAWN = "withdrawn", _("已撤回")
    ACCEPTED = "accepted", _("待交办")
    ASSIGNED = "assigned", _("办理中")
    REPLIED = "replied", _("已答复")
    REHANDLING = "rehandling", _("重新办理")
    CLOSED = "closed", _("已办结")
    # Motions only: the presidium's decision.
    ON_AGENDA = "on_agenda", _("列入会议议程")
    NOT_PLACED = "not_placed", _("不列入会议议程")
    CONVERTED = "converted", _("转为建议")


# States in which an item is with the handling units or beyond (交办后).
ASSIGNED_STATES = (
    SuggestionState.ASSIGNED,
    SuggestionState.REPLIED,
    SuggestionState.REHANDLING,
    SuggestionState.CLOSED,
)
# States a deputy may still withdraw from (撤回: before assignment).
WITHDRAWABLE_STATES = (SuggestionState.DRAFT, SuggestionState.SUBMITTED, SuggestionState.ACCEPTED)


class RejectReason(models.TextChoices):
    """Why the office does not accept a suggestion (DOMAIN §4 screening)."""

    PERSONAL = "personal", _("属于代表本人及其亲属的个人事项")
    ACCUSATION = "accusation", _("属于检举、控告、申诉")
    LITIGATION = "litigation", _("涉及已进入诉讼、仲裁等法定程序的案件")
    JURISDICTION = "jurisdiction", _("不属于本级人大及其常委会、本级国家机关职权范围")
    NO_CONTENT = "no_content", _("没有具体内容，或一件建议包含多个事项")


class PresidiumDecision(models.TextChoices):
    AGENDA = "agenda", _("列入会议议程")
    NOT_PLACED = "not_placed", _("不列入会议议程")
    CONVERTED = "converted", _("转为代表建议")


class HandlingMode(models.TextChoices):
    LEAD = "lead", _("主办、会办")
    SEPARATE = "separate", _("分办")


class ResultClass(models.TextChoices):
    A = "A", _("A类：已经解决或基本解决")
    B = "B", _("B类：正在解决或列入计划解决")
    C = "C", _("C类：因条件限制需待以后解决")
    D = "D", _("D类：留作参考")


class CongressSession(models.Model):
    """A plenary session (人民代表大会第N次会议): suggestions raised during it are
    大会期间 items and are assigned together after it closes."""

    congress = models.ForeignKey(
        Congress, verbose_name=_("人民代表大会"), on_delete=models.PROTECT, related_name="sessions"
    )
    term = models.ForeignKey(
        Term, verbose_name=_("届次"), on_delete=models.PROTECT, related_name="sessions"
    )
    number = models.PositiveSmallIntegerField(_("会次"))
    name = models.CharField(_("名称"), max_length=120)
    start_date = models.DateField(_("开幕日期"))
    end_date = models.DateField(_("闭幕日期"))

    SCOPE = Scope(region="congress__region")

    class Meta:
        verbose_name = _("大会会议")
        verbose_name_plural = _("大会会议")
        ordering = ["-start_date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["term", "number"], name="suggestion_session_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Suggestion(models.Model):
    """One motion (议案) or suggestion (建议、批评和意见) — one matter each."""

    code = models.CharField(_("公开编号"), max_length=12, unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    congress = models.ForeignKey(
        Congress, verbose_name=_("人民代表大会"), on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="suggestions"
    )
    session = models.ForeignKey(
        CongressSession,
        verbose_name=_("大会会议"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="suggestions",
    )
    timing = models.CharField(_("提出时间"), max_length=10, choices=Timing.choices)
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    # The official serial within (congress, year, kind), given on submission.
    number = models.PositiveIntegerField(_("编号"), null=True, blank=True)
    title = models.CharField(_("标题"), max_length=200)
    category = models.CharField(_("类别"), max_length=40, blank=True)
    grounds = models.TextField(_("案由与理由"))
    proposal = models.TextField(_("建议与办法"))
    lead_deputy = models.ForeignKey(
        Deputy, verbose_name=_("领衔代表"), on_delete=models.PROTECT, related_name="led_suggestions"
    )
    deputies = models.ManyToManyField(
        Deputy, through="Signer", related_name="suggestions", verbose_name=_("提出代表")
    )
    # PRIVATE: read by the office and the units handling it, never published.
    contact_name = models.CharField(_("联系人"), max_length=40, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    disclosure = models.CharField(
        _("公开属性"), max_length=10, choices=Disclosure.choices, default=Disclosure.PUBLIC
    )
    state = models.CharField(
        _("状态"),
        max_length=14,
        choices=SuggestionState.choices,
        default=SuggestionState.DRAFT,
        db_index=True,
    )
    opinions = models.ManyToManyField(
        Opinion, through="SourceOpinion", related_name="suggestions", verbose_name=_("来源民情")
    )
    converted_from = models.OneToOneField(
        "self",
        verbose_name=_("由议案转来"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="converted_to",
    )
    # Screening and the presidium's decision.
    reject_reason = models.CharField(
        _("不予受理理由"), max_length=20, choices=RejectReason.choices, blank=True
    )
    screen_note = models.TextField(_("审查意见"), blank=True)
    presidium_decision = models.CharField(
        _("主席团决定"), max_length=12, choices=PresidiumDecision.choices, blank=True
    )
    # Handling.
    handling_mode = models.CharField(
        _("办理方式"), max_length=10, choices=HandlingMode.choices, blank=True
    )
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    rehandle_count = models.PositiveSmallIntegerField(_("重新办理次数"), default=0)
    withdraw_requested_at = models.DateTimeField(_("申请撤回时间"), null=True, blank=True)
    # Deadlines (data, not code branches) and milestones.
    assign_due = models.DateField(_("交办期限"), null=True, blank=True)
    feedback_due = models.DateField(_("反馈期限"), null=True, blank=True)
    deadline_provisional = models.BooleanField(_("期限按暂定日历计算"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    # The latest round's outcome, kept for lists and statistics.
    result_class = models.CharField(
        _("办理结果"), max_length=1, choices=ResultClass.choices, blank=True
    )
    satisfaction = models.CharField(_("代表评价"), max_length=12, choices=Level.choices, blank=True)

    SCOPE = Scope(region="region")

    class Meta:
        verbose_name = _("议案建议")
        verbose_name_plural = _("议案建议")
        ordering = ["-year", "kind", "-number", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["congress", "year", "kind", "number"], name="suggestion_number_unique"
            )
        ]
        indexes = [
            models.Index(fields=["region", "state", "year"], name="suggestion_region_state"),
            models.Index(fields=["session", "state"], name="suggestion_session_state"),
            models.Index(fields=["state", "assign_due"], name="suggestion_state_due"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def display_number(self) -> str:
        """第12号 style serial, or the public code while a draft."""
        if self.number is None:
            return self.code
        return f"{self.year}-{self.number:04d}"

    @property
    def is_public(self) -> bool:
        return self.disclosure == Disclosure.PUBLIC


class SignerState(models.TextChoices):
    INVITED = "invited", _("待确认")
    CONFIRMED = "confirmed", _("已联名")
    DECLINED = "declined", _("已谢绝")


class Signer(models.Model):
    """A deputy on a suggestion: the lead (领衔) or a co-signer (附议) who confirms in
    their own account. Withdrawing a joint item needs every confirmed signer's consent."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="signers")
    deputy = models.ForeignKey(Deputy, on_delete=models.PROTECT, related_name="signatures")
    is_lead = models.BooleanField(_("领衔"), default=False)
    state = models.CharField(
        _("状态"), max_length=10, choices=SignerState.choices, default=SignerState.INVITED
    )
    invited_at = models.DateTimeField(_("邀请时间"), auto_now_add=True)
    answered_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    withdraw_agreed_at = models.DateTimeField(_("同意撤回时间"), null=True, blank=True)

    SCOPE = Scope(region="suggestion__region")

    class Meta:
        verbose_name = _("提出代表")
        verbose_name_plural = _("提出代表")
        ordering = ["-is_lead", "invited_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "deputy"], name="suggestion_signer_once")
        ]
        indexes = [models.Index(fields=["deputy", "state"], name="suggestion_signer_deputy")]

    def __str__(self) -> str:
        return f"{self.suggestion} · {self.deputy}"


class SourceOpinion(models.Model):
    """A citizen opinion carried into a suggestion: the citizen's track page shows the
    suggestion's number and its outcome."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="sources")
    opinion = models.ForeignKey(Opinion, on_delete=models.PROTECT, related_name="suggestion_links")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("来源民情")
        verbose_name_plural = _("来源民情")
        constraints = [
            models.UniqueConstraint(fields=["suggestion", "opinion"], name="suggestion_source_once")
        ]

    def __str__(self) -> str:
        return f"{self.suggestion_id} ← {self.opinion_id}"


class AssignmentBatch(models.Model):
    """One confirmation on the batch assignment screen: its notices print together."""

    congress = models.ForeignKey(Congress, on_delete=models.PROTECT, related_name="+")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    session = models.ForeignKey(
        CongressSession, null=True, blank=True, on_delete=models.PROTECT, related_name="batches"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    size = models.PositiveIntegerField(_("件数"), default=0)

    SCOPE = Scope(region="region")

    class Meta:
        verbose_name = _("批量交办")
        verbose_name_plural = _("批量交办")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d} · {self.size}"


class UnitRole(models.TextChoices):
    LEAD = "lead", _("主办")
    CO = "co", _("会办")
    SEPARATE = "separate", _("分办")


class AssignmentState(models.TextChoices):
    PENDING = "pending", _("待签收")
    ACCEPTED = "accepted", _("办理中")
    REASSIGNING = "reassigning", _("申请调整中")
    ANSWERED = "answered", _("已答复")
    REMOVED = "removed", _("已调整")


# A lead or separate unit answers the deputy; a co-handler sends its view to the lead.
ANSWERING_ROLES = (UnitRole.LEAD, UnitRole.SEPARATE)


class Assignment(models.Model):
    """A suggestion in the hands of one handling unit (交办), with its deadlines."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(
        HandlingUnit,
        verbose_name=_("承办单位"),
        on_delete=models.PROTECT,
        related_name="suggestion_assignments",
    )
    role = models.CharField(_("承办方式"), max_length=10, choices=UnitRole.choices)
    state = models.CharField(
        _("状态"),
        max_length=12,
        choices=AssignmentState.choices,
        default=AssignmentState.PENDING,
    )
    batch = models.ForeignKey(
        AssignmentBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="items"
    )
    instructions = models.TextField(_("交办意见"), blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(_("交办时间"))
    reassign_due = models.DateField(_("申请调整期限"))
    view_due = models.DateField(_("会办意见期限"), null=True, blank=True)
    reply_due = models.DateField(_("答复期限"))
    reply_due_original = models.DateField(_("原答复期限"))
    deadline_provisional = models.BooleanField(_("期限按暂定日历计算"), default=False)
    accepted_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    contacted_at = models.DateTimeField(_("首次联系代表时间"), null=True, blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    removed_at = models.DateTimeField(_("调整时间"), null=True, blank=True)
    # A co-handler's view, sent to the lead unit (会办意见).
    view_text = models.TextField(_("会办意见"), blank=True)
    # Whether this unit's (latest) answer came in on time, kept for statistics.
    on_time = models.BooleanField(_("按期答复"), null=True, blank=True)

    SCOPE = Scope(region="suggestion__region", unit="unit")

    class Meta:
        verbose_name = _("交办")
        verbose_name_plural = _("交办")
        ordering = ["suggestion_id", "role", "id"]
        indexes = [
            models.Index(fields=["unit", "state", "reply_due"], name="suggestion_assign_unit"),
            models.Index(fields=["state", "reply_due"], name="suggestion_assign_due"),
        ]

    def __str__(self) -> str:
        return f"{self.suggestion} → {self.unit}"

    @property
    def answers_deputy(self) -> bool:
        return self.role in ANSWERING_ROLES


class RequestState(models.TextChoices):
    PENDING = "pending", _("待决定")
    APPROVED = "approved", _("已同意")
    REFUSED = "refused", _("不同意")


class ReassignRequest(models.Model):
    """A unit's application to have an item assigned elsewhere (调整交办). The unit keeps
    the item until the office decides; it may never pass it on itself."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="reassign_requests"
    )
    reason = models.TextField(_("申请理由"))
    suggested_unit = models.ForeignKey(
        HandlingUnit,
        verbose_name=_("建议改由"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=RequestState.choices, default=RequestState.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decide_due = models.DateField(_("决定期限"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("决定意见"), blank=True)
    new_unit = models.ForeignKey(
        HandlingUnit,
        verbose_name=_("改由单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    SCOPE = Scope(region="assignment__suggestion__region", unit="assignment__unit")

    class Meta:
        verbose_name = _("调整交办申请")
        verbose_name_plural = _("调整交办申请")
        ordering = ["decide_due", "id"]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.get_state_display()}"


class Extension(models.Model):
    """A unit's request to reply later than three months, up to the cap (延期答复)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="extensions")
    new_due = models.DateField(_("申请延至"))
    reason = models.TextField(_("理由"))
    state = models.CharField(
        _("状态"), max_length=10, choices=RequestState.choices, default=RequestState.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)

    SCOPE = Scope(region="assignment__suggestion__region", unit="assignment__unit")

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["requested_at", "id"]

    def __str__(self) -> str:
        return f"{self.assignment} → {self.new_due}"


class ContactMethod(models.TextChoices):
    VISIT = "visit", _("登门走访")
    MEETING = "meeting", _("座谈会商")
    SITE = "site", _("现场调研")
    PHONE = "phone", _("电话沟通")
    MESSAGE = "message", _("书面或短信")


class Contact(models.Model):
    """A unit's contact with the deputies (办前、办中、办后沟通)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="contacts")
    method = models.CharField(_("联系方式"), max_length=10, choices=ContactMethod.choices)
    contacted_at = models.DateTimeField(_("联系时间"))
    note = models.TextField(_("沟通情况"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("联系代表记录")
        verbose_name_plural = _("联系代表记录")
        ordering = ["contacted_at", "id"]

    def __str__(self) -> str:
        return f"{self.assignment} · {self.get_method_display()}"


class Reply(models.Model):
    """A unit's formal answer (答复函) for one round: result class, text, signed PDF."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="replies")
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="replies")
    round = models.PositiveSmallIntegerField(_("办理轮次"), default=1)
    result_class = models.CharField(_("办理结果"), max_length=1, choices=ResultClass.choices)
    text = models.TextField(_("答复内容"))
    signed_by = models.CharField(_("签发人"), max_length=40)
    contact_person = models.CharField(_("承办联系人"), max_length=40, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("答复")
        verbose_name_plural = _("答复")
        ordering = ["round", "created_at", "id"]
        indexes = [models.Index(fields=["created_at"], name="suggestion_reply_created")]

    def __str__(self) -> str:
        return f"{self.suggestion} · {self.assignment.unit}"


class Feedback(models.Model):
    """The deputy's rating of one reply (征询意见): on the result and on the contact."""

    reply = models.OneToOneField(Reply, on_delete=models.CASCADE, related_name="feedback")
    deputy = models.ForeignKey(Deputy, on_delete=models.PROTECT, related_name="+")
    result_level = models.CharField(_("对办理结果"), max_length=12, choices=Level.choices)
    contact_level = models.CharField(_("对沟通联系"), max_length=12, choices=Level.choices)
    comment = models.TextField(_("意见"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("代表反馈")
        verbose_name_plural = _("代表反馈")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.reply} · {self.get_result_level_display()}"


class SupervisionKind(models.TextChoices):
    KEY = "key", _("重点督办")
    LEAD = "lead", _("领导领办")


class Supervision(models.Model):
    """Who supervises an item: a key item of the chairpersons' council (重点督办) with
    its supervising leader and committee, or a leader who leads its handling (领办)."""

    suggestion = models.ForeignKey(
        Suggestion, on_delete=models.CASCADE, related_name="supervisions"
    )
    kind = models.CharField(_("督办类型"), max_length=6, choices=SupervisionKind.choices)
    leader = models.CharField(_("督办（领办）领导"), max_length=80)
    body = models.CharField(_("督办机构"), max_length=80, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("领导账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervised_suggestions",
    )
    note = models.TextField(_("督办要求"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("督办")
        verbose_name_plural = _("督办")
        ordering = ["kind", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.leader}"


class CommitmentState(models.TextChoices):
    OPEN = "open", _("推进中")
    FULFILLED = "fulfilled", _("已兑现")


class Commitment(models.Model):
    """A promise made in a class-B reply (承诺事项), followed until fulfilled. An open
    one is carried into the next year's ledger (``year`` moves on, ``first_year`` stays)."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="commitments")
    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="commitments")
    unit = models.ForeignKey(HandlingUnit, on_delete=models.PROTECT, related_name="commitments")
    text = models.TextField(_("承诺事项"))
    due_date = models.DateField(_("计划完成时间"), null=True, blank=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=CommitmentState.choices, default=CommitmentState.OPEN
    )
    first_year = models.PositiveSmallIntegerField(_("承诺年度"))
    year = models.PositiveSmallIntegerField(_("台账年度"), db_index=True)
    fulfilled_at = models.DateTimeField(_("兑现时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE = Scope(region="suggestion__region", unit="unit")

    class Meta:
        verbose_name = _("承诺事项")
        verbose_name_plural = _("承诺事项")
        ordering = ["state", "due_date", "id"]
        indexes = [models.Index(fields=["unit", "state", "year"], name="suggestion_commit_unit")]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def carried_over(self) -> bool:
        return self.year > self.first_year


class CommitmentProgress(models.Model):
    """A progress note on a commitment (进展情况)."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="progress")
    note = models.TextField(_("进展情况"))
    percent = models.PositiveSmallIntegerField(_("完成进度（%）"), default=0)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("承诺进展")
        verbose_name_plural = _("承诺进展")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.commitment} · {self.percent}%"


class FileKind(models.TextChoices):
    DRAFT = "draft", _("建议附件")
    REPLY = "reply", _("答复函")


def _upload_to(instance: SuggestionFile, filename: str) -> str:
    # The file name is random (opinions.uploads); the user's file name never reaches disk.
    return f"suggestions/{instance.suggestion.created_at:%Y/%m}/{filename}"


class SuggestionFile(models.Model):
    """An attachment of a draft, or a reply's signed document (PDF), validated on upload
    and served only through a view that checks access."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="files")
    reply = models.ForeignKey(
        Reply, null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=FileKind.choices)
    file = models.FileField(_("文件"), upload_to=_upload_to, max_length=200)
    name = models.CharField(_("文件名"), max_length=100)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Reminder(models.Model):
    """A reminder or escalation sent once per object, deadline kind and due date."""

    suggestion = models.ForeignKey(Suggestion, on_delete=models.CASCADE, related_name="reminders")
    assignment = models.ForeignKey(
        Assignment, null=True, blank=True, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=30)
    due = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Two constraints, because NULLs are distinct in a unique index: the item's own
        # deadlines (no assignment) would otherwise never clash.
        constraints = [
            models.UniqueConstraint(
                fields=["suggestion", "assignment", "kind", "due"],
                condition=models.Q(assignment__isnull=False),
                name="suggestion_reminder_once",
            ),
            models.UniqueConstraint(
                fields=["suggestion", "kind", "due"],
                condition=models.Q(assignment__isnull=True),
                name="suggestion_reminder_once_item",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} · {self.due}"
