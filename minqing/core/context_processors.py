from django.http import HttpRequest


def navigation(request: HttpRequest) -> dict:
    """Which menu entries the signed-in user may see (precomputed, no checks in templates)."""
    from minqing.core.permissions import has_perm
    from minqing.core.selectors import holds_at_root

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": {}}
    return {
        "nav": {
            "regions": has_perm(user, "core.view_region"),
            "deputies": has_perm(user, "people.view_deputy"),
            "units": has_perm(user, "people.view_unit"),
            "stations": has_perm(user, "stations.view_station"),
            "audit": has_perm(user, "core.view_audit"),
            "settings": has_perm(user, "core.manage_settings"),
            "tokens": has_perm(user, "accounts.manage_tokens"),
            # The calendar is national data: only root-level holders may open its page.
            "calendar": holds_at_root(user, "core.manage_calendar"),
            "admin": user.is_staff,
            **_opinion_nav(user),
            **_suggestion_nav(user),
            **_duties_nav(user),
        }
    }


def _opinion_nav(user) -> dict:
    """The 民情 menu: one entry per inbox the user works in. Grants are cached on the
    user; only a deputy costs one query (their deputy record and seats)."""
    from minqing.core.permissions import has_perm
    from minqing.opinions.permissions import deputy_of

    deputy = deputy_of(user) is not None
    flags = {
        "opinions_station": deputy or has_perm(user, "opinions.answer"),
        "opinions_office": has_perm(user, "opinions.triage"),
        "opinions_unit": has_perm(user, "opinions.handle"),
        "opinions_list": deputy or has_perm(user, "opinions.view_opinion"),
        "opinions_register": has_perm(user, "opinions.register"),
        "opinions_report": deputy,
        "opinions_meetings": deputy or has_perm(user, "opinions.meet"),
        "opinions_measures": has_perm(user, "opinions.view_measures"),
    }
    flags["opinions_overdue"] = flags["opinions_office"] or flags["opinions_measures"]
    flags["opinions"] = any(flags.values())
    return flags


def _suggestion_nav(user) -> dict:
    """The 议案建议 menu, from the cached grants and deputy record (no extra query)."""
    from minqing.core.permissions import has_perm
    from minqing.opinions.permissions import deputy_of

    deputy = deputy_of(user) is not None
    manage = has_perm(user, "suggestions.manage")
    flags = {
        "suggestions_mine": deputy,
        "suggestions_draft": deputy or manage,
        "suggestions_office": manage,
        "suggestions_unit": has_perm(user, "suggestions.handle"),
        "suggestions_list": deputy or has_perm(user, "suggestions.view_suggestion"),
        "suggestions_stats": has_perm(user, "suggestions.view_stats"),
    }
    flags["suggestions_commitments"] = (
        flags["suggestions_unit"] or manage or flags["suggestions_stats"]
    )
    flags["suggestions"] = any(flags.values())
    return flags


def _duties_nav(user) -> dict:
    """The 代表履职 menu, from the cached grants and deputy record (no extra query but a
    group leader's groups)."""
    from minqing.core.permissions import grants_for, has_perm
    from minqing.duties.selectors_activities import may_organise
    from minqing.opinions.permissions import deputy_of

    deputy = deputy_of(user)
    view = has_perm(user, "duties.view")
    record = has_perm(user, "duties.record")
    manage = has_perm(user, "duties.manage")
    # Unified days are scoped by region: a grant narrowed to one station sees none.
    regional = user.is_superuser or any(
        g.station_id is None and g.unit_id is None for g in grants_for(user, "duties.view")
    )
    flags = {
        "duties_mine": deputy is not None,
        "duties_mine_pk": deputy.pk if deputy is not None else None,
        "duties_organise": may_organise(user),
        "duties_activities": deputy is not None or view,
        "duties_reception": deputy is not None or record,
        "duties_unified": regional,
        "duties_reports": deputy is not None or view,
        "duties_ledgers": deputy is not None or view,
        "duties_points": manage,
        "duties_rankings": view,
        "duties_quotas": view,
    }
    flags["duties"] = any(v for k, v in flags.items() if k != "duties_mine_pk")
    return flags
