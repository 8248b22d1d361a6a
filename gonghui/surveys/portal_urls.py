from django.urls import path

from . import portal_views

app_name = "surveys_portal"
urlpatterns = [
    path("", portal_views.mine, name="mine"),
    path("<int:pk>/", portal_views.answer, name="answer"),
]
