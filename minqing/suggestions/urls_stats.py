"""The statistics page and its Excel download, included by minqing/suggestions/urls.py
into the "suggestions" namespace (``suggestions:stats`` at /suggestions/stats/,
``suggestions:stats_xlsx`` at /suggestions/stats.xlsx)."""

from django.urls import path

from minqing.suggestions import views_stats as views

urlpatterns = [
    path("stats/", views.stats_page, name="stats"),
    path("stats.xlsx", views.stats_xlsx, name="stats_xlsx"),
]
