"""What applying costs: the definition's fee rules (whole kopiyky, shares rounded the named way), the catalogue's
fixed fee otherwise; shown before sending, asked for after it."""

import pytest

from vikno.applications import services as application_services
from vikno.applications.constants import AWAITING_PAYMENT, SUBMITTED
from vikno.applications.definition import DefinitionError, load
from vikno.applications.fees import fee_due
from vikno.applications.tests.factories import FORM, RESULTS, WORKFLOW, published
from vikno.applications.tests.test_services import filled
from vikno.catalog.constants import CostKind
from vikno.catalog.tests.factories import PublicServiceFactory
from vikno.payments.models import Fee
from vikno.payments.tests.conftest import FEE

pytestmark = pytest.mark.django_db


def fee_of(fee: dict):
    return load(form=FORM, workflow=WORKFLOW, results=RESULTS, fee=fee).fee


@pytest.mark.parametrize(
    ("share", "of", "rounding", "kopiyky"),
    [
        ("0.0085", 302800, "half_up", 2574),  # 2573.8
        ("0.0085", 302800, "down", 2573),
        ("0.5", 5, "half_up", 3),  # 2.5
        ("0.5", 5, "half_even", 2),
        ("0.5", 7, "half_even", 4),  # 3.5
        ("0.001", 1001, "up", 2),  # 1.001
        ("1", 8500, "down", 8500),
    ],
)
def test_a_share_of_a_base_is_rounded_to_the_kopiyka_the_named_way(share, of, rounding, kopiyky):
    fee = fee_of({"rules": [{"share": share, "of": of, "rounding": rounding}]})
    assert fee.amount_for({}) == kopiyky
    assert isinstance(fee.amount_for({}), int)


def test_the_first_rule_that_holds_gives_the_amount():
    fee = fee_of(FEE)
    assert fee.amount_for({"purpose": "other"}) == 0
    assert fee.amount_for({"purpose": "work"}) == 2574
    assert fee.currency == "UAH" and fee.refund_on == ("refusal",)


@pytest.mark.parametrize(
    ("fee", "problem"),
    [
        ({"rules": [{"amount": 25.5}]}, "fee.rules[0]: 'amount' is a whole number of kopiyky, 0 or more"),
        ({"rules": [{"amount": -1}]}, "fee.rules[0]: 'amount' is a whole number of kopiyky, 0 or more"),
        (
            {"rules": [{"share": 0.0085, "of": 302800, "rounding": "half_up"}]},
            "fee.rules[0]: a rule has 'amount' (kopiyky) or 'share' (a decimal number written as a string)",
        ),
        (
            {"rules": [{"share": "0.0085", "of": 302800}]},
            "fee.rules[0]: 'rounding' is one of half_up, half_even, up, down",
        ),
        (
            {"rules": [{"share": "0.0085", "of": "302800", "rounding": "up"}]},
            "fee.rules[0]: 'of' is the base amount in whole kopiyky",
        ),
        (
            {"rules": [{"share": "1e999999", "of": 100, "rounding": "up"}]},
            "fee.rules[0]: a rule has 'amount' (kopiyky) or 'share' (a decimal number written as a string)",
        ),
        ({"rules": [{"amount": 10**15}]}, "fee.rules[0]: 'amount' is a whole number of kopiyky, 0 or more"),
        ({"rules": []}, "fee.rules: at least one rule"),
        ({"currency": "XYZ", "rules": [{"amount": 1}]}, "fee.currency: one of UAH, EUR, USD"),
        ({"rules": [{"amount": 1}], "refund_on": ["later"]}, "fee.refund_on: unknown outcomes ['later']"),
        (
            {"rules": [{"when": {"question": "nope", "equals": 1}, "amount": 1}]},
            "fee.rules[0]: the condition asks about 'nope', which no earlier step asks",
        ),
    ],
)
def test_a_broken_fee_is_refused_with_what_is_wrong(fee, problem):
    with pytest.raises(DefinitionError) as refused:
        fee_of(fee)
    assert refused.value.problems == [problem]


def test_the_catalogue_fixed_fee_applies_when_the_definition_has_none(applicant, authority):
    service = PublicServiceFactory(competent_authority=authority, cost_kind=CostKind.FIXED, cost_amount=61800)
    published(service)
    application = application_services.application_submit(application=filled(applicant, service), actor=applicant)
    assert application.state == AWAITING_PAYMENT
    fee = Fee.objects.get()
    assert (fee.amount, fee.currency, fee.purpose) == (61800, "UAH", f"Адміністративний збір: {service.title_uk}")


def test_an_exempt_applicant_sends_straight_to_the_authority(applicant, fee_service):
    application = filled(applicant, fee_service)
    application = application_services.application_save_step(
        application=application, values={"purpose": "other", "purpose_other": "Навчання"}
    )
    assert fee_due(application) is None
    sent = application_services.application_submit(application=application, actor=applicant)
    assert sent.state == SUBMITTED and sent.due_date is not None
    assert not Fee.objects.exists()


def test_the_check_page_shows_the_fee_and_sending_leads_to_paying(applicant, fee_service, client):
    from vikno.identity.tests.helpers import sign_in_citizen

    application = filled(applicant, fee_service)
    sign_in_citizen(client, applicant)
    page = client.get(f"/applications/{application.pk}/check/").content.decode()
    assert "Послуга коштує 25,74 грн (Адміністративний збір)." in page
    assert "Підтвердити, надіслати й сплатити" in page
    response = client.post(f"/applications/{application.pk}/check/", {"declaration": "yes"})
    assert response["Location"] == f"/applications/{application.pk}/sent/"
    assert client.get(response["Location"])["Location"] == f"/cabinet/applications/{application.pk}/pay/"
    pay_page = client.get(f"/cabinet/applications/{application.pk}/pay/").content.decode()
    assert 'id="fee-amount">25,74 грн<' in pay_page
    assert "Сплатити 25,74 грн карткою" in pay_page
