"""Liaison stations (家/站/点), the deputies who sit there, reception schedules and
reception days (DOMAIN §2)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from minqing.core.models import Region
from minqing.core.scoping import Scope
from minqing.people.models import Deputy
from minqing.stations.states import StationStatus


class StationKind(models.TextChoices):
    HOME = "home", _("代表之家")
    STATION = "station", _("代表联络站")
    POINT = "point", _("代表联系点")
    INDUSTRY = "industry", _("行业代表联络站")
    ONLINE = "online", _("网上代表联络站")
    MOBILE = "mobile", _("流动联络站（摆摊）")


class Station(models.Model):
    """A liaison station. ``code`` is its public, unguessable identifier: the QR code
    (民情码) points at ``/s/<code>/``."""

    code = models.CharField(_("站点码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=StationKind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="stations"
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(
        _("经度"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    opening_hours = models.CharField(_("开放时间"), max_length=200, blank=True)
    phone = models.CharField(_("站点电话"), max_length=30, blank=True)
    description = models.TextField(_("简介"), blank=True)
    sector = models.CharField(
        _("行业"), max_length=40, blank=True, help_text=_("行业联络站所属行业")
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=StationStatus.choices, default=StationStatus.PLANNED
    )
    deputies = models.ManyToManyField(Deputy, through="StationDeputy", related_name="stations")
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE = Scope(region="region", station="pk", self_kind="station")

    class Meta:
        verbose_name = _("代表联络站")
        verbose_name_plural = _("代表联络站")
        ordering = ["region__path", "name"]
        indexes = [
            models.Index(fields=["region", "status", "kind"], name="stations_region_status_kind")
        ]

    def __str__(self) -> str:
        return self.name


class StationDeputy(models.Model):
    """A deputy who sits at a station (进站代表)."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="memberships")
    deputy = models.ForeignKey(Deputy, on_delete=models.CASCADE, related_name="station_memberships")
    since = models.DateField(_("进站日期"), null=True, blank=True)
    is_convener = models.BooleanField(_("召集人"), default=False)

    class Meta:
        verbose_name = _("进站代表")
        verbose_name_plural = _("进站代表")
        constraints = [
            models.UniqueConstraint(fields=["station", "deputy"], name="stations_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.station} · {self.deputy}"


class ScheduleRule(models.TextChoices):
    MONTHLY_DAY = "monthly_day", _("每月固定日期")
    MONTHLY_WEEKDAY = "monthly_weekday", _("每月第几个星期几")
    WEEKLY = "weekly", _("每周固定星期")


class ReceptionSchedule(models.Model):
    """A recurring reception (e.g. the 10th of every month, 9:00–11:30)."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="schedules")
    rule = models.CharField(_("规则"), max_length=16, choices=ScheduleRule.choices)
    day_of_month = models.PositiveSmallIntegerField(_("每月几日"), null=True, blank=True)
    weekday = models.PositiveSmallIntegerField(
        _("星期"), null=True, blank=True, help_text=_("0=星期一 … 6=星期日")
    )
    week_of_month = models.PositiveSmallIntegerField(_("第几周"), null=True, blank=True)
    start_time = models.TimeField(_("开始时间"))
    end_time = models.TimeField(_("结束时间"))
    skip_non_working_days = models.BooleanField(_("遇节假日顺延至下一个工作日"), default=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    SCOPE = Scope(region="station__region", station="station")

    class Meta:
        verbose_name = _("固定接待安排")
        verbose_name_plural = _("固定接待安排")

    def __str__(self) -> str:
        return f"{self.station} {self.get_rule_display()}"


class ReceptionDay(models.Model):
    """A one-off reception day at a station, with the deputies on duty."""

    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="reception_days")
    date = models.DateField(_("日期"))
    start_time = models.TimeField(_("开始时间"))
    end_time = models.TimeField(_("结束时间"))
    title = models.CharField(_("主题"), max_length=100, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    deputies = models.ManyToManyField(Deputy, blank=True, related_name="reception_days")
    cancelled = models.BooleanField(_("已取消"), default=False)

    SCOPE = Scope(region="station__region", station="station")

    class Meta:
        verbose_name = _("接待日")
        verbose_name_plural = _("接待日")
        ordering = ["date", "start_time"]
        indexes = [models.Index(fields=["station", "date"], name="stations_receptionday_date")]

    def __str__(self) -> str:
        return f"{self.station} {self.date:%Y-%m-%d}"
