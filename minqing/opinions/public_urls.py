"""The citizen's pages, mounted at /o/ (namespace "citizen"). The names are a contract
(OPINIONS.md): the station page, SMS texts (``actions._common.TRACK_PATH`` is exactly
/o/track/) and the API link here."""

from django.urls import path

from minqing.opinions import public_views as views

app_name = "citizen"
urlpatterns = [
    path("", views.submit, name="submit"),
    path("s/<str:code>/", views.station_submit, name="station_submit"),
    path("s/<str:code>/meet/", views.meet, name="meet"),
    path("done/", views.done, name="done"),
    path("track/", views.track, name="track"),
    path("track/view/", views.track_view, name="track_view"),
    path("track/rate/", views.rate, name="rate"),
    path("photo/<int:pk>/", views.photo, name="photo"),
    # The general form's cascading region picker (htmx fragment).
    path("regions/", views.regions, name="regions"),
]
