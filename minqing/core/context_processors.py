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
        }
    }
