"""Page-number pagination that refuses malformed ``page`` and ``page_size`` values with a 400 problem."""

import re

from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import ValidationError

_WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")


def _whole_number(raw: str) -> int | None:
    """The value of a plain decimal number of at most nine digits, or None."""
    return int(raw) if _WHOLE_NUMBER.fullmatch(raw) else None


class PageNumberPagination(pagination.PageNumberPagination):
    """``?page=N&page_size=M``: N from 1 to the last page, M from 1 to 100 (20 when not given).

    DRF's own class ignores a bad page size and answers a bad page number with a 404; here both are a 400
    problem document whose ``errors`` name the parameter.
    """

    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request) -> int | None:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        value = _whole_number(raw)
        if value is None or not 1 <= value <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Enter a whole number from 1 to %(maximum)d.") % {"maximum": self.max_page_size}
                    ]
                }
            )
        return value

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        page_size = self.get_page_size(request)
        if not page_size:  # PAGE_SIZE unset: no pagination, as in DRF
            return None
        paginator = self.django_paginator_class(queryset, page_size)
        raw = request.query_params.get(self.page_query_param)
        number = 1 if raw is None else _whole_number(raw)
        # An empty result still has page 1 (Django's allow_empty_first_page); num_pages is then 1.
        if number is None or not 1 <= number <= paginator.num_pages:
            raise ValidationError(
                {self.page_query_param: [_("Enter a page number from 1 to %(last)d.") % {"last": paginator.num_pages}]}
            )
        self.page = paginator.page(number)
        return list(self.page)

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.page_query_param,
                "required": False,
                "in": "query",
                "description": "The page number, from 1 to the last page (a 400 problem otherwise).",
                "schema": {"type": "integer", "minimum": 1, "default": 1},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Items per page, from 1 to {self.max_page_size} (a 400 problem otherwise).",
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_page_size,
                    "default": self.page_size,
                },
            },
        ]
