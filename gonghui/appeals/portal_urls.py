from django.urls import path

from . import portal_views as views
from . import public_views
from .views import download

app_name = "appeals_portal"
urlpatterns = [
    path("", views.my_list, name="list"),
    path("new/", views.new, name="new"),
    path("anonymous/", public_views.anonymous_new, name="anonymous"),
    path("track/<str:token>/", public_views.track, name="track"),
    path("track/<str:token>/rate/", public_views.track_rate, name="track_rate"),
    path("station/<str:token>/", public_views.station_new, name="station"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/rate/", views.rate, name="rate"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("<int:pk>/files/", views.upload, name="upload"),
    path("<int:pk>/files/<int:file_pk>/", download, name="download"),
]
