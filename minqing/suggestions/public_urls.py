"""The public pages of deputies' motions and suggestions, mounted at
/public/suggestions/ (namespace "public_suggestions"); no login."""

from django.urls import path

from minqing.suggestions import public_views as views

app_name = "public_suggestions"
urlpatterns = [
    path("", views.suggestion_list, name="list"),
    path("<str:code>/", views.suggestion_detail, name="detail"),
]
