"""The voters' representatives' phone ballot (述职评议), public: /public/duties/vote/."""

from django.urls import path

from minqing.duties import views_reports as views

urlpatterns = [
    path("vote/", views.vote, name="vote"),
    path("vote/thanks/", views.vote_thanks, name="vote_thanks"),
]
