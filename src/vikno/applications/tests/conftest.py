import pytest

from vikno.applications.tests.factories import published
from vikno.catalog.tests.factories import OrganisationFactory, PublicServiceFactory
from vikno.documents.tests.pki import documents_pki, signing_pki  # noqa: F401  (pytest fixtures)
from vikno.identity.constants import Role
from vikno.identity.tests.factories import citizen, official


@pytest.fixture
def authority():
    return OrganisationFactory(code="37508470")


@pytest.fixture
def other_authority():
    return OrganisationFactory(code="00032684")


@pytest.fixture
def definition(authority):
    return published(PublicServiceFactory(competent_authority=authority))


@pytest.fixture
def service(definition):
    return definition.service


@pytest.fixture
def applicant():
    return citizen(email="olena@example.com", phone="+380671234567")


@pytest.fixture
def officer(authority):
    return official("officer@vikno.example", authority, Role.CASE_OFFICER, first_name="Іван", last_name="Коваль")


@pytest.fixture
def second_officer(authority):
    return official("officer2@vikno.example", authority, Role.CASE_OFFICER, first_name="Марія", last_name="Бойко")


@pytest.fixture
def supervisor(authority):
    return official("supervisor@vikno.example", authority, Role.SUPERVISOR)


@pytest.fixture
def stranger(other_authority):
    return official("stranger@vikno.example", other_authority, Role.CASE_OFFICER, Role.SUPERVISOR)


@pytest.fixture
def at(monkeypatch):
    """Set the portal's clock: at(datetime) makes every service see that moment as now."""
    from vikno.core import clock

    def move_to(moment):
        monkeypatch.setattr(clock, "now", lambda: moment)

    return move_to


@pytest.fixture
def tasks_run_at_once(settings):
    """Tasks run as they are enqueued (after commit), as a worker would run them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
