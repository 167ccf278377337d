from django.urls import path

from vikno.backoffice.views import appeals as appeal_views
from vikno.backoffice.views import audit as audit_views
from vikno.backoffice.views import case, queue
from vikno.backoffice.views import feedback as feedback_views
from vikno.backoffice.views import messages as case_messages
from vikno.backoffice.views import payments as payment_views
from vikno.backoffice.views import privacy as privacy_views

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
    path("office/cases/<uuid:application_id>/messages/", case_messages.reply, name="message"),
    path(
        "office/cases/<uuid:application_id>/messages/files/<uuid:attachment_id>/",
        case_messages.attachment,
        name="message-attachment",
    ),
    path("office/questions/", feedback_views.questions, name="questions"),
    path("office/questions/<uuid:question_id>/", feedback_views.question, name="question"),
    path("office/feedback/", feedback_views.feedback, name="feedback"),
    path("office/payments/", payment_views.payments, name="payments"),
    path("office/payments/statements/", payment_views.statement_upload, name="statement-upload"),
    path("office/payments/reconciliation/", payment_views.reconciliation, name="reconciliation"),
    path("office/payments/<uuid:payment_id>/", payment_views.payment, name="payment"),
    path("office/audit/", audit_views.search, name="audit"),
    path("office/appeals/", appeal_views.queue, name="appeals"),
    path("office/appeals/<uuid:appeal_id>/", appeal_views.appeal, name="appeal"),
    path(
        "office/appeals/<uuid:appeal_id>/files/<uuid:attachment_id>/",
        appeal_views.attachment,
        name="appeal-attachment",
    ),
    path("office/appeals/<uuid:appeal_id>/assign/", appeal_views.assign, name="appeal-assign"),
    path("office/appeals/<uuid:appeal_id>/short-term/", appeal_views.short_term, name="appeal-short-term"),
    path("office/appeals/<uuid:appeal_id>/extend/", appeal_views.extend, name="appeal-extend"),
    path("office/appeals/<uuid:appeal_id>/answer/", appeal_views.answer, name="appeal-answer"),
    path("office/privacy/", privacy_views.queue, name="privacy-requests"),
    path("office/privacy/<uuid:request_id>/", privacy_views.data_request, name="privacy-request"),
]
