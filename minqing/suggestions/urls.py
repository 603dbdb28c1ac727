"""Staff pages of motions and suggestions, mounted at /suggestions/ (namespace
"suggestions"). Each included module belongs to one part of the work."""

from django.urls import include, path

app_name = "suggestions"
urlpatterns = [
    path("", include("minqing.suggestions.urls_deputy")),
    path("", include("minqing.suggestions.urls_office")),
    path("", include("minqing.suggestions.urls_unit")),
    path("", include("minqing.suggestions.urls_docs")),
    path("", include("minqing.suggestions.urls_stats")),
]
