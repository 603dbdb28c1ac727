from django.urls import path

from minqing.stations import views

app_name = "stations"
urlpatterns = [
    path("", views.station_list, name="station_list"),
    path("new/", views.station_create, name="station_create"),
    path("<int:pk>/", views.station_detail, name="station_detail"),
    path("<int:pk>/edit/", views.station_edit, name="station_edit"),
    path("<int:pk>/transition/", views.station_transition, name="station_transition"),
    path("<int:pk>/qr.svg", views.station_qr_svg, name="station_qr_svg"),
    path("<int:pk>/qr.png", views.station_qr_png, name="station_qr_png"),
    path("<int:pk>/poster.pdf", views.station_poster, name="station_poster"),
    path("<int:pk>/deputies/add/", views.station_deputy_add, name="station_deputy_add"),
    path(
        "<int:pk>/deputies/<int:membership_pk>/remove/",
        views.station_deputy_remove,
        name="station_deputy_remove",
    ),
    path("<int:pk>/staff/grant/", views.station_staff_grant, name="station_staff_grant"),
    path(
        "<int:pk>/staff/<int:grant_pk>/revoke/",
        views.station_staff_revoke,
        name="station_staff_revoke",
    ),
    path("<int:pk>/schedules/add/", views.schedule_create, name="schedule_create"),
    path("<int:pk>/schedules/<int:schedule_pk>/edit/", views.schedule_edit, name="schedule_edit"),
    path(
        "<int:pk>/schedules/<int:schedule_pk>/delete/",
        views.schedule_delete,
        name="schedule_delete",
    ),
    path("<int:pk>/days/add/", views.reception_day_create, name="reception_day_create"),
    path("<int:pk>/days/<int:day_pk>/edit/", views.reception_day_edit, name="reception_day_edit"),
    path(
        "<int:pk>/days/<int:day_pk>/cancel/",
        views.reception_day_cancel,
        name="reception_day_cancel",
    ),
]
