from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_new, name="new"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/publicity/", views.publicity, name="publicity"),
    path("<int:pk>/lottery/", views.lottery, name="lottery"),
    path("<int:pk>/batches/", views.batch_new, name="batch"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/decide/", views.decide, name="decide"),
    path("batches/<int:pk>/bank-file/", views.batch_download, name="export"),
]
