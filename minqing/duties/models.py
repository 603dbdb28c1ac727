"""履职: deputies' activities and attendance, awards, points rules and published
rankings, reports to voters with their evaluation ballots, and unified reception days
(DOMAIN §2 and §5).

Counts of opinions and suggestions in the ledgers are read from the ``opinions`` and
``suggestions`` apps; nothing here copies them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from minqing.core.models import Region
from minqing.core.scoping import Scope
from minqing.people.models import CongressLevel, Deputy, DeputyGroup
from minqing.stations.models import ReceptionDay, Station


class ActivityKind(models.TextChoices):
    RECEPTION = "reception", _("接待选民")
    INSPECTION = "inspection", _("视察")
    RESEARCH = "research", _("调研")
    LAW_INSPECTION = "law_inspection", _("执法检查")
    MEETING = "meeting", _("参加会议")
    TRAINING = "training", _("学习培训")
    LECTURE = "lecture", _("代表讲坛")
    GROUP = "group", _("小组活动")
    PHOTO = "photo", _("履职随手拍")
    MEDIATION = "mediation", _("矛盾调解")
    OTHER = "other", _("其他活动")


class MeetingType(models.TextChoices):
    CONGRESS = "congress", _("人民代表大会会议")
    STANDING = "standing", _("列席常委会会议")
    COMMITTEE = "committee", _("专门委员会会议")
    OTHER = "other", _("其他会议")


class OrganiserKind(models.TextChoices):
    OFFICE = "office", _("人大机关")
    STATION = "station", _("联络站")
    GROUP = "group", _("代表小组")
    DEPUTY = "deputy", _("代表自行登记")


class ActivityState(models.TextChoices):
    PENDING = "pending", _("待审核")
    RECORDED = "recorded", _("已登记")
    REJECTED = "rejected", _("未通过审核")
    CANCELLED = "cancelled", _("已撤销")


class Activity(models.Model):
    """One duty activity: organised by the office, a station or a group leader (recorded
    at once), or reported by a deputy for approval (pending). ``region`` scopes it: the
    organiser's region (station or group region, or the office's chosen region)."""

    region = models.ForeignKey(
        Region, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="activities"
    )
    kind = models.CharField(_("活动类型"), max_length=16, choices=ActivityKind.choices)
    meeting_type = models.CharField(
        _("会议类型"), max_length=12, choices=MeetingType.choices, blank=True
    )
    title = models.CharField(_("活动名称"), max_length=120)
    date = models.DateField(_("活动日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    place = models.CharField(_("活动地点"), max_length=200, blank=True)
    summary = models.TextField(_("活动内容"), blank=True)
    organiser_kind = models.CharField(_("组织方"), max_length=10, choices=OrganiserKind.choices)
    station = models.ForeignKey(
        Station,
        verbose_name=_("联络站"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    group = models.ForeignKey(
        DeputyGroup,
        verbose_name=_("代表小组"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="activities",
    )
    reported_by = models.ForeignKey(
        Deputy,
        verbose_name=_("登记代表"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_activities",
    )
    unified_post = models.OneToOneField(
        "UnifiedPost",
        verbose_name=_("统一接待日站点"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activity",
    )
    extra_visitors = models.PositiveIntegerField(
        _("其他接待人次"),
        default=0,
        help_text=_("未登记为民情的来访群众（如当场咨询）"),
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=ActivityState.choices, default=ActivityState.RECORDED
    )
    review_note = models.CharField(_("审核意见"), max_length=300, blank=True)
    participants = models.ManyToManyField(
        Deputy, through="Participation", related_name="activities"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    SCOPE = Scope(region="region", station="station")

    class Meta:
        verbose_name = _("履职活动")
        verbose_name_plural = _("履职活动")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["region", "state", "date"], name="duties_activity_region"),
            models.Index(fields=["station", "date"], name="duties_activity_station"),
            models.Index(fields=["group", "date"], name="duties_activity_group"),
            models.Index(fields=["kind", "date"], name="duties_activity_kind"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def has_report(self) -> bool:
        return any(f.kind == ActivityFileKind.REPORT for f in self.files.all())


class Attendance(models.TextChoices):
    PRESENT = "present", _("出席")
    LEAVE = "leave", _("请假")
    ABSENT = "absent", _("缺席")


class ParticipationState(models.TextChoices):
    PENDING = "pending", _("待代表确认")
    CONFIRMED = "confirmed", _("已确认")
    DISPUTED = "disputed", _("代表有异议")
    REMOVED = "removed", _("已移除")


class Participation(models.Model):
    """A deputy in an activity (or at a meeting, with their attendance). The organiser
    records it; the deputy confirms or disputes it. Only confirmed rows of recorded
    activities count in the ledgers and points."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participations")
    deputy = models.ForeignKey(
        Deputy, verbose_name=_("代表"), on_delete=models.PROTECT, related_name="participations"
    )
    attendance = models.CharField(
        _("出席情况"), max_length=8, choices=Attendance.choices, default=Attendance.PRESENT
    )
    state = models.CharField(
        _("确认状态"),
        max_length=10,
        choices=ParticipationState.choices,
        default=ParticipationState.PENDING,
    )
    dispute_reason = models.CharField(_("异议理由"), max_length=300, blank=True)
    answered_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)

    SCOPE = Scope(region="activity__region", station="activity__station")

    class Meta:
        verbose_name = _("参加代表")
        verbose_name_plural = _("参加代表")
        ordering = ["activity", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "deputy"], name="duties_participation_unique"
            )
        ]
        indexes = [
            models.Index(fields=["deputy", "state"], name="duties_participation_deputy"),
        ]

    def __str__(self) -> str:
        return f"{self.activity} · {self.deputy}"


