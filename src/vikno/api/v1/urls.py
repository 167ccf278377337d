"""/api/v1/: the read-only public API over the catalogue. Anything else under /api/v1/ is a 404 problem."""

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from vikno.api.v1.centres import CentreViewSet
from vikno.api.v1.life_events import LifeEventViewSet
from vikno.api.v1.organisations import OrganisationViewSet
from vikno.api.v1.problems import ProblemTypeView, endpoint_not_found
from vikno.api.v1.schema import SchemaView
from vikno.api.v1.services import ServiceViewSet

app_name = "api_v1"

router = SimpleRouter()
router.register("services", ServiceViewSet, basename="service")
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("life-events", LifeEventViewSet, basename="life-event")
router.register("centres", CentreViewSet, basename="centre")

urlpatterns = [
    *router.urls,
    path("schema/", SchemaView.as_view(), name="schema"),
    path("problems/<slug:slug>/", ProblemTypeView.as_view(), name="problem-type"),
    # Any path, a line break in it too (found by schemathesis: without it such a path met the HTML 404).
    re_path(r"^[\s\S]*$", endpoint_not_found, name="not-found"),
]
