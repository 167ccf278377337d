"""Language-neutral addresses registered with identity providers (they must never change with the language)."""

from django.urls import path

from vikno.identity.views import eid as views

urlpatterns = [
    path("auth/eid/<slug:slug>/start/", views.eid_start, name="eid-start"),
    path("auth/eid/<slug:slug>/callback/", views.eid_callback, name="eid-callback"),
]