class ActivityFileKind(models.TextChoices):
    PHOTO = "photo", _("活动照片")
    REPORT = "report", _("活动报告")


def _upload_to(instance: ActivityFile, filename: str) -> str:
    # The file name is random (opinions.uploads); the user's file name never reaches disk.
    return f"duties/{instance.activity.date:%Y/%m}/{filename}"


class ActivityFile(models.Model):
    """A photo (re-encoded, metadata stripped) or an attached report (PDF) of an activity,
    served only through a view that checks access."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField(_("类型"), max_length=8, choices=ActivityFileKind.choices)
    file = models.FileField(_("文件"), upload_to=_upload_to, max_length=200)
    name = models.CharField(_("文件名"), max_length=100)
    content_type = models.CharField(max_length=50)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("活动附件")
        verbose_name_plural = _("活动附件")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class Award(models.Model):
    """An award or commendation of a deputy (duty record section 8), recorded by the office."""

    deputy = models.ForeignKey(
        Deputy, verbose_name=_("代表"), on_delete=models.PROTECT, related_name="awards"
    )
    region = models.ForeignKey(Region, verbose_name=_("区域"), on_delete=models.PROTECT)
    date = models.DateField(_("表彰日期"))
    title = models.CharField(_("表彰名称"), max_length=120)
    issuer = models.CharField(_("授予单位"), max_length=100)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE = Scope(region="region")

    class Meta:
        verbose_name = _("获奖表彰")
        verbose_name_plural = _("获奖表彰")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.title


class PointSource(models.TextChoices):
    """What earns points: each activity kind, plus the work other apps hold."""

    RECEPTION = "reception", _("接待选民")
    INSPECTION = "inspection", _("视察")
    RESEARCH = "research", _("调研")
    LAW_INSPECTION = "law_inspection", _("执法检查")
    MEETING = "meeting", _("参加会议")
    TRAINING = "training", _("学习培训")
    LECTURE = "lecture", _("代表讲坛")
    GROUP = "group", _("小组活动")
    PHOTO = "photo", _("履职随手拍")
    MEDIATION = "mediation", _("矛盾调解")
    OTHER = "other", _("其他活动")
    RESEARCH_REPORT = "research_report", _("提交调研报告")
    SUGGESTION = "suggestion", _("领衔提出建议")
    MOTION = "motion", _("领衔提出议案")
    COSIGN = "cosign", _("联名提出议案建议")
    OPINION = "opinion", _("反映社情民意")
    REPORT = "report", _("向选民述职")
    AWARD = "award", _("获奖表彰")
    ABSENCE = "absence", _("无故缺席会议")


class PointsRule(models.Model):
    """Points for one source in a region (and below, unless a child region sets its own):
    ``points`` per occurrence, at most ``annual_cap`` a year (blank: no cap)."""

    region = models.ForeignKey(
        Region, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="points_rules"
    )
    source = models.CharField(_("积分项目"), max_length=16, choices=PointSource.choices)
    points = models.DecimalField(_("每次分值"), max_digits=6, decimal_places=1)
    annual_cap = models.DecimalField(
        _("年度上限"), max_digits=7, decimal_places=1, null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    SCOPE = Scope(region="region")

    class Meta:
        verbose_name = _("积分规则")
        verbose_name_plural = _("积分规则")
        ordering = ["region__path", "source"]
        constraints = [
            models.UniqueConstraint(fields=["region", "source"], name="duties_rule_unique")
        ]

    def __str__(self) -> str:
        return f"{self.region} · {self.get_source_display()}"


class RankingState(models.TextChoices):
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已撤回")


class PointsRanking(models.Model):
    """A quarterly ranking frozen when the office publishes it: the deputies of one
    congress level in a region (or one group), by points earned in the year up to the
    quarter's end."""

    region = models.ForeignKey(
        Region, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="rankings"
    )
    level = models.PositiveSmallIntegerField(_("代表层级"), choices=CongressLevel.choices)
    group = models.ForeignKey(
        DeputyGroup,
        verbose_name=_("代表小组"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rankings",
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    quarter = models.PositiveSmallIntegerField(_("季度"))
    state = models.CharField(
        _("状态"), max_length=10, choices=RankingState.choices, default=RankingState.PUBLISHED
    )
    code = models.CharField(_("公开码"), max_length=12, unique=True)
    published_at = models.DateTimeField(_("发布时间"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    SCOPE = Scope(region="region")

    class Meta:
        verbose_name = _("履职积分排名")
        verbose_name_plural = _("履职积分排名")
        ordering = ["-year", "-quarter", "level", "id"]
        indexes = [models.Index(fields=["region", "year", "quarter"], name="duties_ranking")]

    def __str__(self) -> str:
        return f"{self.region} {self.year}Q{self.quarter}"


class PointsRankingRow(models.Model):
    ranking = models.ForeignKey(PointsRanking, on_delete=models.CASCADE, related_name="rows")
    deputy = models.ForeignKey(Deputy, on_delete=models.PROTECT, related_name="+")
    rank = models.PositiveIntegerField(_("名次"))
    points = models.DecimalField(_("累计积分"), max_digits=8, decimal_places=1)
    quarter_points = models.DecimalField(_("本季度积分"), max_digits=8, decimal_places=1)

    class Meta:
        ordering = ["rank", "id"]

    def __str__(self) -> str:
        return f"{self.ranking} #{self.rank}"


class ReportState(models.TextChoices):
    SCHEDULED = "scheduled", _("已安排")
    REPORTED = "reported", _("已述职")
    VOTING = "voting", _("评议中")
    CLOSED = "closed", _("已出结果")
    CANCELLED = "cancelled", _("已取消")


class Verdict(models.TextChoices):
    COMPETENT = "competent", _("称职")
    BASIC = "basic", _("基本称职")
    INCOMPETENT = "incompetent", _("不称职")


class DutyReport(models.Model):
    """A deputy's report to voters (述职) at a meeting, and the voters' representatives'
    evaluation (评议) of it. Counts and the verdict are stored when voting closes, with
    the thresholds that produced them."""

    deputy = models.ForeignKey(
        Deputy, verbose_name=_("述职代表"), on_delete=models.PROTECT, related_name="duty_reports"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="duty_reports"
    )
    station = models.ForeignKey(
        Station,
        verbose_name=_("联络站"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duty_reports",
    )
    title = models.CharField(_("会议名称"), max_length=120)
    date = models.DateField(_("会议日期"))
    start_time = models.TimeField(_("开始时间"), null=True, blank=True)
    place = models.CharField(_("会议地点"), max_length=200)
    voter_count = models.PositiveIntegerField(_("选民代表人数"))
    report_text = models.TextField(_("述职报告"), blank=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=ReportState.choices, default=ReportState.SCHEDULED
    )
    competent = models.PositiveIntegerField(_("称职票"), default=0)
    basic = models.PositiveIntegerField(_("基本称职票"), default=0)
    incompetent = models.PositiveIntegerField(_("不称职票"), default=0)
    void = models.PositiveIntegerField(_("废票"), default=0)
    verdict = models.CharField(_("评议结果"), max_length=12, choices=Verdict.choices, blank=True)
    competent_percent = models.DecimalField(
        _("称职线"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    basic_percent = models.DecimalField(
        _("基本称职线"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    reported_at = models.DateTimeField(_("述职时间"), null=True, blank=True)
    voting_opened_at = models.DateTimeField(_("开始评议时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结果公布时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE = Scope(region="region", station="station")

    class Meta:
        verbose_name = _("述职评议")
        verbose_name_plural = _("述职评议")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["region", "state", "date"], name="duties_report_region")]

    def __str__(self) -> str:
        return self.title

    @property
    def valid_ballots(self) -> int:
        return self.competent + self.basic + self.incompetent


class BallotCode(models.Model):
    """A single-use code printed on a slip handed to one voters' representative. Only its
    hash is stored: the plain codes exist on the printed slips alone."""

    report = models.ForeignKey(DutyReport, on_delete=models.CASCADE, related_name="codes")
    serial = models.PositiveIntegerField(_("序号"))
    code_hash = models.CharField(max_length=64, unique=True)
    issued_at = models.DateTimeField(auto_now_add=True)
    # Set to the opening of the voting, not the moment of use: a per-vote time could be
    # matched with the order of the ballots.
    used_at = models.DateTimeField(_("已使用"), null=True, blank=True)
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    void_reason = models.CharField(_("作废原因"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("测评码")
        verbose_name_plural = _("测评码")
        ordering = ["report", "serial"]
        constraints = [
            models.UniqueConstraint(fields=["report", "serial"], name="duties_code_serial")
        ]

    def __str__(self) -> str:
        return f"{self.report_id}#{self.serial}"


class BallotChannel(models.TextChoices):
    PHONE = "phone", _("手机测评")
    PAPER = "paper", _("纸质票")


class BallotChoice(models.TextChoices):
    COMPETENT = "competent", _("称职")
    BASIC = "basic", _("基本称职")
    INCOMPETENT = "incompetent", _("不称职")
    VOID = "void", _("废票")


class Ballot(models.Model):
    """One representative's ballot: cast on a phone with a code, or a paper ballot entered
    by staff (a blank or spoiled paper ballot is entered as 废票).

    Secret ballot: a ballot is never linked to a person, nor to the code (whose serial
    staff could match to a sign-in list), and carries no time finer than the opening of
    the voting, so neither its row nor its order tells who cast it."""

    report = models.ForeignKey(DutyReport, on_delete=models.CASCADE, related_name="ballots")
    choice = models.CharField(_("评议意见"), max_length=12, choices=BallotChoice.choices)
    channel = models.CharField(_("方式"), max_length=6, choices=BallotChannel.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("测评票")
        verbose_name_plural = _("测评票")
        indexes = [models.Index(fields=["report", "choice"], name="duties_ballot_report")]

    def __str__(self) -> str:
        return f"{self.report_id} {self.choice}"


class UnifiedDayState(models.TextChoices):
    PLANNED = "planned", _("筹备中")
    ONGOING = "ongoing", _("接待中")
    CLOSED = "closed", _("已结束")
    CANCELLED = "cancelled", _("已取消")


class UnifiedDay(models.Model):
    """A unified reception day (统一接待日) across the active stations of a region: each
    station gets a post (and a reception day on its public schedule); deputies are put on
    duty at posts in time slots and check in on the day."""

    region = models.ForeignKey(
        Region, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="unified_days"
    )
    date = models.DateField(_("接待日期"))
    title = models.CharField(_("主题"), max_length=100)
    start_time = models.TimeField(_("开始时间"))
    end_time = models.TimeField(_("结束时间"))
    note = models.CharField(_("工作要求"), max_length=300, blank=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=UnifiedDayState.choices, default=UnifiedDayState.PLANNED
    )
    notified_at = models.DateTimeField(_("通知时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    tally = models.JSONField(_("最终统计"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE = Scope(region="region")

    class Meta:
        verbose_name = _("统一接待日")
        verbose_name_plural = _("统一接待日")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["region", "date"], name="duties_unified_region")]

    def __str__(self) -> str:
        return self.title


class UnifiedPost(models.Model):
    """One station's part in a unified reception day."""

    day = models.ForeignKey(UnifiedDay, on_delete=models.CASCADE, related_name="posts")
    station = models.ForeignKey(
        Station, verbose_name=_("联络站"), on_delete=models.PROTECT, related_name="unified_posts"
    )
    reception_day = models.OneToOneField(
        ReceptionDay, null=True, blank=True, on_delete=models.SET_NULL, related_name="unified_post"
    )

    SCOPE = Scope(region="station__region", station="station")

    class Meta:
        verbose_name = _("接待站点")
        verbose_name_plural = _("接待站点")
        ordering = ["day", "station__region__path", "station__name"]
        constraints = [
            models.UniqueConstraint(fields=["day", "station"], name="duties_post_unique")
        ]

    def __str__(self) -> str:
        return f"{self.day} · {self.station}"


class SlotState(models.TextChoices):
    ASSIGNED = "assigned", _("已安排")
    PRESENT = "present", _("已到岗")
    ABSENT = "absent", _("未到岗")


class DutySlot(models.Model):
    """A deputy on duty at a post for a time slot; checked in on the day."""

    post = models.ForeignKey(UnifiedPost, on_delete=models.CASCADE, related_name="slots")
    deputy = models.ForeignKey(
        Deputy, verbose_name=_("代表"), on_delete=models.PROTECT, related_name="duty_slots"
    )
    start_time = models.TimeField(_("开始时间"))
    end_time = models.TimeField(_("结束时间"))
    state = models.CharField(
        _("状态"), max_length=10, choices=SlotState.choices, default=SlotState.ASSIGNED
    )
    notified_at = models.DateTimeField(_("通知时间"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("签到时间"), null=True, blank=True)

    SCOPE = Scope(region="post__station__region", station="post__station")

    class Meta:
        verbose_name = _("值班安排")
        verbose_name_plural = _("值班安排")
        ordering = ["post", "start_time", "id"]
        constraints = [
            models.UniqueConstraint(fields=["post", "deputy"], name="duties_slot_unique")
        ]
        indexes = [models.Index(fields=["deputy", "state"], name="duties_slot_deputy")]

    def __str__(self) -> str:
        return f"{self.post} · {self.deputy}"
