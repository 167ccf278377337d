"""Errors as RFC 9457 (formerly RFC 7807) problem documents, served as ``application/problem+json``.

Every error the API answers with has the members ``type``, ``title``, ``status``, ``detail`` and ``instance``;
an invalid request adds ``errors``, mapping each offending query parameter to its messages. Titles and details
follow the request's language (Accept-Language, Ukrainian by default). Each ``type`` is an address under
``/api/v1/problems/`` that describes the problem type in both languages.
"""

import json
from dataclasses import dataclass
from http import HTTPStatus

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

from vikno.api.v1.fields import LANGUAGE_CODES, TranslatedTextSerializer
from vikno.api.v1.negotiation import NegotiationMixin, activate_request_language
from vikno.core.access import PUBLIC, public

PROBLEM_JSON = "application/problem+json"


@dataclass(frozen=True)
class ProblemType:
    slug: str
    status: int
    title: Promise
    description: Promise


INVALID_PARAMETERS = ProblemType(
    "invalid-parameters",
    400,
    gettext_lazy("Invalid request parameters"),
    gettext_lazy(
        "One or more query parameters are not valid. The errors member names each parameter with its "
        "messages. Correct them and ask again."
    ),
)
NOT_FOUND = ProblemType(
    "not-found",
    404,
    gettext_lazy("Not found"),
    gettext_lazy(
        "There is nothing at this address: the id is unknown, the item is not published, or the address "
        "is not an API endpoint."
    ),
)
METHOD_NOT_ALLOWED = ProblemType(
    "method-not-allowed",
    405,
    gettext_lazy("Method not allowed"),
    gettext_lazy("The API is read-only: it answers GET, HEAD and OPTIONS requests only."),
)
NOT_ACCEPTABLE = ProblemType(
    "not-acceptable",
    406,
    gettext_lazy("Not acceptable"),
    gettext_lazy("The API cannot answer in any of the formats the Accept header or the format parameter asks for."),
)
PROBLEM_TYPES = {p.slug: p for p in (INVALID_PARAMETERS, NOT_FOUND, METHOD_NOT_ALLOWED, NOT_ACCEPTABLE)}
_BY_EXCEPTION = (
    (exceptions.ValidationError, INVALID_PARAMETERS),
    (exceptions.NotFound, NOT_FOUND),
    (exceptions.MethodNotAllowed, METHOD_NOT_ALLOWED),
    (exceptions.NotAcceptable, NOT_ACCEPTABLE),
)


def problem_type_uri(problem_type: ProblemType) -> str:
    return settings.SITE_URL + reverse("api_v1:problem-type", kwargs={"slug": problem_type.slug})


def problem_document(
    problem_type: ProblemType, *, detail: str, instance: str, errors: dict[str, list[str]] | None = None
) -> dict:
    document = {
        "type": problem_type_uri(problem_type),
        "title": str(problem_type.title),
        "status": problem_type.status,
        "detail": detail,
        "instance": instance,
    }
    if errors is not None:
        document["errors"] = errors
    return document


def _messages(detail) -> list[str]:
    if isinstance(detail, dict):
        return [message for value in detail.values() for message in _messages(value)]
    if isinstance(detail, list):
        return [message for value in detail for message in _messages(value)]
    return [str(detail)]


def _field_errors(detail) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {str(name): _messages(value) for name, value in detail.items()}
    return {"non_field_errors": _messages(detail)}


def _detail(problem_type: ProblemType, exc: exceptions.APIException, context: dict) -> str:
    request = context.get("request")
    view = context.get("view")
    if problem_type is INVALID_PARAMETERS:
        return _("Some query parameters are not valid; see errors.")
    if problem_type is METHOD_NOT_ALLOWED:
        method = request.method if request is not None else ""
        return _("The API is read-only: the %(method)s method is not allowed here; use GET.") % {"method": method}
    if problem_type is NOT_ACCEPTABLE:
        media_types = sorted({r.media_type for r in getattr(view, "renderer_classes", [])})
        return _("Ask for one of these formats: %(media_types)s.") % {"media_types": ", ".join(media_types)}
    if problem_type is NOT_FOUND:
        if view is not None and getattr(view, "action", None) == "retrieve":
            return _("There is no published item with this id.")
        return _("There is nothing at this address.")
    return str(exc.detail)


