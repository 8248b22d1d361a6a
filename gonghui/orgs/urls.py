from django.urls import path

from . import views

app_name = "orgs"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:parent_pk>/new/", views.create, name="create"),
    path("<int:pk>/edit/", views.edit, name="edit"),
]
