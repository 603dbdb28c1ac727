"""The activity pages (履职活动) and the deputy's 我的履职, under the ``duties``
namespace at /duties/."""

from django.urls import path

from minqing.duties import views_activities as views
from minqing.duties import views_mine

urlpatterns = [
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("activities/<int:pk>/", views.activity_detail, name="activity_detail"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/approve/", views.activity_approve, name="activity_approve"),
    path("activities/<int:pk>/reject/", views.activity_reject, name="activity_reject"),
    path("activities/<int:pk>/resubmit/", views.activity_resubmit, name="activity_resubmit"),
    path("activities/<int:pk>/cancel/", views.activity_cancel, name="activity_cancel"),
    path("activities/<int:pk>/attach/", views.activity_attach, name="activity_attach"),
    path("activities/<int:pk>/deputies/", views.activity_add_deputies, name="activity_add"),
    path(
        "activities/<int:pk>/files/<int:file_pk>/",
        views.activity_file,
        name="activity_file",
    ),
    path(
        "participations/<int:pk>/confirm/",
        views_mine.participation_confirm,
        name="participation_confirm",
    ),
    path(
        "participations/<int:pk>/dispute/",
        views_mine.participation_dispute,
        name="participation_dispute",
    ),
    path(
        "participations/<int:pk>/remove/",
        views_mine.participation_remove,
        name="participation_remove",
    ),
    path(
        "participations/<int:pk>/uphold/",
        views_mine.participation_uphold,
        name="participation_uphold",
    ),
    path(
        "participations/<int:pk>/attendance/",
        views_mine.participation_attendance,
        name="participation_attendance",
    ),
    # The htmx deputy picker of the forms.
    path("activities/pick/deputies/", views_mine.deputy_search, name="deputy_search"),
    path("activities/pick/deputies/<int:pk>/", views_mine.deputy_chip, name="deputy_chip"),
    path("approvals/", views_mine.approvals, name="approvals"),
    path("mine/report/", views_mine.activity_report, name="activity_report"),
    path("mine/duty/", views_mine.my_duties, name="my_duties"),
]
