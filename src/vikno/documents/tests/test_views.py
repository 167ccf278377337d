"""The public verification pages: a code or a file in, a plain answer out, and a 4xx for bad input."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django.utils.translation import gettext

from vikno.documents import codes, selectors, services
from vikno.documents.tests.conftest import PHRASE
from vikno.documents.tests.helpers import append_forged_text, unsigned_pdf

pytestmark = pytest.mark.django_db


def uk(message: str) -> str:
    """The Ukrainian text of a message, as the Ukrainian pages (the default) show it."""
    with translation.override("uk"):
        return gettext(message)


def en(message: str) -> str:
    with translation.override("en"):
        return gettext(message)


def upload(client, data: bytes, *, prefix: str = "", name: str = "document.pdf"):
    return client.post(f"{prefix}/verify/", {"document": SimpleUploadedFile(name, data, "application/pdf")})


def unknown_code() -> str:
    return codes.display(codes.generate())


def mistyped(code: str) -> str:
    return code[:-1] + next(c for c in codes.ALPHABET if c != code[-1])


def test_the_verification_page_offers_a_code_and_a_file(client):
    response = client.get("/verify/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="uk"' in page
    assert 'name="code"' in page
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file"' in page and 'name="document"' in page
    assert "govuk-error-summary" not in page
    assert "<script>" not in page and "style=" not in page  # the strict CSP allows neither


def test_a_code_entered_in_the_form_redirects_to_its_page(client, document):
    typed = document.code.lower()[:4] + " " + document.code.lower()[4:]
    response = client.get("/verify/", {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == f"/verify/{document.display_code}/"


def test_the_english_form_redirects_to_the_english_page(client, document):
    response = client.get("/en/verify/", {"code": document.code})
    assert response.status_code == 302
    assert response["Location"] == f"/en/verify/{document.display_code}/"


def test_a_code_with_a_wrong_check_character_gets_an_error_summary(client, document):
    response = client.get("/verify/", {"code": mistyped(document.display_code)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert 'href="#id_code"' in page
    assert (
        uk("This code is not right: a character was probably mistyped. Check the characters against the document")
        in page
    )


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the verification code"),
        ("ABCD", "A verification code has 12 letters and digits; check what you entered"),
        ("A" * 41, "A verification code has 12 letters and digits; check what you entered"),
        (
            "K7QF-3MHP-2W0J",
            "A verification code never has the characters 0, 1, O, I, L, U or Z; check the characters against the "
            "document",
        ),
    ],
)
def test_a_malformed_code_gets_a_clear_error(client, typed, message):
    response = client.get("/verify/", {"code": typed})
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert uk(message) in page


def test_the_page_of_a_code_shows_what_the_public_may_know_and_no_more(client, document):
    response = client.get(f"/verify/{document.display_code}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert uk("This document is valid") in page
    assert "Рішення про реєстрацію місця проживання" in page
    assert "Державна міграційна служба України" in page
    assert "37508470" in page
    assert f"{timezone.localtime(document.issued_at).day} " in page
    assert PHRASE not in page  # never the content of the document
    assert "Хрещатик" not in page
    assert document.sha256 not in page
    assert "Cache-Control" in response.headers and "no-cache" in response["Cache-Control"]


def test_the_page_of_a_code_in_english(client, document):
    response = client.get(f"/en/verify/{document.display_code}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "This document is valid" in page
    assert "State Migration Service of Ukraine" in page
    assert en("Valid") in page


def test_a_code_in_another_form_redirects_to_its_page(client, document):
    response = client.get(f"/verify/{document.code.lower()}/")
    assert response.status_code == 302
    assert response["Location"] == f"/verify/{document.display_code}/"


def test_the_page_of_a_revoked_document_says_when_and_why(client, document):
    services.document_revoke(document=document, actor=None, reason="Рішення скасовано судом")
    response = client.get(f"/verify/{document.display_code}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert uk("This document has been revoked") in page
    assert "Рішення скасовано судом" in page
    assert uk("This document is valid") not in page


def test_an_unknown_code_is_a_clear_404(client, signing_pki):
    code = unknown_code()
    response = client.get(f"/verify/{code}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert uk("No document has this code") in page
    assert uk("The portal has not issued a document with the code %(code)s.") % {"code": code} in page


def test_a_mistyped_code_in_the_address_is_a_404_that_says_to_check_the_characters(client, document):
    code = mistyped(document.display_code)
    response = client.get(f"/verify/{code}/")
    assert response.status_code == 404
    page = response.content.decode()
    assert uk("No document has this code") in page
    assert uk("%(code)s is not a verification code: a character is probably mistyped.") % {"code": code} in page
    assert document.title not in page


def test_an_uploaded_valid_document_is_valid(client, document):
    response = upload(client, selectors.document_open(document=document))
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-panel--confirmation" in page
    assert uk("Valid") in page
    assert "Державна міграційна служба України" in page
    assert document.display_code in page
    assert PHRASE not in page


def test_an_uploaded_valid_document_in_english(client, document):
    response = upload(client, selectors.document_open(document=document), prefix="/en")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Valid" in page
    date = timezone.localtime(document.issued_at)
    assert f"Issued by State Migration Service of Ukraine on {date.day} {date:%B} {date.year}" in page


def test_an_uploaded_document_changed_after_signing_is_not_valid(client, document):
    response = upload(client, append_forged_text(selectors.document_open(document=document)), prefix="/en")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Not valid: the document was changed after it was signed" in page
    assert "govuk-panel--confirmation" not in page


def test_an_uploaded_revoked_document_is_revoked(client, document):
    services.document_revoke(document=document, actor=None, reason="Помилка")
    response = upload(client, selectors.document_open(document=document), prefix="/en")
    assert response.status_code == 200
    assert "Revoked on " in response.content.decode()


def test_an_uploaded_unsigned_pdf_is_not_valid(client, signing_pki):
    response = upload(client, unsigned_pdf(), prefix="/en")
    assert response.status_code == 200
    assert "Not valid: the file has no electronic seal" in response.content.decode()


def test_an_oversized_upload_is_refused(client, settings, signing_pki):
    settings.VIKNO_VERIFY_MAX_BYTES = 1000
    response = upload(client, b"%PDF-1.7\n" + b"0" * 2000, prefix="/en")
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "The file is larger than 1000" in page


def test_an_upload_that_is_not_a_pdf_is_refused(client, signing_pki):
    response = upload(client, b"\x00\x01 random bytes, not a PDF", name="photo.pdf")
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert uk("The file is not a PDF: choose the PDF file of the document") in page


def test_an_empty_post_is_refused_with_an_error_summary(client, signing_pki):
    response = client.post("/verify/", {})
    assert response.status_code == 400
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert 'href="#id_document"' in page
    assert uk("Choose the PDF file of the document") in page


def test_an_empty_file_is_refused(client, signing_pki):
    response = upload(client, b"", prefix="/en")
    assert response.status_code == 400
    assert "The file you chose is empty" in response.content.decode()
