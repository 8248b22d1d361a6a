from django.urls import path

from . import views

app_name = "members"
urlpatterns = [
    path("", views.worker_list, name="list"),
    path("export.xlsx", views.export, name="export"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/reveal/", views.reveal, name="reveal"),
    path("queue/", views.queue, name="queue"),
    path("queue/approve/", views.bulk_approve, name="bulk_approve"),
    path("queue/<int:pk>/approve/", views.approve, name="approve"),
    path("queue/<int:pk>/reject/", views.reject, name="reject"),
]
