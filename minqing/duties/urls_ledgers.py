"""The five ledgers (五本台账) and their Excel export (views_ledgers)."""

from django.urls import path

from minqing.duties import views_ledgers as views

urlpatterns = [
    path("ledgers/", views.ledger, name="ledger"),
    path("ledgers/export/", views.ledger_export, name="ledger_export"),
]
