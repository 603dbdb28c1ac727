"""Reference data every workflow shares: the region tree, per-region settings, the
append-only audit log, workflow timelines and the working-day calendar."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from minqing.core.scoping import Scope


class RegionLevel(models.IntegerChoices):
    NATION = 0, _("国家")
    PROVINCE = 1, _("省级")
    CITY = 2, _("市级")
    COUNTY = 3, _("县级")
    TOWNSHIP = 4, _("乡镇/街道")
    VILLAGE = 5, _("村/社区")
    GRID = 6, _("网格")


class RegionQuerySet(models.QuerySet):
    def within(self, region: Region | str, *, include_self: bool = True) -> RegionQuerySet:
        """All regions under ``region`` (a Region or its path): one indexed prefix query."""
        path = region if isinstance(region, str) else region.path
        qs = self.filter(path__startswith=path)
        return qs if include_self else qs.exclude(path=path)


class Region(models.Model):
    """A node of the 行政区划 tree.

    ``path`` is the materialised path of codes ("000000/330000/330100/"), so "every
    region below X" is ``path LIKE 'X%'`` on an index (varchar_pattern_ops on
    PostgreSQL). Codes follow GB/T 2260 for province/city/county, the NBS 9- and
    12-digit extensions for township and village, and are local for grids.
    """

    code = models.CharField(_("区划代码"), max_length=24, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("层级"), choices=RegionLevel.choices)
    kind = models.CharField(
        _("类型"), max_length=20, blank=True, help_text=_("如：市辖区、县、街道、镇、乡、社区、村")
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, unique=True, editable=False)
    is_active = models.BooleanField(_("有效"), default=True)

    objects = RegionQuerySet.as_manager()
    SCOPE = Scope(region="", self_kind="region")

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["path"]
        indexes = [
            models.Index(
                fields=["path"], name="core_region_path_like", opclasses=["varchar_pattern_ops"]
            ),
            models.Index(fields=["parent", "name"], name="core_region_parent_name"),
        ]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def path_for(parent: Region | None, code: str) -> str:
        return f"{parent.path if parent else ''}{code}/"

    @property
    def ancestor_codes(self) -> list[str]:
        """Codes from the root down to and including this region."""
        return [c for c in self.path.split("/") if c]

    def ancestors(self, *, include_self: bool = True) -> RegionQuerySet:
        codes = self.ancestor_codes if include_self else self.ancestor_codes[:-1]
        return Region.objects.filter(code__in=codes).order_by("level")

    def descendants(self, *, include_self: bool = True) -> RegionQuerySet:
        return Region.objects.within(self, include_self=include_self)

    def is_within(self, other: Region) -> bool:
        return self.path.startswith(other.path)

    @property
    def full_name(self) -> str:
        """Names from province down, as printed on letters: 澜江省澜州市滨江区."""
        names = list(
            self.ancestors().exclude(level=RegionLevel.NATION).values_list("name", flat=True)
        )
        return "".join(names)


def region_q(region_field: str, path: str) -> Q:
    """The filter "this row's region lies within ``path``" for any model with a region FK."""
    return Q(**{f"{region_field}__path__startswith": path})


class RegionSetting(models.Model):
    """One overridden setting of one region; absent keys inherit from the ancestors."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="settings")
    key = models.CharField(max_length=80)
    value = models.JSONField()
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("区域设置")
        verbose_name_plural = _("区域设置")
        constraints = [
            models.UniqueConstraint(fields=["region", "key"], name="core_regionsetting_unique")
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.key}"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("audit entries are append-only")

    def delete(self):
        raise PermissionError("audit entries are append-only")


class AuditEntry(models.Model):
    """One recorded change: who did what to which object, where, when, from where.

    Written only by ``core.audit.record``; rows are never updated or deleted.
    """

    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("操作人"), max_length=150, blank=True)
    verb = models.CharField(_("操作"), max_length=80, db_index=True)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    region = models.ForeignKey(
        Region,
        verbose_name=_("区域"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True)
    request_id = models.CharField(max_length=36, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    channel = models.CharField(
        _("渠道"), max_length=12, blank=True, help_text="web / api / cli / task"
    )

    objects = AppendOnlyQuerySet.as_manager()
    SCOPE = Scope(region="region")

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="core_audit_object")]

    def __str__(self) -> str:
        return f"{self.verb} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit entries are append-only")


class TimelineEvent(models.Model):
    """A state change of a workflow object, written by ``core.states.transition``.

    ``public`` entries are shown to citizens on tracking pages; ``note`` must then hold
    no names or phone numbers.
    """

    created_at = models.DateTimeField(auto_now_add=True)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.CharField(max_length=64)
    workflow = models.CharField(max_length=40)
    verb = models.CharField(max_length=40)
    from_state = models.CharField(max_length=30)
    to_state = models.CharField(max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    public = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(
                fields=["content_type", "object_id", "created_at"], name="core_timeline_object"
            )
        ]

    def __str__(self) -> str:
        return f"{self.workflow}:{self.object_id} {self.from_state}→{self.to_state}"


class CalendarDayKind(models.TextChoices):
    HOLIDAY = "holiday", _("休息日（节假日）")
    WORKDAY = "workday", _("工作日（调休上班）")


class CalendarDay(models.Model):
    """A date that departs from the Monday–Friday rule: a rest day on a weekday, or an
    adjusted workday (调休) on a weekend. Every other date follows its weekday."""

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=CalendarDayKind.choices)
    name = models.CharField(_("名称"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()} {self.name}"


class CalendarYear(models.Model):
    """A year whose official holiday schedule is loaded; deadlines falling in any other
    year are computed provisionally and shown with a warning."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    source = models.CharField(_("来源"), max_length=200)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("已载入年度")
        verbose_name_plural = _("已载入年度")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


from minqing.core.models_exports import ExportJob, ExportState  # noqa: E402, F401
