"""Card payments against the sandbox acquirer, a real process speaking LiqPay's protocol: a lost callback is
recovered by asking the acquirer, an unpaid checkout expires, refunds go through the acquirer once, and a worker
killed between the acquirer's confirmation and the portal's update loses nothing."""

import datetime as dt
import subprocess
import sys
import time
from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import F

from vikno.applications.constants import AWAITING_PAYMENT, SUBMITTED
from vikno.core import clock
from vikno.core.tests.smtp import free_port
from vikno.core.tests.workers import REPO_ROOT, subprocess_env, wait_until
from vikno.messaging.models import Notification
from vikno.payments import polling, refunds, services
from vikno.payments.constants import EventOutcome, EventSource, PaymentState, RefundState
from vikno.payments.exceptions import PaymentRefused
from vikno.payments.models import Fee, Payment, PaymentEvent, Refund
from vikno.payments.tests.sandbox import (
    DECLINED,
    DEMO_PRIVATE_KEY,
    DEMO_PUBLIC_KEY,
    LOST_CALLBACK,
    TIMES_OUT,
    running_sandbox,
)

pytestmark = pytest.mark.django_db

NOBODY_LISTENS = f"http://127.0.0.1:{free_port()}/payments/liqpay/callback/"  # callbacks get lost


@pytest.fixture
def acquirer(tmp_path, settings):
    with running_sandbox(
        {DEMO_PUBLIC_KEY: DEMO_PRIVATE_KEY}, db_path=tmp_path / "acquirer.sqlite3", timeout_seconds=1
    ) as sandbox:
        settings.LIQPAY_CHECKOUT_URL = sandbox.checkout_url
        settings.LIQPAY_API_URL = sandbox.api_url
        settings.LIQPAY_PUBLIC_KEY, settings.LIQPAY_PRIVATE_KEY = DEMO_PUBLIC_KEY, DEMO_PRIVATE_KEY
        yield sandbox


def checkout(awaiting):
    return services.card_checkout_start(
        fee=awaiting.fee, language="uk", result_url="http://testserver/back/", server_url=NOBODY_LISTENS
    )


def pay(acquirer, awaiting, card):
    payment, form = checkout(awaiting)
    answer = acquirer.pay(form.fields, card)
    assert answer.status_code == 303 and answer.headers["Location"] == "http://testserver/back/"
    return payment


def due_now(payment) -> None:
    Payment.objects.filter(pk=payment.pk).update(next_check_at=clock.now() - dt.timedelta(seconds=1))


def acquirer_status(acquirer, payment) -> dict:
    return acquirer.api(
        DEMO_PRIVATE_KEY,
        {"version": 3, "public_key": DEMO_PUBLIC_KEY, "action": "status", "order_id": payment.order_id},
    )


def test_a_lost_callback_is_recovered_by_asking_the_acquirer(
    acquirer, awaiting, tasks_run_at_once, signing_pki, django_capture_on_commit_callbacks
):
    payment = pay(acquirer, awaiting, LOST_CALLBACK)
    payment.refresh_from_db()
    assert payment.state == PaymentState.PENDING  # the acquirer took the money; nobody told the portal
    assert polling.payments_poll() == 0  # not due yet: the first check waits a minute
    due_now(payment)
    with django_capture_on_commit_callbacks(execute=True):
        assert polling.payments_poll() == 1
    payment.refresh_from_db()
    awaiting.refresh_from_db()
    assert (payment.state, payment.next_check_at, payment.card_mask) == (PaymentState.PAID, None, "400000*77")
    assert awaiting.state == SUBMITTED and Fee.objects.get().paid_amount == 2574
    event = payment.events.get(source=EventSource.STATUS)
    assert (event.provider_status, event.outcome, event.to_state) == ("success", EventOutcome.APPLIED, "paid")
    assert payment.receipt is not None
    assert polling.payments_poll() == 0  # settled: never asked again
    assert Notification.objects.filter(event="payment_received").count() == 1


def test_a_declined_card_fails_the_payment_and_keeps_the_application_waiting(acquirer, awaiting):
    payment = pay(acquirer, awaiting, DECLINED)
    due_now(payment)
    assert polling.payment_check(payment=payment) == EventOutcome.APPLIED
    payment.refresh_from_db()
    awaiting.refresh_from_db()
    assert (payment.state, payment.next_check_at) == (PaymentState.FAILED, None)
    assert payment.events.get(source=EventSource.STATUS).provider_status == "failure"
    assert awaiting.state == AWAITING_PAYMENT and not Notification.objects.exists()


def test_a_bank_that_times_out_keeps_the_payment_pending_until_the_acquirer_gives_up(acquirer, awaiting):
    payment = pay(acquirer, awaiting, TIMES_OUT)
    assert polling.payment_check(payment=payment) == EventOutcome.UNCHANGED
    payment.refresh_from_db()
    assert payment.state == PaymentState.PENDING and payment.checks == 1
    first_wait = payment.next_check_at - clock.now()
    assert wait_until(lambda: acquirer_status(acquirer, payment)["status"] == "failure", timeout=10)
    assert polling.payment_check(payment=payment) == EventOutcome.APPLIED
    payment.refresh_from_db()
    assert payment.state == PaymentState.FAILED
    assert [e.provider_status for e in payment.events.filter(source=EventSource.STATUS)] == ["processing", "failure"]
    assert dt.timedelta(seconds=55) < first_wait <= dt.timedelta(seconds=60)


