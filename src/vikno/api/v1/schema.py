"""/api/v1/schema/: the OpenAPI 3 description of the API, generated from the code by drf-spectacular.

JSON by default; YAML with ``?format=yaml`` or ``Accept: application/yaml`` (or application/vnd.oai.openapi).
The document is written in English, whatever the request's language: its own descriptions are English, and
labels taken from the models (verbose names, choice labels) would otherwise come out in a mix of languages.
"""

from django.utils import translation
from drf_spectacular.renderers import (
    OpenApiJsonRenderer,
    OpenApiJsonRenderer2,
    OpenApiYamlRenderer,
    OpenApiYamlRenderer2,
)
from drf_spectacular.settings import patched_settings
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView

from vikno.api.v1.negotiation import NegotiationMixin
from vikno.core.access import PUBLIC


class SchemaView(NegotiationMixin, SpectacularAPIView):
    access = PUBLIC
    renderer_classes = [OpenApiJsonRenderer2, OpenApiJsonRenderer, OpenApiYamlRenderer2, OpenApiYamlRenderer]

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        # Unlike the parent view, ignore ?lang= and ?version=: the query string never reaches the document.
        with patched_settings(self.custom_settings), translation.override("en"):
            return self._get_schema_response(request)

    def _get_version_parameter(self, request):
        return None
