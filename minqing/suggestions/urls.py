"""Staff pages of motions and suggestions, mounted at /suggestions/ (namespace
"suggestions"). Each included module belongs to one part of the work."""

from django.urls import include, path

from minqing.suggestions import views_sessions

app_name = "suggestions"
urlpatterns = [
    path("sessions/", views_sessions.session_list, name="sessions"),
    path("sessions/<int:pk>/edit/", views_sessions.session_edit, name="session_edit"),
    path("", include("minqing.suggestions.urls_deputy")),
    path("", include("minqing.suggestions.urls_office")),
    path("", include("minqing.suggestions.urls_unit")),
    path("", include("minqing.suggestions.urls_docs")),
    path("", include("minqing.suggestions.urls_stats")),
]
