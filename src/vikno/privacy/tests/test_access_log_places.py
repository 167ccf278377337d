"""Every place an official sees a citizen's personal data writes exactly one line to the access log per look, with
the organisation, the official's role there and the purpose; lists that show no one's data, a citizen looking at
their own data, and an official of another organisation write nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from vikno.applications import services as application_services
from vikno.applications.tests import conftest as applications
from vikno.applications.tests.test_services import filled
from vikno.backoffice.tests.cases import case_row
from vikno.identity.constants import Role
from vikno.identity.tests.factories import official
from vikno.identity.tests.helpers import sign_in_citizen, sign_in_official
from vikno.messaging import conversations
from vikno.messaging.appeals import services as appeal_services
from vikno.messaging.appeals.constants import AppealKind
from vikno.messaging.appeals.tests.conftest import png
from vikno.messaging.feedback import services as feedback_services
from vikno.messaging.models import MessageAttachment
from vikno.payments import transfers
from vikno.payments.models import BankTransfer, Payment
from vikno.payments.tests import conftest as payments
from vikno.payments.tests.test_transfers import MORNING, PURPOSE, credit, statement, waiting
from vikno.privacy.models import DataAccess

pytestmark = pytest.mark.django_db

# The applications app's people, authorities and service, and the payments app's fee service and accountant.
applicant = applications.applicant
at = applications.at
authority = applications.authority
definition = applications.definition
officer = applications.officer
other_authority = applications.other_authority
service = applications.service
stranger = applications.stranger
supervisor = applications.supervisor
accountant = payments.accountant
fee_account = payments.fee_account
fee_service = payments.fee_service


@pytest.fixture(autouse=True)
def _setting(settings, tmp_path, at):
    settings.VIKNO_PRIVATE_STORAGE_DIR = tmp_path / "private"
    at(MORNING)


def office(user) -> Client:
    browser = Client()
    sign_in_official(browser, user)
    return browser


def cabinet(user) -> Client:
    browser = Client()
    sign_in_citizen(browser, user)
    return browser


def the_one_look() -> DataAccess:
    """The single line in the log (it fails when there is none, or more than one)."""
    [access] = DataAccess.objects.all()
    return access


def assert_look(access: DataAccess, *, official, subject, target, organisation, role: str, purpose: str) -> None:
    assert (access.official, access.subject, access.organisation) == (official, subject, organisation)
    assert (access.object_type, access.object_id) == (target._meta.label_lower, str(target.pk))
    assert (access.role, access.purpose) == (role, purpose)


@pytest.fixture
def case(applicant, service):
    return application_services.application_submit(application=filled(applicant, service), actor=applicant)


def case_page(case) -> str:
    return f"/en/office/cases/{case.pk}/"


# --- Cases, their files and their messages ---------------------------------------------------------------


def test_the_case_page(case, officer, applicant, authority):
    assert office(officer).get(case_page(case) + "?purpose=supervision").status_code == 200
    assert_look(
        the_one_look(),
        official=officer,
        subject=applicant,
        target=case,
        organisation=authority,
        role="case_officer",
        purpose="supervision",
    )


def test_the_case_page_shown_again_after_a_refused_action(case, officer, applicant, authority):
    response = office(officer).post(case_page(case) + "notes/", {"text": " ", "purpose": "citizen_enquiry"})
    assert response.status_code == 400
    assert_look(
        the_one_look(),
        official=officer,
        subject=applicant,
        target=case,
        organisation=authority,
        role="case_officer",
        purpose="citizen_enquiry",
    )


def test_a_file_of_the_case_downloaded(case, supervisor, applicant, authority):
    address = f"{case_page(case)}files/{case.attachments.get().pk}/?purpose=second_check"
    response = office(supervisor).get(address)
    assert response.status_code == 200 and b"".join(response.streaming_content)
    assert_look(
        the_one_look(),
        official=supervisor,
        subject=applicant,
        target=case,
        organisation=authority,
        role="supervisor",
        purpose="second_check",
    )


def test_a_file_sent_with_a_message_downloaded(case, officer, applicant, authority):
    conversations.message_send_by_citizen(application=case, citizen=applicant, text="Ось довідка", files=[png()])
    address = f"{case_page(case)}messages/files/{MessageAttachment.objects.get().pk}/?purpose=citizen_enquiry"
    response = office(officer).get(address)
    assert response.status_code == 200 and b"".join(response.streaming_content)
    assert_look(
        the_one_look(),
        official=officer,
        subject=applicant,
        target=case,
        organisation=authority,
        role="case_officer",
        purpose="citizen_enquiry",
    )


def test_a_refused_message_shows_the_case_again(case, officer, applicant, authority):
    response = office(officer).post(case_page(case) + "messages/", {"text": "", "purpose": "processing"})
    assert response.status_code == 400
    assert_look(
        the_one_look(),
        official=officer,
        subject=applicant,
        target=case,
        organisation=authority,
        role="case_officer",
        purpose="processing",
    )


def test_the_queue_and_a_case_of_another_organisation_log_nothing(case, officer, stranger):
    assert office(officer).get("/en/office/cases/").status_code == 200
    assert office(stranger).get(case_page(case) + "?purpose=supervision").status_code == 404
    assert not DataAccess.objects.exists()


# --- Appeals ---------------------------------------------------------------------------------------------


@pytest.fixture
def appeal(applicant, authority):
    return appeal_services.appeal_submit(
        citizen=applicant,
        organisation=authority,
        kind=AppealKind.COMPLAINT,
        subject="Немає відповіді",
        text="Я чекаю відповіді вже два місяці.",
        files=[png()],
    )


def test_the_appeal_page(appeal, officer, applicant, authority):
    assert office(officer).get(f"/en/office/appeals/{appeal.pk}/?purpose=appeal_routing").status_code == 200
    assert_look(
        the_one_look(),
        official=officer,
        subject=applicant,
        target=appeal,
        organisation=authority,
        role="case_officer",
        purpose="appeal_routing",
    )


def test_a_file_of_the_appeal_downloaded(appeal, supervisor, applicant, authority):
    address = f"/en/office/appeals/{appeal.pk}/files/{appeal.attachments.get().pk}/?purpose=appeal_supervision"
    response = office(supervisor).get(address)
    assert response.status_code == 200 and b"".join(response.streaming_content)
    assert_look(
        the_one_look(),
        official=supervisor,
        subject=applicant,
        target=appeal,
        organisation=authority,
        role="supervisor",
        purpose="appeal_supervision",
    )


def test_the_appeals_queue_logs_nothing(appeal, officer):
    assert office(officer).get("/en/office/appeals/").status_code == 200
    assert not DataAccess.objects.exists()


# --- Payments --------------------------------------------------------------------------------------------


@pytest.fixture
def transferred(fee_account, applicant, fee_service) -> Payment:
    """The applicant's fee, paid by bank transfer with the application's reference in the payment purpose."""
    application = waiting(applicant, fee_service)
    data = statement(credit(payments.FEE_AMOUNT, PURPOSE.format(application.reference), "TR-1"))
    transfers.statement_import(data=data, actor=None)
    payment = BankTransfer.objects.get(bank_reference="TR-1").payment
    assert payment is not None
    return payment


def test_a_payment_page(transferred, accountant, applicant, authority):
    assert office(accountant).get(f"/en/office/payments/{transferred.pk}/").status_code == 200
    assert_look(
        the_one_look(),
        official=accountant,
        subject=applicant,
        target=transferred,
        organisation=authority,
        role="accountant",
        purpose="payment_handling",
    )


def test_a_payment_page_shown_again_after_a_refused_refund(transferred, supervisor, applicant, authority):
    response = office(supervisor).post(f"/en/office/payments/{transferred.pk}/", {"amount": "", "reason": ""})
    assert response.status_code == 400
    assert_look(
        the_one_look(),
        official=supervisor,
        subject=applicant,
        target=transferred,
        organisation=authority,
        role="supervisor",
        purpose="payment_handling",
    )


def test_the_list_of_payments_logs_nothing(transferred, accountant):
    assert office(accountant).get("/en/office/payments/").status_code == 200
    assert not DataAccess.objects.exists()


@pytest.mark.parametrize("csv", [False, True])
def test_the_days_reconciliation_shows_what_the_payer_wrote(transferred, accountant, applicant, authority, csv):
    query = f"?organisation={authority.pk}&day=2026-03-02" + ("&format=csv" if csv else "")
    response = office(accountant).get("/en/office/payments/reconciliation/" + query)
    assert response.status_code == 200
    assert transferred.fee.application.reference in response.content.decode()
    assert_look(
        the_one_look(),
        official=accountant,
        subject=applicant,
        target=BankTransfer.objects.get(),
        organisation=authority,
        role="accountant",
        purpose="payment_reconciliation",
    )


def test_a_reconciliation_of_a_day_without_payers_transfers_logs_nothing(transferred, accountant, authority):
    query = f"?organisation={authority.pk}&day=2026-03-03"
    assert office(accountant).get("/en/office/payments/reconciliation/" + query).status_code == 200
    assert not DataAccess.objects.exists()


# --- Public questions --------------------------------------------------------------------------------------


@pytest.fixture
def question(applicant, service):
    return feedback_services.question_ask(
        service=service, citizen=applicant, text="Мій телефон +380671234567, коли прийом?"
    )


def test_a_public_question_as_asked(question, officer, applicant, authority):
    response = office(officer).get(f"/en/office/questions/{question.pk}/")
    assert response.status_code == 200 and "+380671234567" in response.content.decode()
    assert_look(
        the_one_look(),
        official=officer,
        subject=applicant,
        target=question,
        organisation=authority,
        role="case_officer",
        purpose="question_moderation",
    )


def test_an_editor_moderating_is_logged_with_the_editors_role(question, applicant, authority):
    editor = official("editor@vikno.example", authority, Role.EDITOR)
    assert office(editor).get(f"/en/office/questions/{question.pk}/").status_code == 200
    assert the_one_look().role == "editor"


def test_the_list_of_questions_and_the_feedback_page_log_nothing(question, officer):
    browser = office(officer)
    assert browser.get("/en/office/questions/").status_code == 200
    assert browser.get("/en/office/feedback/").status_code == 200
    assert not DataAccess.objects.exists()


# --- One's own data --------------------------------------------------------------------------------------


def test_a_citizen_looking_at_their_own_data_logs_nothing(case, appeal, transferred, question, applicant):
    browser = cabinet(applicant)
    for address in (
        "/en/cabinet/applications/",
        f"/en/cabinet/applications/{case.pk}/",
        f"/en/cabinet/applications/{case.pk}/files/{case.attachments.get().pk}/",
        f"/en/cabinet/appeals/{appeal.pk}/",
        f"/en/cabinet/appeals/{appeal.pk}/files/{appeal.attachments.get().pk}/",
        "/en/cabinet/payments/",
    ):
        assert browser.get(address).status_code == 200, address
    assert not DataAccess.objects.exists()


def test_an_official_opening_their_own_case_logs_nothing(authority, service):
    both = official("both@vikno.example", authority, Role.CASE_OFFICER, first_name="Ірина", last_name="Мельник")
    own = case_row(service, both)
    assert office(both).get(case_page(own) + "?purpose=supervision").status_code == 200
    assert not DataAccess.objects.exists()
