"""履职积分 pages: a deputy's points line by line, the office's points rules, and the
quarterly rankings (live standings, publish, withdraw).

Who sees what:

- ``deputy_points``: whoever reads the deputy's record (``permissions.deputies_q``; the
  deputy their own), 404 for others;
- ``points_rules`` and its edit/clear POSTs: the office (``duties.manage``) for the
  congress regions of its scope;
- ``rankings``: readers of duty work (``duties.view``); publishing and withdrawing need
  ``duties.manage`` on the ranking's region (the action answers 403).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from minqing.core.pagination import paginate
from minqing.core.permissions import has_perm
from minqing.core.selectors import path_in_scope, scope_paths
from minqing.core.states import InvalidTransition
from minqing.core.views import perm_required
from minqing.core.web import apply_errors, run_action, submit_form
from minqing.duties import actions, selectors, selectors_points
from minqing.duties import permissions as perms
from minqing.duties.forms_points import RankingFilterForm, RuleForm, WithdrawForm
from minqing.duties.models import PointSource, RankingState
from minqing.duties.points import quarter_bounds, standings
from minqing.duties.record import pick_year
from minqing.people.models import CongressLevel

SETTINGS_PERM = "core.manage_settings"


# ---- a deputy's points -------------------------------------------------------------------


@login_required
def deputy_points(request: HttpRequest, pk: int) -> HttpResponse:
    """How every point of the year was earned: each line with the rule's points, what
    counted after the yearly cap, a subtotal per source and the total."""
    deputy = selectors.deputy_get_visible(request.user, pk)
    year, years = pick_year(deputy, request.GET.get("year"))
    return render(
        request,
        "duties/record/points.html",
        {
            "deputy": deputy,
            "year": year,
            "years": years,
            "points": selectors_points.points_breakdown(deputy, year=year),
        },
    )


# ---- rules -----------------------------------------------------------------------------------


def rules_url(region_code: str, anchor: str = "") -> str:
    url = reverse("duties:points_rules") + "?" + urlencode({"region": region_code})
    return url + (f"#{anchor}" if anchor else "")


@perm_required(perms.MANAGE)
def points_rules(request: HttpRequest) -> HttpResponse:
    """The rules of one congress region of the office's scope (``?region=``): every
    source's points and cap and where each comes from, and the yearly base."""
    user = request.user
    regions = list(selectors_points.congress_regions(user, perms.MANAGE)[:300])
    code = request.GET.get("region", "").strip()
    if code:
        region = selectors_points.congress_region_get(user, code, perms.MANAGE)
    else:
        region = regions[0] if regions else None
    context = {"region": region, "regions": regions}
    if region is not None:
        context.update(
            rows=selectors_points.rule_rows(region),
            base=selectors_points.base_points(region),
            can_edit_base=has_perm(user, SETTINGS_PERM, region),
        )
    return render(request, "duties/record/rules.html", context)


@perm_required(perms.MANAGE)
@require_http_methods(["GET", "POST"])
def points_rule_edit(request: HttpRequest, code: str, source: str) -> HttpResponse:
    """Set what ``source`` is worth in the region (and below, unless a region below
    sets its own)."""
    region = selectors_points.congress_region_get(request.user, code, perms.MANAGE)
    rule = selectors_points.rule_of(region, source)
    initial = {
        "points": rule.points,
        "annual_cap": "" if rule.annual_cap is None else rule.annual_cap,
    }
    negative = source == PointSource.ABSENCE
    form = RuleForm(request.POST or None, initial=initial, negative=negative)
    label = PointSource(source).label
    saved = submit_form(
        request,
        form,
        lambda: actions.points_rule_set(
            actor=request.user,
            region=region,
            source=source,
            points=form.cleaned_data["points"],
            annual_cap=form.cleaned_data.get("annual_cap"),
        ),
        success=_("「%(label)s」的积分规则已保存") % {"label": label},
        next_url=rules_url(region.code, source),
        on_error=apply_errors,
    )
    if saved:
        return saved
    here = rule.region is not None and rule.region.pk == region.pk
    return render(
        request,
        "duties/record/rule_form.html",
        {
            "region": region,
            "source": source,
            "label": label,
            "rule": rule,
            "here": here,
            "negative": negative,
            "form": form,
            "back": rules_url(region.code, source),
        },
    )


@perm_required(perms.MANAGE)
@require_POST
def points_rule_clear(request: HttpRequest, code: str, source: str) -> HttpResponse:
    """Remove the region's own rule of ``source``: the parent's (or the default) applies."""
    region = selectors_points.congress_region_get(request.user, code, perms.MANAGE)
    row = selectors_points.rule_get_own(request.user, region, source)
    return run_action(
        request,
        lambda: actions.points_rule_clear(actor=request.user, rule=row),
        success=_("「%(label)s」已恢复上级规则") % {"label": row.get_source_display()},
        next_url=rules_url(region.code, source),
    )


# ---- rankings ------------------------------------------------------------------------------


