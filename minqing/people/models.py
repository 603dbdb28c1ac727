"""Congresses, terms, deputies, deputy groups and handling units (DOMAIN §1)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from minqing.core.models import Region, RegionLevel
from minqing.core.scoping import Scope


class CongressLevel(models.IntegerChoices):
    NATIONAL = RegionLevel.NATION, _("全国")
    PROVINCIAL = RegionLevel.PROVINCE, _("省级")
    CITY = RegionLevel.CITY, _("市级")
    COUNTY = RegionLevel.COUNTY, _("县级")
    TOWNSHIP = RegionLevel.TOWNSHIP, _("乡镇级")


class Congress(models.Model):
    """The people's congress of one region (one per region that has one: streets and
    villages have none)."""

    region = models.OneToOneField(
        Region, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="congress"
    )
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("层级"), choices=CongressLevel.choices)

    SCOPE = Scope(region="region")

    class Meta:
        verbose_name = _("人民代表大会")
        verbose_name_plural = _("人民代表大会")
        ordering = ["level", "region__path"]

    def __str__(self) -> str:
        return self.name


class Term(models.Model):
    """A term (届) of a congress, e.g. 澜州市第十六届人民代表大会."""

    congress = models.ForeignKey(
        Congress, verbose_name=_("人大"), on_delete=models.PROTECT, related_name="terms"
    )
    number = models.PositiveSmallIntegerField(_("届次"))
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"), null=True, blank=True)
    is_current = models.BooleanField(_("本届"), default=True)

    SCOPE = Scope(region="congress__region")

    class Meta:
        verbose_name = _("届次")
        verbose_name_plural = _("届次")
        ordering = ["congress__level", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["congress", "number"], name="people_term_unique")
        ]

    def __str__(self) -> str:
        return gettext("%(c)s第%(n)s届") % {"c": self.congress.name, "n": self.number}


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class DeputyStatus(models.TextChoices):
    ACTIVE = "active", _("在任")
    ENDED = "ended", _("代表资格终止")


def _public_code() -> str:
    """The unguessable code of a deputy's public profile page (never the sequential id)."""
    from minqing.core import codes

    return codes.generate(10)


class Deputy(models.Model):
    """A deputy of one congress term. Public profile fields only; private contact data
    lives in :class:`DeputyContact`, readable only with ``people.view_deputy_contact``.

    ``region`` is the deputy's constituency or electoral unit region, the place they
    serve (and are scoped by); ``level`` copies the congress level for fast filters.
    """

    term = models.ForeignKey(
        Term, verbose_name=_("届次"), on_delete=models.PROTECT, related_name="deputies"
    )
    level = models.PositiveSmallIntegerField(
        _("层级"), choices=CongressLevel.choices, db_index=True
    )
    region = models.ForeignKey(
        Region, verbose_name=_("选区所在区域"), on_delete=models.PROTECT, related_name="deputies"
    )
    public_code = models.CharField(
        _("公开码"), max_length=12, unique=True, default=_public_code, editable=False
    )
    name = models.CharField(_("姓名"), max_length=40)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(_("民族"), max_length=20, default="汉族")
    birth_year = models.PositiveSmallIntegerField(_("出生年份"), null=True, blank=True)
    party = models.CharField(_("政治面貌"), max_length=30, blank=True)
    occupation = models.CharField(_("工作单位及职务"), max_length=200, blank=True)
    sector = models.CharField(_("界别/行业"), max_length=40, blank=True)
    deputy_number = models.CharField(_("代表证号"), max_length=30)
    constituency = models.CharField(_("选区/选举单位"), max_length=100, blank=True)
    bio = models.TextField(_("简介"), blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=DeputyStatus.choices, default=DeputyStatus.ACTIVE
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deputy",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE = Scope(region="region")

    class Meta:
        verbose_name = _("人大代表")
        verbose_name_plural = _("人大代表")
        ordering = ["level", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["term", "deputy_number"], name="people_deputy_number_unique"
            )
        ]
        indexes = [
            models.Index(fields=["region", "level", "status"], name="people_deputy_region_level"),
            models.Index(fields=["name"], name="people_deputy_name"),
        ]

    def __str__(self) -> str:
        return self.name


