from django.urls import path

from . import views

app_name = "familycare"
urlpatterns = [
    path("summer/", views.class_list, name="classes"),
    path("summer/new/", views.class_create, name="class_create"),
    path("summer/<int:pk>/", views.class_detail, name="class"),
    path("summer/<int:pk>/edit/", views.class_edit, name="class_edit"),
    path("summer/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("summer/enrolments/<int:pk>/cancel/", views.enrolment_cancel, name="cancel"),
    path("nursing-rooms/", views.room_list, name="rooms"),
    path("nursing-rooms/new/", views.room_create, name="room_create"),
    path("nursing-rooms/<int:pk>/edit/", views.room_edit, name="room_edit"),
    path("nursing-rooms/<int:pk>/delete/", views.room_delete, name="room_delete"),
]
