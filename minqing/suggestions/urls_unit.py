"""The handling units' pages: the unit inbox, the steps of the unit's panel on an
item's page, and the commitment ledger (承诺事项台账)."""

from django.urls import path

from minqing.suggestions import views_unit

urlpatterns = [
    path("unit/", views_unit.unit_inbox, name="unit_inbox"),
    path("parts/<int:pk>/accept/", views_unit.part_accept, name="unit_accept"),
    path("parts/<int:pk>/reassign/", views_unit.part_reassign, name="unit_reassign"),
    path("parts/<int:pk>/view/", views_unit.part_view, name="unit_view"),
    path("parts/<int:pk>/contact/", views_unit.part_contact, name="unit_contact"),
    path("parts/<int:pk>/reply/", views_unit.part_reply, name="unit_reply"),
    path(
        "parts/<int:pk>/reply/commitment-row/",
        views_unit.commitment_row,
        name="unit_commitment_row",
    ),
    path("parts/<int:pk>/extension/", views_unit.part_extension, name="unit_extension"),
    path("commitments/", views_unit.commitment_list, name="commitments"),
    path("commitments/<int:pk>/", views_unit.commitment_detail, name="commitment_detail"),
    path(
        "commitments/<int:pk>/progress/",
        views_unit.commitment_progress,
        name="commitment_progress",
    ),
    path("commitments/<int:pk>/fulfil/", views_unit.commitment_fulfil, name="commitment_fulfil"),
]
