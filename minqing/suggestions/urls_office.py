"""The congress office's pages of the motion and suggestion workflow (namespace
"suggestions", mounted at /suggestions/ by urls.py)."""

from django.urls import path

from minqing.suggestions import views_office as views

urlpatterns = [
    path("office/", views.office_inbox, name="office_inbox"),
    path("overdue/", views.overdue, name="overdue"),
    path("assign/batch/", views.batch_assign, name="batch_assign"),
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    # POST endpoints of the office panel on the item's page.
    path("<int:pk>/accept/", views.accept, name="accept"),
    path("<int:pk>/reject/", views.reject, name="reject"),
    path("<int:pk>/decide/", views.decide, name="decide"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/supervise/", views.supervise, name="supervise"),
    path("<int:pk>/close/", views.close, name="close"),
    path("reassign/<int:pk>/decide/", views.reassign_decide, name="reassign_decide"),
    path("extensions/<int:pk>/decide/", views.extension_decide, name="extension_decide"),
]
