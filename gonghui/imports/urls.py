from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.job_list_view, name="list"),
    path("new/", views.job_new, name="new"),
    path("templates/<str:kind>.xlsx", views.blank_template_view, name="template"),
    path("<int:pk>/", views.job_detail, name="detail"),
    path("<int:pk>/progress/", views.job_progress, name="progress"),
    path("<int:pk>/report.xlsx", views.job_report, name="report"),
]
