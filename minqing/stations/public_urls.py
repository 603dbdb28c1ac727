"""Public pages citizens reach without an account (mounted at /s/)."""

from django.urls import path

from minqing.stations import views

app_name = "public"
urlpatterns = [
    # Any run of letters/digits/dashes reaches the view, which checks the code's check
    # character before touching the database.
    path("<str:code>/", views.public_station, name="station"),
]
