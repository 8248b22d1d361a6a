from django.urls import path

from . import stations, views

app_name = "appeals"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("queue/<str:name>/", views.queue, name="queue_named"),
    path("assign/", views.assign, name="assign"),
    path("stations/", stations.station_list, name="stations"),
    path("stations/<int:pk>/qr/", stations.station_qr, name="station_qr"),
    path("hotline/", views.hotline, name="hotline"),
    path("report/", views.report, name="report"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/act/", views.act, name="act"),
    path("<int:pk>/transfer/", views.transfer, name="transfer"),
    path("<int:pk>/merge/", views.merge, name="merge"),
    path("<int:pk>/supervise/", views.supervise, name="supervise"),
    path("<int:pk>/wage-claim/", views.wage_claim, name="wage_claim"),
    path("<int:pk>/files/", views.upload, name="upload"),
    path("<int:pk>/files/<int:file_pk>/", views.download, name="download"),
    path("<int:pk>/return-visits/<int:visit_pk>/", views.return_visit, name="return_visit"),
]
