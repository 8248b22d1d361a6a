from django.urls import path

from . import views

app_name = "outreach"
urlpatterns = [
    path("", views.board, name="board"),
    path("ensure/", views.ensure, name="ensure"),
    path("registrations/", views.registrations, name="registrations"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/visit/", views.visit_new, name="visit"),
    path("<int:pk>/move/", views.move, name="move"),
    path("<int:pk>/edit/", views.edit, name="edit"),
]