def problem_exception_handler(exc, context):
    """DRF's exception handler, answering with a problem document (None for unexpected errors: a 500)."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = exception_handler(exc, context)
    if response is None:
        return None
    request = context.get("request")
    instance = request.path if request is not None else ""
    problem_type = next((p for cls, p in _BY_EXCEPTION if isinstance(exc, cls)), None)
    if problem_type is None:
        status = HTTPStatus(response.status_code)
        response.data = {
            "type": "about:blank",
            "title": status.phrase,
            "status": status.value,
            "detail": " ".join(_messages(exc.detail)),
            "instance": instance,
        }
    else:
        errors = _field_errors(exc.detail) if problem_type is INVALID_PARAMETERS else None
        response.data = problem_document(
            problem_type, detail=_detail(problem_type, exc, context), instance=instance, errors=errors
        )
    response.content_type = PROBLEM_JSON
    return response


@public
@csrf_exempt
def endpoint_not_found(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """Every address under /api/v1/ that names no endpoint: a 404 problem document, whatever the method."""
    activate_request_language(request)
    document = problem_document(
        NOT_FOUND,
        detail=_("There is no API endpoint at this address. The schema at %(schema)s lists them all.")
        % {"schema": reverse("api_v1:schema")},
        instance=request.path,
    )
    return HttpResponse(json.dumps(document, ensure_ascii=False), status=404, content_type=PROBLEM_JSON)


# --- Schema ---------------------------------------------------------------------------------------------


class ProblemSerializer(serializers.Serializer):
    """An RFC 9457 problem document."""

    type = serializers.URLField(help_text="The problem type: an address that describes it.")
    title = serializers.CharField(help_text="A short summary of the problem type, in the request's language.")
    status = serializers.IntegerField(help_text="The HTTP status code.")
    detail = serializers.CharField(help_text="What went wrong in this request, in the request's language.")
    instance = serializers.CharField(help_text="The path of the request.")
    errors = serializers.DictField(  # type: ignore[assignment]  # DRF takes declared fields off the class
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="Only for invalid-parameters: the messages for each invalid query parameter.",
    )


_RESPONSE_DESCRIPTIONS = {
    400: "A query parameter is not valid (problem type invalid-parameters).",
    404: "Nothing was found (problem type not-found).",
    406: "The Accept header or the format parameter asks for a format the API cannot give (not-acceptable).",
}


def problem_responses(*statuses: int) -> dict:
    """Responses for extend_schema: the given statuses as application/problem+json problem documents."""
    return {
        (status, PROBLEM_JSON): OpenApiResponse(ProblemSerializer, description=_RESPONSE_DESCRIPTIONS[status])
        for status in statuses
    }


class ProblemTypeSerializer(serializers.Serializer):
    type = serializers.URLField(help_text="The address of this problem type, as used in problem documents.")
    status = serializers.IntegerField(help_text="The HTTP status code that comes with it.")
    title = TranslatedTextSerializer()
    description = TranslatedTextSerializer()


class ProblemTypeView(NegotiationMixin, APIView):
    """The description of one problem type, in every portal language."""

    access = PUBLIC

    @extend_schema(
        operation_id="problem_type_retrieve",
        summary="Describe a problem type",
        tags=["problems"],
        parameters=[OpenApiParameter("slug", str, OpenApiParameter.PATH, enum=list(PROBLEM_TYPES))],
        responses={200: ProblemTypeSerializer, **problem_responses(404, 406)},
    )
    def get(self, request, slug: str):
        problem_type = PROBLEM_TYPES.get(slug)
        if problem_type is None:
            raise exceptions.NotFound()
        texts: dict[str, dict[str, str]] = {"title": {}, "description": {}}
        for code in LANGUAGE_CODES:
            with translation.override(code):
                texts["title"][code] = str(problem_type.title)
                texts["description"][code] = str(problem_type.description)
        return Response(
            {
                "type": problem_type_uri(problem_type),
                "status": problem_type.status,
                "title": texts["title"],
                "description": texts["description"],
            }
        )
