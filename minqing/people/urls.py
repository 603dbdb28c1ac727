from django.urls import path

from minqing.people import views, views_grids

app_name = "people"
urlpatterns = [
    path("deputies/", views.deputy_list, name="deputy_list"),
    path("deputies/new/", views.deputy_create, name="deputy_create"),
    path("deputies/import/", views.deputy_import, name="deputy_import"),
    path(
        "deputies/import/template.xlsx",
        views.deputy_import_template,
        name="deputy_import_template",
    ),
    path("deputies/<int:pk>/", views.deputy_detail, name="deputy_detail"),
    path("deputies/<int:pk>/edit/", views.deputy_edit, name="deputy_edit"),
    path("deputies/<int:pk>/end-term/", views.deputy_end_term, name="deputy_end_term"),
    path("deputies/<int:pk>/link-user/", views.deputy_link_user, name="deputy_link_user"),
    path("deputies/<int:pk>/grids/", views_grids.deputy_grid_add, name="deputy_grid_add"),
    path(
        "deputies/grids/<int:pk>/remove/",
        views_grids.deputy_grid_remove,
        name="deputy_grid_remove",
    ),
    path("groups/", views.group_list, name="group_list"),
    path("groups/new/", views.group_create, name="group_create"),
    path("groups/<int:pk>/", views.group_detail, name="group_detail"),
    path("groups/<int:pk>/edit/", views.group_edit, name="group_edit"),
    path("groups/<int:pk>/members/add/", views.group_member_add, name="group_member_add"),
    path("groups/<int:pk>/members/remove/", views.group_member_remove, name="group_member_remove"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/new/", views.unit_create, name="unit_create"),
    path("units/import/", views.unit_import, name="unit_import"),
    path("units/import/template.xlsx", views.unit_import_template, name="unit_import_template"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/edit/", views.unit_edit, name="unit_edit"),
    path("units/<int:pk>/deactivate/", views.unit_deactivate, name="unit_deactivate"),
    path("units/<int:pk>/staff/", views.unit_staff_grant, name="unit_staff_grant"),
    path(
        "units/<int:pk>/staff/<int:grant_pk>/revoke/",
        views.unit_staff_revoke,
        name="unit_staff_revoke",
    ),
]
