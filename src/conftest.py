"""Fixtures for the whole suite."""

import pytest
from django.conf import settings
from django.utils import translation


@pytest.fixture(autouse=True)
def _default_language_after_each_test():
    """A request to an /en/ page leaves English active in the test's thread (LocaleMiddleware activates, nothing
    deactivates); later tests that reverse URLs or read translated strings must start from the default."""
    yield
    translation.activate(settings.LANGUAGE_CODE)
