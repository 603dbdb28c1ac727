from django.urls import path

from minqing.core import views, views_exports

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("regions/", views.region_list, name="region_list"),
    path("regions/import/", views.region_import, name="region_import"),
    path("regions/<str:code>/", views.region_detail, name="region_detail"),
    path("regions/<str:code>/new/", views.region_create, name="region_create"),
    path("regions/<str:code>/edit/", views.region_edit, name="region_edit"),
    path("settings/", views.settings_page, name="settings"),
    path("settings/<str:code>/<str:key>/", views.setting_edit, name="setting_edit"),
    path("audit/", views.audit_list, name="audit_list"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("calendar/import/", views.calendar_import, name="calendar_import"),
    path("exports/<int:pk>/", views_exports.export_job, name="export_job"),
    path("exports/<int:pk>/download/", views_exports.export_download, name="export_download"),
]
