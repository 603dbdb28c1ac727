"""The reception pages (namespace "duties", mounted at /duties/ by urls.py): the
office's unified reception days and a station's reception day."""

from django.urls import path

from minqing.duties import views_reception as views

urlpatterns = [
    path("unified/", views.unified_day_list, name="unified_day_list"),
    path("unified/new/", views.unified_day_create, name="unified_day_create"),
    path("unified/<int:pk>/", views.unified_day_detail, name="unified_day_detail"),
    path("unified/<int:pk>/edit/", views.unified_day_edit, name="unified_day_edit"),
    path("unified/<int:pk>/tally/", views.unified_day_tally, name="unified_day_tally"),
    path("unified/<int:pk>/notify/", views.unified_day_notify, name="unified_day_notify"),
    path("unified/<int:pk>/start/", views.unified_day_start, name="unified_day_start"),
    path("unified/<int:pk>/close/", views.unified_day_close, name="unified_day_close"),
    path("unified/<int:pk>/cancel/", views.unified_day_cancel, name="unified_day_cancel"),
    path("unified/posts/<int:pk>/assign/", views.duty_slot_assign, name="duty_slot_assign"),
    path("unified/posts/<int:pk>/deputies/", views.duty_picker, name="duty_picker"),
    path("unified/slots/<int:pk>/remove/", views.duty_slot_remove, name="duty_slot_remove"),
    path("reception/", views.reception_home, name="reception_home"),
    path("reception/<int:station_pk>/", views.station_today, name="station_today"),
    path(
        "reception/<int:station_pk>/check-in/",
        views.reception_check_in,
        name="reception_check_in",
    ),
    path(
        "reception/<int:station_pk>/visitors/",
        views.reception_visitors_add,
        name="reception_visitors_add",
    ),
]
