from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("", views.questionnaire_list, name="list"),
    path("new/", views.questionnaire_create, name="create"),
    path("<int:pk>/", views.questionnaire_detail, name="detail"),
    path("<int:pk>/edit/", views.questionnaire_edit, name="edit"),
    path("<int:pk>/publish/", views.questionnaire_publish, name="publish"),
    path("<int:pk>/close/", views.questionnaire_close, name="close"),
    path("<int:pk>/duplicate/", views.questionnaire_duplicate, name="duplicate"),
    path("<int:pk>/questions/new/", views.question_add, name="question_add"),
    path("<int:pk>/questions/<int:question_pk>/edit/", views.question_edit, name="question_edit"),
    path("<int:pk>/questions/<int:question_pk>/remove/", views.question_remove, name="question_remove"),
    path("<int:pk>/questions/<int:question_pk>/move/", views.question_move, name="question_move"),
    path("<int:pk>/results/", views.questionnaire_results, name="results"),
    path("<int:pk>/results/<int:question_pk>/texts/", views.text_answers, name="texts"),
    path("<int:pk>/export.xlsx", views.questionnaire_export, name="export"),
    path("<int:pk>/needs/option/<int:option_pk>/", views.need_from_option, name="need_option"),
    path("<int:pk>/needs/rating/<int:question_pk>/<int:at_most>/", views.need_from_rating, name="need_rating"),
]
