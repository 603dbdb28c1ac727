"""The project's URLs plus notify's pages and API, for as long as minqing/urls.py and
minqing/api.py do not mount them yet; once they do, this is the project's urlconf."""

from __future__ import annotations

from django.urls import include, path
from ninja import NinjaAPI

from minqing.api import api as project_api
from minqing.notify.api import router as notify_router
from minqing.urls import urlpatterns as project_urlpatterns

urlpatterns = []

if not any(router is notify_router for _, router in project_api._routers):
    test_api = NinjaAPI(urls_namespace="notify_test_api", auth=project_api.auth)
    test_api.add_router("/notify/", notify_router)
    urlpatterns.append(path("api/v1/", test_api.urls))

if not any(getattr(p, "namespace", None) == "notify" for p in project_urlpatterns):
    urlpatterns.append(path("notify/", include("minqing.notify.urls")))

urlpatterns += project_urlpatterns
