from django.urls import path

from vikno.backoffice.views import case, queue

app_name = "backoffice"

urlpatterns = [
    path("office/cases/", queue.queue, name="queue"),
    path("office/cases/assign/", queue.bulk_assign, name="bulk-assign"),
    path("office/cases/<uuid:application_id>/", case.case, name="case"),
    path("office/cases/<uuid:application_id>/files/<uuid:attachment_id>/", case.attachment, name="attachment"),
    path("office/cases/<uuid:application_id>/notes/", case.note, name="note"),
    path("office/cases/<uuid:application_id>/assign/", case.assign, name="assign"),
    path("office/cases/<uuid:application_id>/actions/<str:transition_id>/", case.action, name="action"),
    path("office/cases/<uuid:application_id>/decision/confirm/", case.confirm, name="confirm"),
    path("office/cases/<uuid:application_id>/decision/return/", case.decision_return, name="return"),
]
