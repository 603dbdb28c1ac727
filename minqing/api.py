"""The JSON API root: /api/v1/, OpenAPI at /api/v1/openapi.json.

Pages use the session (with CSRF); other systems send ``Authorization: Bearer <key>``
with a token an admin created. Either way the request acts as a user and is scoped
by that user's roles, through the same actions and selectors as the pages.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.security import HttpBearer, SessionAuth

from minqing.core.ratelimit import RateLimited
from minqing.core.states import InvalidTransition


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str):
        from minqing.accounts.models import ApiToken, hash_token

        try:
            api_token = ApiToken.objects.select_related("user").get(key_hash=hash_token(token))
        except ApiToken.DoesNotExist:
            return None
        if not api_token.is_active or not api_token.user.is_active:
            return None
        now = timezone.now()
        # Write last use at most once a minute: tokens are hot, audit is elsewhere.
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        request.api_token = api_token
        return api_token.user


api = NinjaAPI(
    title="minqing 民情 API",
    version="1",
    description="人大代表联络与监督工作平台接口。认证：会话（网页）或 Bearer 令牌（其他系统）。",
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or _("没有权限")}, status=403)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": _("未找到")}, status=404)


@api.exception_handler(InvalidTransition)
def _conflict(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=409)


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(RateLimited)
def _rate_limited(request, exc):
    response = api.create_response(request, {"detail": exc.message}, status=429)
    response["Retry-After"] = str(exc.retry_after)
    return response


def _register() -> None:
    from minqing.accounts.api import router as accounts_router
    from minqing.core.api import router as core_router
    from minqing.duties.api import router as duties_router
    from minqing.notify.api import router as notify_router
    from minqing.opinions.api import router as opinions_router
    from minqing.opinions.measures_api import router as opinion_measures_router
    from minqing.people.api import router as people_router
    from minqing.stations.api import router as stations_router
    from minqing.suggestions.api import router as suggestions_router
    from minqing.suggestions.stats_api import router as suggestion_stats_router

    api.add_router("/core/", core_router)
    api.add_router("/accounts/", accounts_router)
    api.add_router("/people/", people_router)
    api.add_router("/stations/", stations_router)
    api.add_router("/opinions/", opinions_router)
    api.add_router("/opinions/measures/", opinion_measures_router)
    api.add_router("/suggestions/", suggestions_router)
    api.add_router("/suggestions/stats/", suggestion_stats_router)
    api.add_router("/duties/", duties_router)
    api.add_router("/notify/", notify_router)


_register()
