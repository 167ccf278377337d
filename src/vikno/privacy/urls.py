"""Addresses of the privacy app (filled in by the views that need them)."""

from django.urls import path  # noqa: F401

app_name = "privacy"
urlpatterns: list = []
