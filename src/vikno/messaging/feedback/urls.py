from django.urls import path

from vikno.messaging.feedback import views

app_name = "feedback"

urlpatterns = [
    path("cabinet/applications/<uuid:application_id>/rating/", views.rating, name="rating"),
    path("services/<slug:slug>/useful/", views.useful, name="useful"),
    path("services/<slug:slug>/questions/new/", views.question_new, name="question-new"),
]
