"""Addresses of the privacy app (filled in by the views that need them)."""

from django.urls import path

from vikno.privacy.rights.urls import urlpatterns as rights_urlpatterns
from vikno.privacy.views import access

app_name = "privacy"
urlpatterns: list = [
    *rights_urlpatterns,
    path("cabinet/data-access/", access.log, name="access-log"),
    path("cabinet/data-access/<uuid:access_id>/ask/", access.ask, name="access-ask"),
]
