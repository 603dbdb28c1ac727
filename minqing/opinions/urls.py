"""Staff pages of the 民情 loop, mounted at /opinions/ (namespace "opinions")."""

from django.urls import include, path

app_name = "opinions"
urlpatterns = [
    path("", include("minqing.opinions.urls_station")),
    path("", include("minqing.opinions.urls_office")),
    path("", include("minqing.opinions.measures_urls")),
]
