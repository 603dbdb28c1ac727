"""The measures page, included by minqing/opinions/urls.py into the "opinions" namespace
(so its name is ``opinions:measures``, at /opinions/measures/)."""

from django.urls import path

from minqing.opinions.views import measures as views

urlpatterns = [
    path("measures/", views.measures_page, name="measures"),
]
