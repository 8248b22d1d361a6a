from django.urls import path

from . import views

app_name = "needs"
urlpatterns = [
    path("", views.need_list, name="needs"),
    path("new/", views.need_create, name="need_create"),
    path("<int:pk>/", views.need_detail, name="need"),
    path("<int:pk>/edit/", views.need_edit, name="need_edit"),
    path("<int:pk>/decline/", views.need_decline, name="need_decline"),
    path("<int:pk>/take-up/", views.need_take_up, name="need_take_up"),
    path("<int:pk>/match/<int:resource_pk>/start/", views.match_start, name="match_start"),
    path("<int:pk>/match/<int:resource_pk>/join/", views.match_join, name="match_join"),
    path("resources/", views.resource_list, name="resources"),
    path("resources/new/", views.resource_create, name="resource_create"),
    path("resources/<int:pk>/", views.resource_detail, name="resource"),
    path("resources/<int:pk>/edit/", views.resource_edit, name="resource_edit"),
    path("projects/", views.project_list, name="projects"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/start/", views.project_start, name="project_start"),
    path("projects/<int:pk>/complete/", views.project_complete, name="project_complete"),
    path("projects/<int:pk>/cancel/", views.project_cancel, name="project_cancel"),
    path("projects/<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path("projects/<int:pk>/resources/", views.resource_commit, name="resource_commit"),
    path("milestones/<int:pk>/done/", views.milestone_done, name="milestone_done"),
    path("report/", views.report, name="report"),
]
