"""Reports to voters and the voters' representatives' evaluation (述职评议): the staff
pages and the steps of one meeting (views_reports)."""

from django.urls import path

from minqing.duties import views_reports as views

urlpatterns = [
    path("reports/", views.report_list, name="report_list"),
    path("reports/new/", views.report_create, name="report_create"),
    path("reports/pick/deputies/", views.report_deputy_picker, name="report_deputy_picker"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/screen/", views.report_screen, name="report_screen"),
    path("reports/<int:pk>/screen/live/", views.report_screen_live, name="report_screen_live"),
    path("reports/<int:pk>/record/", views.report_record, name="report_record"),
    path("reports/<int:pk>/codes/", views.report_codes, name="report_codes"),
    path("reports/<int:pk>/codes/void/", views.report_code_void, name="report_code_void"),
    path("reports/<int:pk>/open/", views.report_open, name="report_open"),
    path("reports/<int:pk>/paper/", views.report_paper, name="report_paper"),
    path("reports/<int:pk>/close/", views.report_close, name="report_close"),
    path("reports/<int:pk>/cancel/", views.report_cancel, name="report_cancel"),
]
