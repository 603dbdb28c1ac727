"""Public pages of duty work (no login), mounted at ``/public/duties/``."""

from django.urls import include, path

app_name = "duties_public"
urlpatterns = [
    path("", include("minqing.duties.public_urls_record")),
    path("", include("minqing.duties.public_urls_reports")),
]
