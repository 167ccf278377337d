"""The citizen's pages about their data (included by privacy/urls.py, in the "privacy" namespace)."""

from django.urls import path

from vikno.privacy.rights import views

urlpatterns = [
    path("cabinet/my-data/", views.my_data, name="my-data"),
    path("cabinet/my-data/export.json", views.export_json, name="export-json"),
    path("cabinet/my-data/export.pdf", views.export_pdf, name="export-pdf"),
    path("cabinet/my-data/consents/", views.consents, name="consents"),
    path("cabinet/my-data/correct/", views.correct, name="correct"),
    path("cabinet/my-data/email/<str:token>/", views.email_confirm, name="email-confirm"),
    path("cabinet/my-data/erasure/", views.erasure_request, name="erasure"),
    path("cabinet/my-data/requests/<uuid:request_id>/", views.request_detail, name="request"),
]
