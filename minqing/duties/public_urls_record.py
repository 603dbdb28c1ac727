"""Public profile of a deputy and the published points rankings (namespace
``duties_public``, at /public/duties/, no login)."""

from django.urls import path

from minqing.duties import public_views

urlpatterns = [
    path("deputies/<str:code>/", public_views.deputy, name="deputy"),
    path("rankings/", public_views.rankings, name="rankings"),
    path("rankings/<str:code>/", public_views.ranking, name="ranking"),
]
