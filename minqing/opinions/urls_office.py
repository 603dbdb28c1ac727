"""The office's triage pages and the handling unit's pages (namespace "opinions")."""

from django.urls import path

from minqing.opinions.views import office

urlpatterns = [
    path("triage/", office.office_inbox, name="office_inbox"),
    path("unit/", office.unit_inbox, name="unit_inbox"),
    path("overdue/", office.overdue, name="overdue"),
    path("extensions/", office.extension_list, name="extensions"),
    path("extensions/<int:pk>/decide/", office.extension_decide, name="extension_decide"),
    # POST endpoints of the panels on the opinion's page.
    path("<int:pk>/classify/", office.classify, name="classify"),
    path("<int:pk>/merge/", office.merge, name="merge"),
    path("<int:pk>/decline/", office.decline, name="decline"),
    path("<int:pk>/forward/", office.forward, name="forward"),
    path("<int:pk>/sign/", office.sign, name="sign"),
    path("<int:pk>/return/", office.return_to_office, name="return"),
    path("<int:pk>/contact/", office.contact, name="contact"),
    path("<int:pk>/reply/", office.reply, name="reply"),
    path("<int:pk>/extension/", office.extension_request, name="extension_request"),
]
