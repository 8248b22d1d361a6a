from django.urls import path

from . import portal_views

app_name = "aid"
urlpatterns = [
    path("", portal_views.aid_home, name="home"),
    path("<int:pk>/apply/", portal_views.aid_apply, name="apply"),
]