class _Choice:
    """The rankings page's choices read from the GET (or the publish POST): a missing or
    invalid value falls back to its default (the first region, its congress's level,
    the current year and quarter); ``refused`` says whether any value given was
    invalid."""

    def __init__(self, request: HttpRequest, data, regions: list) -> None:
        data = data or {}
        code = data.get("region", "")
        self.region = next((r for r in regions if r.code == code), regions[0] if regions else None)
        self.groups = (
            list(selectors_points.ranking_groups(request.user, self.region)[:200])
            if self.region
            else []
        )
        this_year, this_quarter = selectors_points.current_quarter()
        form = RankingFilterForm(
            data or None, regions=regions, groups=self.groups, this_year=this_year
        )
        level = form.value("level")
        default_level = self.region.congress.level if self.region else CongressLevel.CITY
        self.level = level if level is not None else default_level
        self.level_label = str(CongressLevel(self.level).label)
        group_pk = form.value("group")
        self.group = next((g for g in self.groups if g.pk == group_pk), None)
        self.year = form.value("year") or this_year
        self.quarter = form.value("quarter") or (this_quarter if self.year == this_year else 4)
        self.refused = bool(form.is_bound and form.errors) or (
            code != "" and code != (self.region.code if self.region else "")
        )
        self.form = RankingFilterForm(
            self.params(), regions=regions, groups=self.groups, this_year=this_year
        )

    def params(self) -> dict:
        return {
            "region": self.region.code if self.region else "",
            "level": self.level,
            "group": self.group.pk if self.group else "",
            "year": self.year,
            "quarter": self.quarter,
        }

    def query(self) -> str:
        return urlencode(self.params())

    def started(self) -> bool:
        start, _end = quarter_bounds(self.year, self.quarter)
        return start <= selectors_points.today()


def _rankings_url(query: str = "") -> str:
    url = reverse("duties:rankings")
    return f"{url}?{query}" if query else url


@perm_required(perms.VIEW)
def rankings(request: HttpRequest) -> HttpResponse:
    """Live standings of a region's deputies of one level (or one group) for a quarter,
    the 发布 button, and the rankings already published in the reader's scope."""
    user = request.user
    regions = list(selectors_points.congress_regions(user, perms.VIEW)[:300])
    choice = _Choice(request, request.GET, regions)
    rows = []
    can_publish = False
    if choice.region is not None:
        deputies = list(
            selectors_points.ranking_deputies(choice.region, choice.level, choice.group)
        )
        rows = standings(deputies, year=choice.year, quarter=choice.quarter)
        target = choice.group.region if choice.group is not None else choice.region
        can_publish = bool(rows) and choice.started() and has_perm(user, perms.MANAGE, target)
    page_obj, querystring = paginate(request, selectors_points.rankings_list(user), 20)
    manage_paths = scope_paths(user, perms.MANAGE)
    for ranking in page_obj.object_list:
        ranking.can_withdraw = ranking.state == RankingState.PUBLISHED and path_in_scope(
            ranking.region.path, manage_paths
        )
    start, end = quarter_bounds(choice.year, choice.quarter)
    return render(
        request,
        "duties/record/rankings.html",
        {
            "choice": choice,
            "form": choice.form,
            "regions": regions,
            "rows": rows,
            "start": start,
            "end": end,
            "can_publish": can_publish,
            "page_obj": page_obj,
            "querystring_without_page": querystring,
        },
    )


@perm_required(perms.VIEW)
@require_POST
def ranking_publish(request: HttpRequest) -> HttpResponse:
    """Publish the chosen quarter's ranking (frozen now); an earlier one for the same
    choice is withdrawn by the action."""
    user = request.user
    regions = list(selectors_points.congress_regions(user, perms.VIEW)[:300])
    choice = _Choice(request, request.POST, regions)
    back = _rankings_url(choice.query())
    if choice.region is None:
        messages.error(request, _("您的范围内没有可发布排名的人大"))
        return redirect(back)
    if choice.refused or not all(
        request.POST.get(k) for k in ("region", "level", "year", "quarter")
    ):
        # A publish POST is never guessed: a value the page did not offer is refused.
        messages.error(request, _("发布条件无效，请重新选择后再发布"))
        return redirect(back)
    return run_action(
        request,
        lambda: actions.ranking_publish(
            actor=user,
            region=choice.region,
            level=choice.level,
            year=choice.year,
            quarter=choice.quarter,
            group=choice.group,
        ),
        success=lambda r: (
            _("已发布%(year)s年第%(q)s季度履职积分排名（%(n)s名代表）")
            % {"year": r.year, "q": r.quarter, "n": r.rows.count()}
        ),
        next_url=back,
    )


@perm_required(perms.VIEW)
@require_POST
def ranking_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Take a published ranking off the public pages, with a reason."""
    ranking = selectors_points.ranking_get_visible(request.user, pk)
    form = WithdrawForm(request.POST)
    try:
        return run_action(
            request,
            lambda: actions.ranking_withdraw(
                actor=request.user, ranking=ranking, note=form.cleaned_data["note"]
            ),
            success=_("排名已撤回，公开页面不再显示"),
            next_url=_rankings_url(),
            form=form,
        )
    except InvalidTransition:
        messages.error(request, _("该排名已经撤回"))
        return redirect(_rankings_url())
