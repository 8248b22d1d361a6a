from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("join/", views.join, name="join"),
    path("join/union/", views.join_choose, name="join_choose"),
    path("transfer/", views.join, {"transfer": True}, name="transfer"),
    path("membership/", views.membership, name="membership"),
    path("membership/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("membership/<int:pk>/leave/", views.leave, name="leave"),
    path("card/", views.card, name="card"),
    path("verify/<str:token>/", views.verify, name="verify"),
]