class DeputyContact(models.Model):
    """Private contact data of a deputy: never on public pages or in the public API."""

    deputy = models.OneToOneField(Deputy, on_delete=models.CASCADE, related_name="contact")
    mobile = models.CharField(_("手机号码"), max_length=20, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    address = models.CharField(_("通讯地址"), max_length=200, blank=True)

    SCOPE = Scope(region="deputy__region")

    class Meta:
        verbose_name = _("代表联系方式")
        verbose_name_plural = _("代表联系方式")

    def __str__(self) -> str:
        return gettext("%(deputy)s 联系方式") % {"deputy": self.deputy}


class GroupKind(models.TextChoices):
    REGIONAL = "regional", _("按区域")
    INDUSTRY = "industry", _("按行业/专业")
    MIXED = "mixed", _("混合编组（跨层级）")


class DeputyGroup(models.Model):
    """A deputy group (代表小组): regional, by industry, or mixed across levels."""

    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=GroupKind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="deputy_groups"
    )
    description = models.TextField(_("说明"), blank=True)
    members = models.ManyToManyField(Deputy, through="DeputyGroupMembership", related_name="groups")

    SCOPE = Scope(region="region")

    class Meta:
        verbose_name = _("代表小组")
        verbose_name_plural = _("代表小组")
        ordering = ["region__path", "name"]

    def __str__(self) -> str:
        return self.name


class DeputyGroupMembership(models.Model):
    group = models.ForeignKey(DeputyGroup, on_delete=models.CASCADE, related_name="memberships")
    deputy = models.ForeignKey(Deputy, on_delete=models.CASCADE, related_name="group_memberships")
    is_leader = models.BooleanField(_("组长"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "deputy"], name="people_group_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.group} · {self.deputy}"


class DeputyGrid(models.Model):
    """A deputy's assignment to a village (社区/村) or grid (网格) they keep in touch with
    (联系网格): the deputy sees the opinions raised there, as for their stations."""

    deputy = models.ForeignKey(
        Deputy, verbose_name=_("代表"), on_delete=models.CASCADE, related_name="grid_assignments"
    )
    region = models.ForeignKey(
        Region, verbose_name=_("网格"), on_delete=models.PROTECT, related_name="deputy_grids"
    )
    since = models.DateField(_("联系起始日期"), default=timezone.localdate)
    created_at = models.DateTimeField(auto_now_add=True)

    SCOPE = Scope(region="region")

    class Meta:
        verbose_name = _("代表联系网格")
        verbose_name_plural = _("代表联系网格")
        ordering = ["region__path"]
        constraints = [
            models.UniqueConstraint(fields=["deputy", "region"], name="people_deputy_grid_unique")
        ]

    def __str__(self) -> str:
        return f"{self.deputy} · {self.region}"


class UnitKind(models.TextChoices):
    GOVERNMENT = "government", _("政府部门")
    TOWNSHIP = "township", _("乡镇政府/街道办事处")
    COURT = "court", _("法院")
    PROCURATORATE = "procuratorate", _("检察院")
    ENTERPRISE = "enterprise", _("国有企业")
    UTILITY = "utility", _("公用事业单位")
    OTHER = "other", _("其他")


class HandlingUnit(models.Model):
    """A handling unit (承办单位) under a region, possibly under a parent unit."""

    name = models.CharField(_("名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    kind = models.CharField(_("类别"), max_length=16, choices=UnitKind.choices)
    region = models.ForeignKey(
        Region, verbose_name=_("区域"), on_delete=models.PROTECT, related_name="units"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    phone = models.CharField(_("办公电话"), max_length=30, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    SCOPE = Scope(region="region", unit="pk", self_kind="unit")

    class Meta:
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        ordering = ["region__path", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "name"], name="people_unit_region_name_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name
