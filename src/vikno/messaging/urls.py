from django.urls import path

from vikno.messaging import views

app_name = "messaging"

urlpatterns = [
    path("cabinet/messages/", views.inbox, name="inbox"),
    path("cabinet/messages/read/", views.read_all, name="read-all"),
    path("cabinet/messages/<uuid:notification_id>/", views.notification, name="notification"),
]
