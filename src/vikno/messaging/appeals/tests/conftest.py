import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from vikno.applications.tests import conftest as applications
from vikno.applications.tests.factories import pdf_bytes, png_bytes
from vikno.messaging.appeals import services
from vikno.messaging.appeals.constants import AppealKind

# The applications app's people and authorities, and its clock.
applicant = applications.applicant
at = applications.at
authority = applications.authority
officer = applications.officer
other_authority = applications.other_authority
second_officer = applications.second_officer
stranger = applications.stranger
supervisor = applications.supervisor

KYIV = ZoneInfo("Europe/Kyiv")
# A Monday morning in Kyiv; the appeal's term is counted from this day.
RECEIVED = dt.datetime(2026, 3, 2, 10, 0, tzinfo=KYIV)


def moment(days: int, hour: int = 10) -> dt.datetime:
    """`days` calendar days after the day of receipt, at `hour` in Kyiv."""
    return (RECEIVED + dt.timedelta(days=days)).replace(hour=hour)


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    settings.VIKNO_PRIVATE_STORAGE_DIR = tmp_path / "private"


@pytest.fixture
def received(at):
    at(RECEIVED)
    return RECEIVED


def png(name: str = "photo.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


def pdf(name: str = "letter.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(), content_type="application/pdf")


def disguised(name: str = "scan.pdf") -> SimpleUploadedFile:
    """A program dressed as a PDF: the name and the declared type say PDF, the content does not."""
    return SimpleUploadedFile(
        name, b"MZ\x90\x00\x03\x00\x00\x00 this program cannot be run", content_type="application/pdf"
    )


def submit(citizen, organisation, **fields):
    values = {
        "kind": AppealKind.COMPLAINT,
        "subject": "Немає відповіді на заяву про субсидію",
        "text": "Я подала заяву про житлову субсидію два місяці тому, але відповіді досі немає.",
        **fields,
    }
    return services.appeal_submit(citizen=citizen, organisation=organisation, **values)


@pytest.fixture
def appeal(received, applicant, authority):
    return submit(applicant, authority, files=[png()])
