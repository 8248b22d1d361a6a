from django.urls import path

from . import portal_views

app_name = "hardship_portal"
urlpatterns = [
    path("", portal_views.mine, name="mine"),
    path("apply/", portal_views.apply, name="apply"),
]
