from django.urls import path

from vikno.catalog import views

app_name = "catalog"

urlpatterns = [
    path("services/", views.service_index, name="service-index"),
    path("services/<slug:slug>/", views.service_detail, name="service-detail"),
    path("search/", views.search, name="search"),
    path("topics/<slug:slug>/", views.sector_detail, name="sector-detail"),
    path("life-events/", views.life_event_index, name="life-event-index"),
    path("life-events/<slug:slug>/", views.life_event_detail, name="life-event-detail"),
    path("authorities/", views.organisation_index, name="organisation-index"),
    path("authorities/<slug:slug>/", views.organisation_detail, name="organisation-detail"),
    path("centres/", views.centre_finder, name="centre-finder"),
    path("centres/<slug:slug>/", views.centre_detail, name="centre-detail"),
    path("open-data/", views.open_data, name="open-data"),
]
