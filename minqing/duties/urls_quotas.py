"""The quota compliance page (namespace "duties", mounted at /duties/ by urls.py):
``duties:quotas`` at /duties/quotas/."""

from django.urls import path

from minqing.duties import views_quotas as views

urlpatterns = [
    path("quotas/", views.quota_page, name="quotas"),
]
