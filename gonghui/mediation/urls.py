from django.urls import path

from . import views

app_name = "mediation"
urlpatterns = [
    path("", views.case_list, name="cases"),
    path("mine/", views.my_cases, name="mine"),
    path("new/", views.case_new, name="case_new"),
    path("from-appeal/", views.from_appeal, name="from_appeal"),
    path("committees/", views.committees, name="committees"),
    path("mediators/", views.mediators, name="mediators"),
    path("mediators/<int:pk>/toggle/", views.mediator_toggle, name="mediator_toggle"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/session/", views.session_new, name="session"),
    path("<int:pk>/agreement/", views.agreement, name="agreement"),
    path("<int:pk>/agreement.docx", views.agreement_download, name="download"),
    path("<int:pk>/failure/", views.failure, name="failure"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
