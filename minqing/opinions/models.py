"""民情: citizen opinions from every channel, their assignments to handling units,
replies, ratings, extensions and meeting requests (DOMAIN.md §3).

An opinion's personal data (name, phone) lives on the opinion itself and is shown only
to those who handle it; public pages and the public API read the matter, the timeline's
public rows and the public replies, never the person.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from minqing.core.models import Region
from minqing.core.scoping import Scope
from minqing.people.models import Deputy, HandlingUnit
from minqing.stations.models import Station

TRACKING_CODE_LENGTH = 10


class Channel(models.TextChoices):
    QR = "qr", _("扫码反映")
    WEB = "web", _("网上反映")
    VISIT = "visit", _("来访接待")
    BOOTH = "booth", _("摆摊接待")
    PHONE = "phone", _("来电")
    LETTER = "letter", _("来信")
    ONLINE_DAY = "online_day", _("网上接待日")
    DEPUTY_PHOTO = "deputy_photo", _("代表随手拍")
    QUESTIONNAIRE = "questionnaire", _("问卷调查")


# Channels a citizen uses without an account; the rest are entered by staff or deputies.
PUBLIC_CHANNELS = (Channel.QR, Channel.WEB)
STAFF_CHANNELS = (
    Channel.VISIT,
    Channel.BOOTH,
    Channel.PHONE,
    Channel.LETTER,
    Channel.ONLINE_DAY,
    Channel.QUESTIONNAIRE,
)


class Kind(models.TextChoices):
    CONSULT = "consult", _("咨询")
    HELP = "help", _("求助")
    COMPLAINT = "complaint", _("投诉")
    REPORT = "report", _("举报")
    SUGGESTION = "suggestion", _("建议")


class OpinionState(models.TextChoices):
    RECEIVED = "received", _("待处理")
    TRIAGE = "triage", _("待分办")
    FORWARDED = "forwarded", _("已转办")
    HANDLING = "handling", _("办理中")
    REPLIED = "replied", _("已答复")
    CLOSED = "closed", _("已办结")
    MERGED = "merged", _("已合并")
    DECLINED = "declined", _("不予受理")
    SUGGESTION = "suggestion", _("转为代表建议")


OPEN_STATES = (
    OpinionState.RECEIVED,
    OpinionState.TRIAGE,
    OpinionState.FORWARDED,
    OpinionState.HANDLING,
    OpinionState.REPLIED,
)
FINAL_STATES = (
    OpinionState.CLOSED,
    OpinionState.MERGED,
    OpinionState.DECLINED,
    OpinionState.SUGGESTION,
)
# States in which a handling unit holds the opinion and a deadline runs.
UNIT_STATES = (OpinionState.FORWARDED, OpinionState.HANDLING)


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Resolution(models.TextChoices):
    SOLVED = "solved", _("已解决")
    PARTLY = "partly", _("部分解决")
    EXPLAINED = "explained", _("已解释说明")


class ReplyKind(models.TextChoices):
    ON_SPOT = "on_spot", _("当场答复")
    UNIT = "unit", _("承办单位答复")


class ContactMethod(models.TextChoices):
    PHONE = "phone", _("电话")
    VISIT = "visit", _("上门走访")
    MEETING = "meeting", _("约见面谈")
    MESSAGE = "message", _("短信/微信")
    OTHER = "other", _("其他")


class DeclineReason(models.TextChoices):
    LITIGATION = "litigation", _("已进入诉讼程序")
    ARBITRATION = "arbitration", _("已进入仲裁程序")
    PETITION = "petition", _("已通过信访等法定途径处理")
    EMERGENCY = "emergency", _("紧急事项（请拨打110/119/120）")
    OUT_OF_SCOPE = "out_of_scope", _("不属于本地区或人大工作范围")
    INVALID = "invalid", _("内容不明确或无实际诉求")


class Opinion(models.Model):
    """One matter a citizen (or a deputy) raised, followed by a tracking code."""

    code = models.CharField(_("查询码"), max_length=16, unique=True)
    client_token = models.UUIDField(_("提交令牌"), null=True, blank=True, unique=True)
    region = models.ForeignKey(
        Region, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="opinions"
    )
    station = models.ForeignKey(
        Station,
        verbose_name=_("联络站"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opinions",
    )
    channel = models.CharField(_("渠道"), max_length=16, choices=Channel.choices)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    category = models.CharField(_("分类"), max_length=30, blank=True)
    text = models.TextField(_("反映内容"))
    address = models.CharField(_("事发地址"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    citizen_name = models.CharField(_("姓名"), max_length=40, blank=True)
    citizen_phone = models.CharField(_("手机号码"), max_length=11, blank=True)
    consent_at = models.DateTimeField(_("同意个人信息处理时间"), null=True, blank=True)
    raised_by_deputy = models.ForeignKey(
        Deputy,
        verbose_name=_("反映代表"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="raised_opinions",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    state = models.CharField(
        _("状态"), max_length=12, choices=OpinionState.choices, default=OpinionState.RECEIVED
    )
    unit = models.ForeignKey(
        HandlingUnit,
        verbose_name=_("承办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="opinions",
    )
    assignment = models.OneToOneField(
        "OpinionAssignment",
        verbose_name=_("当前交办"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reply_due = models.DateField(_("答复期限"), null=True, blank=True)
    master = models.ForeignKey(
        "self",
        verbose_name=_("合并至"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    decline_reason = models.CharField(
        _("不予受理原因"), max_length=16, choices=DeclineReason.choices, blank=True
    )
    decline_note = models.TextField(_("告知说明"), blank=True)
    rehandle_count = models.PositiveSmallIntegerField(_("重办次数"), default=0)
    satisfaction = models.CharField(
        _("评价"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    created_at = models.DateTimeField(_("受理时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)

    SCOPE = Scope(region="region", unit="unit", station="station")

    class Meta:
        verbose_name = _("民情")
        verbose_name_plural = _("民情")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["region", "state", "reply_due"], name="opinion_region_state_due"),
            models.Index(fields=["unit", "state", "reply_due"], name="opinion_unit_state_due"),
            models.Index(fields=["station", "state", "created_at"], name="opinion_station_state"),
            models.Index(fields=["state", "reply_due"], name="opinion_state_due"),
            models.Index(fields=["created_at"], name="opinion_created"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def summary(self) -> str:
        return self.text if len(self.text) <= 40 else self.text[:40] + "…"

    @property
    def phone_masked(self) -> str:
        p = self.citizen_phone
        return f"{p[:3]}****{p[-4:]}" if len(p) == 11 else ""


class OpinionAssignment(models.Model):
    """One handover of an opinion to a handling unit for one round of handling.

    A returned assignment keeps its row (回退率 counts them); re-handling after 不满意
    opens a new round with its own reply deadline.
    """

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(
        HandlingUnit,
        verbose_name=_("承办单位"),
        on_delete=models.PROTECT,
        related_name="opinion_assignments",
    )
    round = models.PositiveSmallIntegerField(_("轮次"), default=1)
    forwarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    forwarded_at = models.DateTimeField(_("转办时间"))
    instructions = models.TextField(_("交办意见"), blank=True)
    sign_due = models.DateField(_("签收期限"))
    contact_due = models.DateField(_("联系期限"))
    reply_due = models.DateField(_("答复期限"))
    deadline_provisional = models.BooleanField(_("期限按暂定日历计算"), default=False)
    extended_days = models.PositiveSmallIntegerField(_("延期工作日"), default=0)
    signed_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    contacted_at = models.DateTimeField(_("首次联系时间"), null=True, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回理由"), blank=True)

    SCOPE = Scope(region="opinion__region", unit="unit")

    class Meta:
        verbose_name = _("交办记录")
        verbose_name_plural = _("交办记录")
        ordering = ["forwarded_at", "id"]
        indexes = [
            models.Index(fields=["unit", "forwarded_at"], name="opinion_assign_unit"),
            models.Index(fields=["reply_due", "replied_at"], name="opinion_assign_due"),
        ]

    def __str__(self) -> str:
        return f"{self.opinion} → {self.unit}"


class OpinionReply(models.Model):
    """An answer: on the spot by a deputy or staff, or a handling unit's reply."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="replies")
    assignment = models.ForeignKey(
        OpinionAssignment,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
    )
    kind = models.CharField(_("答复方式"), max_length=10, choices=ReplyKind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Shown publicly: the unit's or station's name, never the person.
    responder = models.CharField(_("答复单位"), max_length=100)
    public_text = models.TextField(_("答复内容"))
    internal_note = models.TextField(_("内部备注"), blank=True)
    resolution = models.CharField(_("解决情况"), max_length=10, choices=Resolution.choices)
    created_at = models.DateTimeField(_("答复时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("答复")
        verbose_name_plural = _("答复")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.opinion} · {self.responder}"


class OpinionRating(models.Model):
    """The citizen's rating of one reply."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="ratings")
    reply = models.OneToOneField(OpinionReply, on_delete=models.CASCADE, related_name="rating")
    level = models.CharField(_("评价"), max_length=12, choices=Satisfaction.choices)
    comment = models.CharField(_("评价意见"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("评价时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评价")
        verbose_name_plural = _("评价")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.opinion} · {self.get_level_display()}"


class OpinionContact(models.Model):
    """A handling unit's contact with the citizen (phone call, visit …)."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="contacts")
    assignment = models.ForeignKey(
        OpinionAssignment, on_delete=models.CASCADE, related_name="contacts"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    method = models.CharField(_("联系方式"), max_length=10, choices=ContactMethod.choices)
    contacted_at = models.DateTimeField(_("联系时间"))
    note = models.TextField(_("联系情况"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("联系记录")
        verbose_name_plural = _("联系记录")
        ordering = ["contacted_at", "id"]

    def __str__(self) -> str:
        return f"{self.opinion} · {self.get_method_display()}"


class ExtensionState(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已同意")
    REFUSED = "refused", _("不同意")


class OpinionExtension(models.Model):
    """A unit's request for more working days, decided by the office."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="extensions")
    assignment = models.ForeignKey(
        OpinionAssignment, on_delete=models.CASCADE, related_name="extensions"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    working_days = models.PositiveSmallIntegerField(_("申请延长工作日"))
    reason = models.TextField(_("延期理由"))
    state = models.CharField(
        _("状态"), max_length=10, choices=ExtensionState.choices, default=ExtensionState.PENDING
    )
    old_due = models.DateField(_("原答复期限"))
    new_due = models.DateField(_("新答复期限"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)

    SCOPE = Scope(region="opinion__region", unit="assignment__unit")

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment"],
                condition=models.Q(state="pending"),
                name="opinion_one_pending_extension",
            )
        ]

    def __str__(self) -> str:
        return f"{self.opinion} +{self.working_days}"


class FileKind(models.TextChoices):
    PHOTO = "photo", _("照片")
    ATTACHMENT = "attachment", _("附件")


def _upload_to(instance: OpinionFile, filename: str) -> str:
    # The file name is random (uploads.py); the citizen's own name never reaches disk.
    return f"opinions/{instance.opinion.created_at:%Y/%m}/{filename}"


class OpinionFile(models.Model):
    """A photo the citizen sent or an attachment of a reply, re-encoded on upload."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="files")
    reply = models.ForeignKey(
        OpinionReply, null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=FileKind.choices)
    file = models.FileField(_("文件"), upload_to=_upload_to, max_length=200)
    name = models.CharField(_("文件名"), max_length=100)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class MeetingState(models.TextChoices):
    REQUESTED = "requested", _("待答复")
    ACCEPTED = "accepted", _("已同意约见")
    DECLINED = "declined", _("已婉拒")


class MeetingRequest(models.Model):
    """A citizen's request to meet a deputy at a station (约见代表).

    It rides on an opinion so the citizen follows it with the same tracking code.
    """

    opinion = models.OneToOneField(Opinion, on_delete=models.CASCADE, related_name="meeting")
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="meetings")
    deputy = models.ForeignKey(
        Deputy,
        verbose_name=_("约见代表"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    preferred_time = models.CharField(_("希望时间"), max_length=100, blank=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=MeetingState.choices, default=MeetingState.REQUESTED
    )
    meet_at = models.DateTimeField(_("约见时间"), null=True, blank=True)
    place = models.CharField(_("约见地点"), max_length=200, blank=True)
    decline_reason = models.TextField(_("婉拒理由"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE = Scope(region="station__region", station="station")

    class Meta:
        verbose_name = _("约见代表")
        verbose_name_plural = _("约见代表")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["station", "state"], name="opinion_meeting_station")]

    def __str__(self) -> str:
        return f"{self.opinion} · {self.deputy or self.station}"


class ReminderKind(models.TextChoices):
    SIGN_OVERDUE = "sign_overdue", _("签收超期")
    DUE_SOON = "due_soon", _("即将到期")
    OVERDUE_UNIT = "overdue_unit", _("超期（承办单位）")
    OVERDUE_ESCALATED = "overdue_escalated", _("超期督办（人大办公室）")


class OpinionReminder(models.Model):
    """That a reminder of one kind was sent for one assignment: sent once, never twice."""

    assignment = models.ForeignKey(
        OpinionAssignment, on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "kind"], name="opinion_reminder_once")
        ]

    def __str__(self) -> str:
        return f"{self.assignment_id} {self.kind}"
