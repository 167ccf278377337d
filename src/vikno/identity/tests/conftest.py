"""The clock fixture of the applications tests, for tests that move time."""

from vikno.applications.tests.conftest import at  # noqa: F401  (pytest fixture)
