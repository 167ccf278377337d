import pytest

from vikno.catalog.tests.factories import OrganisationFactory
from vikno.documents import services
from vikno.documents.models import IssuedDocument
from vikno.documents.tests import pki
from vikno.documents.tests.pki import SigningPki

documents_pki = pki.documents_pki  # fixtures, shared with other apps' tests
signing_pki = pki.signing_pki

BODY = "<p>Заяву про реєстрацію місця проживання задоволено.</p><p>Адреса: м. Київ, вул. Хрещатик, 1.</p>"
PHRASE = "Заяву про реєстрацію місця проживання задоволено."


@pytest.fixture
def organisation(signing_pki: SigningPki):
    """An organisation with an EDRPOU code and a signing certificate of its own."""
    organisation = OrganisationFactory(
        slug="state-migration-service",
        code="37508470",
        name_uk="Державна міграційна служба України",
        name_en="State Migration Service of Ukraine",
        short_name_uk="ДМС",
        short_name_en="SMS",
    )
    signing_pki.certify(organisation)
    return organisation


def issue(organisation, *, holder=None, source_id="application-1", language="uk", title="", actor=None):
    return services.document_issue(
        organisation=organisation,
        title=title or "Рішення про реєстрацію місця проживання",
        body_html=BODY,
        holder=holder,
        source_type="applications.application",
        source_id=source_id,
        actor=actor,
        language=language,
    )


@pytest.fixture
def document(organisation) -> IssuedDocument:
    return issue(organisation)
