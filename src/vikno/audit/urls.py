"""Addresses of the audit app: the public transparency page and its data."""

from django.urls import path

from vikno.audit import views

app_name = "audit"
urlpatterns = [
    path("transparency/", views.transparency, name="transparency"),
    path("transparency/roots.json", views.roots, name="roots"),
    path("transparency/<str:day>/leaves.txt", views.leaves, name="leaves"),
]
