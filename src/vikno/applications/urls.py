from django.urls import path

from vikno.applications.views import cabinet, journey

app_name = "applications"

urlpatterns = [
    path("services/<slug:slug>/apply/", journey.start, name="start"),
    path("applications/<uuid:application_id>/check/", journey.check, name="check"),
    path("applications/<uuid:application_id>/sent/", journey.submitted, name="submitted"),
    path("applications/<uuid:application_id>/discard/", journey.discard, name="discard"),
    path("applications/<uuid:application_id>/steps/<slug:step_id>/", journey.step, name="step"),
    path("cabinet/applications/", cabinet.mine, name="mine"),
    path("cabinet/applications/<uuid:application_id>/", cabinet.detail, name="detail"),
    path("cabinet/applications/<uuid:application_id>/withdraw/", cabinet.withdraw, name="withdraw"),
    path("cabinet/applications/<uuid:application_id>/result.pdf", cabinet.result, name="result"),
    path(
        "cabinet/applications/<uuid:application_id>/files/<uuid:attachment_id>/", cabinet.attachment, name="attachment"
    ),
    path("cabinet/applications/<uuid:application_id>/messages/", cabinet.message_send, name="message"),
    path(
        "cabinet/applications/<uuid:application_id>/messages/files/<uuid:attachment_id>/",
        cabinet.message_attachment,
        name="message-attachment",
    ),
]
