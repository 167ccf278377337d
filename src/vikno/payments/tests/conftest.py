import pytest
from django.conf import settings

from vikno.applications import services as application_services
from vikno.applications.tests import conftest as applications
from vikno.applications.tests.factories import published
from vikno.applications.tests.test_services import filled
from vikno.catalog.tests.factories import PublicServiceFactory
from vikno.documents.tests.pki import documents_pki, signing_pki  # noqa: F401  (pytest fixtures)
from vikno.identity.constants import Role
from vikno.identity.tests.factories import official
from vikno.payments.models import FeeAccount
from vikno.payments.providers.liqpay import encode, sign
from vikno.payments.statements.generate import ukrainian_iban

# 0.0085 of UAH 3,028.00 is UAH 25.738, rounded half up to the kopiyka: 2574.
FEE = {
    "currency": "UAH",
    "purpose": {"uk": "Адміністративний збір", "en": "Administrative fee"},
    "rules": [
        {"when": {"question": "purpose", "equals": "other"}, "amount": 0},  # exempt
        {"share": "0.0085", "of": 302800, "rounding": "half_up"},
    ],
    "refund_on": ["refusal"],
}
FEE_AMOUNT = 2574
ACCOUNT_IBAN = ukrainian_iban(account="31411234026001")

# The applications app's people and authorities, its clock and its tasks.
applicant = applications.applicant
at = applications.at
authority = applications.authority
other_authority = applications.other_authority
officer = applications.officer
supervisor = applications.supervisor
stranger = applications.stranger
tasks_run_at_once = applications.tasks_run_at_once


@pytest.fixture
def fee_service(authority):
    return published(PublicServiceFactory(competent_authority=authority), fee=FEE).service


@pytest.fixture
def fee_account(authority):
    return FeeAccount.objects.create(
        organisation=authority,
        iban=ACCOUNT_IBAN,
        recipient_name="ГУК у м.Києві/Шевченк.р-н/22012500",
        recipient_code="37993783",
        budget_code="22012500",
    )


@pytest.fixture
def awaiting(applicant, fee_service):
    """An application sent and waiting for its fee."""
    return application_services.application_submit(application=filled(applicant, fee_service), actor=applicant)


@pytest.fixture
def accountant(authority):
    return official("accountant@vikno.example", authority, Role.ACCOUNTANT)


def signed(params: dict, *, private_key: str | None = None) -> dict[str, str]:
    """A callback as the acquirer signs it (with the portal's merchant keys unless told otherwise)."""
    data = encode({"version": 3, "public_key": settings.LIQPAY_PUBLIC_KEY, **params})
    return {"data": data, "signature": sign(private_key or settings.LIQPAY_PRIVATE_KEY, data)}


def acquirer_says(payment, status: str, **extra) -> dict[str, str]:
    return signed(
        {
            "action": "pay",
            "status": status,
            "order_id": payment.order_id,
            "amount": f"{payment.amount // 100}.{payment.amount % 100:02d}",
            "currency": payment.currency,
            "payment_id": 2_000_000_001,
            "sender_card_mask2": "424242*42",
            "sender_first_name": "Олена",
            "sender_phone": "380671234567",
            **extra,
        }
    )
