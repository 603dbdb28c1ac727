"""Staff and deputy pages of duty work, mounted at ``/duties/``. Each part has its own
URL module (one per page family) included here under the one ``duties`` namespace."""

from django.urls import include, path

app_name = "duties"
urlpatterns = [
    path("", include("minqing.duties.urls_activities")),
    path("", include("minqing.duties.urls_reception")),
    path("", include("minqing.duties.urls_ledgers")),
    path("", include("minqing.duties.urls_record")),
    path("", include("minqing.duties.urls_reports")),
    path("", include("minqing.duties.urls_quotas")),
]
