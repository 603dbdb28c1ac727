from django.urls import path  # noqa: F401

app_name = "duties_public"
urlpatterns: list = []
