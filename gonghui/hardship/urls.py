from django.urls import path

from . import views

app_name = "hardship"
urlpatterns = [
    path("", views.file_list, name="list"),
    path("new/", views.create, name="create"),
    path("export/", views.export, name="export"),
    path("spot-checks/", views.spot_checks, name="spot_checks"),
    path("spot-checks/<int:pk>/", views.spot_check, name="spot_check"),
    path("standards/", views.standards, name="standards"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/family/<int:member_pk>/leave/", views.family_leave, name="family_leave"),
    path("<int:pk>/<slug:slug>/", views.action, name="action"),
]
