"""Stable, language-neutral addresses of the catalogue's open data (CPSV-AP, CSV, sitemap)."""

from django.urls import path

from vikno.catalog import opendata_views as views

app_name = "opendata"

urlpatterns = [
    path("open-data/catalogue.jsonld", views.catalogue_document, {"fmt": "json-ld"}, name="catalogue-jsonld"),
    path("open-data/catalogue.ttl", views.catalogue_document, {"fmt": "turtle"}, name="catalogue-turtle"),
    path(
        "open-data/services/<str:identifier>.jsonld",
        views.service_document,
        {"fmt": "json-ld"},
        name="service-jsonld",
    ),
    path("open-data/services/<str:identifier>.ttl", views.service_document, {"fmt": "turtle"}, name="service-turtle"),
    path("open-data/services.csv", views.services_csv, name="services-csv"),
    path("sitemap.xml", views.sitemap, name="sitemap"),
]
