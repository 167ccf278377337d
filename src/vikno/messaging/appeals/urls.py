from django.urls import path

from vikno.messaging.appeals import views

app_name = "appeals"

urlpatterns = [
    path("cabinet/appeals/", views.mine, name="mine"),
    path("cabinet/appeals/new/", views.new, name="new"),
    path("cabinet/appeals/<uuid:appeal_id>/", views.detail, name="detail"),
    path("cabinet/appeals/<uuid:appeal_id>/sent/", views.sent, name="sent"),
    path("cabinet/appeals/<uuid:appeal_id>/files/<uuid:attachment_id>/", views.attachment, name="attachment"),
]
