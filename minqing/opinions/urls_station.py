"""Station, deputy and detail pages of the 民情 loop (included by ``opinions.urls``
inside the "opinions" namespace)."""

from django.urls import path

from minqing.opinions.views import detail, meetings, station

urlpatterns = [
    path("", station.home, name="home"),
    path("station/", station.station_inbox, name="station_inbox"),
    path("list/", station.opinion_list, name="list"),
    path("register/", station.register, name="register"),
    path("register/fast/", station.fast_entry, name="fast_entry"),
    path("report/", station.report, name="report"),
    path("<int:pk>/", detail.opinion_detail, name="detail"),
    path("<int:pk>/answer/", detail.answer, name="answer"),
    path("<int:pk>/escalate/", detail.escalate, name="escalate"),
    path("<int:pk>/to-suggestion/", detail.to_suggestion, name="to_suggestion"),
    path("files/<int:pk>/", detail.file_download, name="file"),
    path("meetings/", meetings.meeting_list, name="meeting_list"),
    path("meetings/<int:pk>/", meetings.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/accept/", meetings.meeting_accept, name="meeting_accept"),
    path("meetings/<int:pk>/decline/", meetings.meeting_decline, name="meeting_decline"),
]
