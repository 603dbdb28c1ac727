"""The deputies' pages and the item page (mounted in urls.py under "suggestions")."""

from django.urls import path

from minqing.suggestions import views_deputy as views
from minqing.suggestions import views_detail

urlpatterns = [
    path("", views.home, name="home"),
    path("mine/", views.mine, name="mine"),
    path("list/", views.suggestion_list, name="list"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views_detail.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/invite/", views.invite, name="invite"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("signers/<int:pk>/confirm/", views.signer_confirm, name="signer_confirm"),
    path("signers/<int:pk>/decline/", views.signer_decline, name="signer_decline"),
    path(
        "signers/<int:pk>/withdraw-agree/",
        views.signer_withdraw_agree,
        name="signer_withdraw_agree",
    ),
    path(
        "signers/<int:pk>/withdraw-refuse/",
        views.signer_withdraw_refuse,
        name="signer_withdraw_refuse",
    ),
    path("replies/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("files/<int:pk>/", views_detail.file_download, name="file"),
    # htmx pickers of the draft form.
    path("pick/deputies/", views.deputy_picker, name="deputy_picker"),
    path("pick/deputies/<int:pk>/", views.deputy_chip, name="deputy_chip"),
    path("pick/opinions/", views.opinion_picker, name="opinion_picker"),
    path("pick/opinions/<int:pk>/", views.opinion_chip, name="opinion_chip"),
]
