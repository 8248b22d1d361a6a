"""The security administrator's console pages, mounted at /console/security/."""

from django.urls import path

from . import views

app_name = "security"
urlpatterns = [
    path("", views.locked_accounts, name="locked"),
    path("<int:pk>/unlock/", views.unlock, name="unlock"),
]
