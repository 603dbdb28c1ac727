from django.http import HttpResponse
from django.urls import path


def _todo(request, *args, **kwargs):  # replaced by views_reception
    return HttpResponse(status=501)


urlpatterns = [
    path("unified/<int:pk>/", _todo, name="unified_day_detail"),
    path("mine/duty/", _todo, name="my_duties"),
]