def test_a_checkout_never_paid_expires_after_its_time(acquirer, awaiting, at):
    payment, _form = checkout(awaiting)
    assert polling.payment_check(payment=payment) == EventOutcome.UNCHANGED  # payment_not_found: not tried yet
    payment.refresh_from_db()
    assert payment.state == PaymentState.PENDING
    at(payment.expires_at + dt.timedelta(seconds=1))
    assert polling.payment_check(payment=payment) == EventOutcome.APPLIED
    payment.refresh_from_db()
    assert (payment.state, payment.next_check_at) == (PaymentState.EXPIRED, None)
    again, _form = checkout(awaiting)  # the payer can still pay, with a new checkout
    assert again.pk != payment.pk and again.state == PaymentState.PENDING


def test_an_acquirer_that_cannot_be_reached_delays_the_check_and_changes_nothing(acquirer, awaiting, settings):
    payment, _form = checkout(awaiting)
    settings.LIQPAY_API_URL = f"http://127.0.0.1:{free_port()}/api/request"
    assert polling.payment_check(payment=payment) == "unavailable"
    payment.refresh_from_db()
    assert (payment.state, payment.checks) == (PaymentState.PENDING, 1)
    assert payment.next_check_at > clock.now() and not payment.events.filter(source=EventSource.STATUS).exists()


def test_refunds_go_through_the_acquirer_once_each(
    acquirer, awaiting, supervisor, tasks_run_at_once, django_capture_on_commit_callbacks
):
    payment = pay(acquirer, awaiting, LOST_CALLBACK)
    polling.payment_check(payment=payment)
    payment.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        first = refunds.refund_request(payment=payment, amount=1000, reason="Подано помилково", official=supervisor)
    first.refresh_from_db()
    payment.refresh_from_db()
    assert (first.state, payment.state, payment.refunded_amount) == (RefundState.DONE, PaymentState.PAID, 1000)
    assert acquirer_status(acquirer, payment)["refund_amount"] == Decimal("10.00")
    with pytest.raises(PaymentRefused):
        refunds.refund_request(payment=payment, amount=1575, reason="Забагато", official=supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        refunds.refund_request(payment=payment, amount=1574, reason="Решта", official=supervisor)
    payment.refresh_from_db()
    assert (payment.state, payment.refunded_amount) == (PaymentState.REFUNDED, 2574)
    status = acquirer_status(acquirer, payment)
    assert (status["status"], status["refund_amount"]) == ("reversed", Decimal("25.74"))
    assert Notification.objects.filter(event="payment_refunded").count() == 2


def test_a_refund_the_acquirer_made_before_the_worker_died_is_not_made_again(acquirer, awaiting, supervisor):
    payment = pay(acquirer, awaiting, LOST_CALLBACK)
    polling.payment_check(payment=payment)
    payment.refresh_from_db()
    refund = refunds.refund_request(payment=payment, amount=2574, reason="Відмова", official=supervisor)
    # The acquirer refunded; the worker died before writing it down.
    answer = acquirer.api(
        DEMO_PRIVATE_KEY,
        {
            "version": 3,
            "public_key": DEMO_PUBLIC_KEY,
            "action": "refund",
            "order_id": payment.order_id,
            "amount": "25.74",
        },
    )
    assert answer["status"] == "reversed"
    refunds.refund_send(refund_id=str(refund.pk))
    refund.refresh_from_db()
    payment.refresh_from_db()
    assert (refund.state, payment.state, payment.refunded_amount) == (RefundState.DONE, PaymentState.REFUNDED, 2574)
    assert acquirer_status(acquirer, payment)["refund_amount"] == Decimal("25.74")  # once, not twice
    assert Refund.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_between_the_acquirers_confirmation_and_the_update_loses_nothing(
    acquirer, awaiting, signing_pki, tasks_run_at_once
):
    payment = pay(acquirer, awaiting, LOST_CALLBACK)
    due_now(payment)
    env = subprocess_env(
        VIKNO_SANDBOX_ACQUIRER_URL=acquirer.url,
        VIKNO_SIGNING_DIR=str(signing_pki),
    )
    script = "from vikno.payments.tasks import poll_payments; poll_payments.call()"
    asked = acquirer.log().count("/api/request")
    with transaction.atomic():
        # Another transaction holds the payment's row (on SQLite, the database): the worker gets the acquirer's
        # answer and then waits to write it down.
        Payment.objects.filter(pk=payment.pk).update(checks=F("checks"))
        worker = subprocess.Popen(
            [sys.executable, str(REPO_ROOT / "manage.py"), "shell", "-c", script],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        try:
            assert wait_until(lambda: acquirer.log().count("/api/request") > asked, timeout=30), acquirer.log()
            time.sleep(0.5)  # let it reach the lock (a bound on the race, not a timing assertion)
            assert worker.poll() is None, worker.stdout.read().decode() if worker.stdout else ""
            worker.kill()
            worker.wait(timeout=10)
        finally:
            if worker.poll() is None:
                worker.kill()
    assert acquirer_status(acquirer, payment)["status"] == "success"  # the acquirer confirmed it
    payment.refresh_from_db()
    awaiting.refresh_from_db()
    assert payment.state == PaymentState.PENDING and awaiting.state == AWAITING_PAYMENT
    assert not PaymentEvent.objects.filter(source=EventSource.STATUS).exists()
    assert Fee.objects.get().paid_amount == 0

    # The next check (the worker's next round) asks again and settles it, once.
    assert polling.payments_poll() == 1
    payment.refresh_from_db()
    awaiting.refresh_from_db()
    assert payment.state == PaymentState.PAID and awaiting.state == SUBMITTED
    assert Fee.objects.get().paid_amount == 2574
    assert Notification.objects.filter(event="payment_received").count() == 1
    assert polling.payments_poll() == 0
