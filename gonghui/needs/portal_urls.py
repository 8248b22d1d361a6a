from django.urls import path

from . import portal_views

app_name = "needs_portal"
urlpatterns = [
    path("", portal_views.heard, name="heard"),
]
