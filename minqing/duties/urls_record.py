"""The duty record, points, rankings and awards (namespace ``duties``)."""

from django.urls import path

from minqing.duties import views_points, views_record

urlpatterns = [
    path("deputies/<int:pk>/record/", views_record.deputy_record, name="deputy_record"),
    path("deputies/<int:pk>/points/", views_points.deputy_points, name="deputy_points"),
    path("deputies/<int:pk>/awards/new/", views_record.award_create, name="award_create"),
    path("awards/<int:pk>/delete/", views_record.award_delete, name="award_delete"),
    path("points/rules/", views_points.points_rules, name="points_rules"),
    path(
        "points/rules/<str:code>/<str:source>/",
        views_points.points_rule_edit,
        name="points_rule_edit",
    ),
    path(
        "points/rules/<str:code>/<str:source>/clear/",
        views_points.points_rule_clear,
        name="points_rule_clear",
    ),
    path("points/rankings/", views_points.rankings, name="rankings"),
    path("points/rankings/publish/", views_points.ranking_publish, name="ranking_publish"),
    path(
        "points/rankings/<int:pk>/withdraw/",
        views_points.ranking_withdraw,
        name="ranking_withdraw",
    ),
]
