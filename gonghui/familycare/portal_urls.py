from django.urls import path

from . import portal_views

app_name = "familycare_portal"
urlpatterns = [
    path("summer/", portal_views.classes, name="classes"),
    path("summer/<int:pk>/enrol/", portal_views.enrol, name="enrol"),
    path("summer/enrolments/<int:pk>/cancel/", portal_views.cancel, name="cancel"),
    path("nursing-rooms/", portal_views.rooms, name="rooms"),
]
