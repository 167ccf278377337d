"""The sandbox card acquirer through real HTTP: the process started as `make run` starts it, a cardholder paying
over HTTP, the service's callbacks caught by a small HTTP server, and the API asked as the portal asks it."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

import pytest
import requests

from vikno.core.tests.smtp import free_port
from vikno.core.tests.workers import wait_until
from vikno.payments.tests.sandbox import (
    DECLINED,
    DEMO_PRIVATE_KEY,
    DEMO_PUBLIC_KEY,
    LOST_CALLBACK,
    SUCCESS,
    THREE_DS,
    THREE_DS_CODE,
    TIMES_OUT,
    Sandbox,
    running_sandbox,
    signed,
)

OTHER_PUBLIC_KEY, OTHER_PRIVATE_KEY = "other_merchant", "other_merchant_private_key"
MERCHANTS = {DEMO_PUBLIC_KEY: DEMO_PRIVATE_KEY, OTHER_PUBLIC_KEY: OTHER_PRIVATE_KEY}
RESULT_URL = "http://portal.example/payments/back"
TIMEOUT_SECONDS = 2


def expected_signature(private_key: str, data: str) -> str:
    """Written out here, apart from the helper and the server: base64(sha1(private + data + private))."""
    return base64.b64encode(
        hashlib.sha1(f"{private_key}{data}{private_key}".encode(), usedforsecurity=False).digest()
    ).decode()


class Receiver:
    """The service's callback endpoint: keeps every POST by path; answers 500 to the first `fail_first` ones."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, dict[str, str]]] = []
        self.fail_first: dict[str, int] = {}
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                with receiver.lock:
                    receiver.posts.append((self.path, dict(parse_qsl(body))))
                    failing = receiver.fail_first.get(self.path, 0)
                    receiver.fail_first[self.path] = failing - 1
                self.send_response(500 if failing > 0 else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def at(self, path: str) -> list[dict[str, str]]:
        with self.lock:
            return [fields for posted_path, fields in self.posts if posted_path == path]


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    thread = threading.Thread(target=receiver.server.serve_forever, daemon=True)
    thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory) -> Iterator[Sandbox]:
    db_path = tmp_path_factory.mktemp("sandbox") / "sandbox.sqlite3"
    with running_sandbox(MERCHANTS, db_path=db_path, timeout_seconds=TIMEOUT_SECONDS) as running:
        yield running


def order(receiver: Receiver | None = None, **changes: Any) -> dict[str, Any]:
    """Checkout parameters for a new order (its callback path is /cb/<order_id>)."""
    order_id = f"order-{uuid.uuid4()}"
    params = {
        "version": 3,
        "public_key": DEMO_PUBLIC_KEY,
        "action": "pay",
        "amount": 85,
        "currency": "UAH",
        "description": "Витяг з реєстру",
        "order_id": order_id,
        "result_url": RESULT_URL,
        "language": "uk",
    }
    if receiver:
        params["server_url"] = f"{receiver.url}/cb/{order_id}"
    return {**params, **changes}


def status_of(sandbox: Sandbox, params: dict[str, Any]) -> dict[str, Any]:
    ask = {"action": "status", "version": 3, "public_key": params["public_key"], "order_id": params["order_id"]}
    return sandbox.api(MERCHANTS[params["public_key"]], ask)


def refund(sandbox: Sandbox, params: dict[str, Any], amount: Any) -> dict[str, Any]:
    ask = {"action": "refund", "version": 3, "public_key": DEMO_PUBLIC_KEY, "order_id": params["order_id"]}
    return sandbox.api(DEMO_PRIVATE_KEY, {**ask, "amount": amount})


def callbacks(receiver: Receiver, params: dict[str, Any], count: int = 1) -> list[dict[str, Any]]:
    """The callbacks for this order once `count` have come (bounded wait), each checked for its signature."""
    path = f"/cb/{params['order_id']}"
    assert wait_until(lambda: len(receiver.at(path)) >= count, timeout=10), receiver.at(path)
    found = []
    for fields in receiver.at(path):
        assert set(fields) == {"data", "signature"}
        assert fields["signature"] == expected_signature(DEMO_PRIVATE_KEY, fields["data"])
        found.append(json.loads(base64.b64decode(fields["data"]), parse_float=Decimal))
    return found


def text_of(response: requests.Response) -> str:
    return html.unescape(response.text)


def checkout(sandbox: Sandbox, fields: dict[str, str]) -> requests.Response:
    return requests.post(sandbox.checkout_url, data=fields, allow_redirects=False, timeout=10)


# --- The signature -----------------------------------------------------------------------------------------------


def test_signature_vectors_written_out_by_hand_match_the_test_and_the_helper():
    data = "eyJvcmRlcl9pZCI6ItCU0L7QstGW0LTQutCwIOKEljEiLCJhbW91bnQiOjg1LjV9"  # from base64(1) and openssl sha1
    assert base64.b64decode(data).decode() == '{"order_id":"Довідка №1","amount":85.5}'
    assert expected_signature("k", data) == "XCZNSprAKUJBynzInuZ3zZWhdpU="
    params = {"version": 3, "public_key": DEMO_PUBLIC_KEY, "action": "status", "order_id": "Довідка №1"}
    fields = signed(DEMO_PRIVATE_KEY, params)
    assert json.loads(base64.b64decode(fields["data"], validate=True).decode("utf-8")) == params
    assert fields["signature"] == expected_signature(DEMO_PRIVATE_KEY, fields["data"])


def test_the_api_accepts_a_message_signed_by_hand_and_refuses_it_with_one_character_changed(sandbox):
    data = (  # base64 of {"version":3,"public_key":"sandbox_vikno_demo","action":"status","order_id":"vector-1"}
        "eyJ2ZXJzaW9uIjozLCJwdWJsaWNfa2V5Ijoic2FuZGJveF92aWtub19kZW1vIiwiYWN0aW9uIjoic3RhdHVzIiwib3JkZXJfaWQiOiJ2"
        "ZWN0b3ItMSJ9"
    )
    sig = "FTjrg2wkQ+jb44AYcCiDHyUZJIc="
    assert expected_signature(DEMO_PRIVATE_KEY, data) == sig
    answer = requests.post(sandbox.api_url, data={"data": data, "signature": sig}, timeout=10)
    assert answer.headers["Content-Type"] == "application/json; charset=utf-8"
    assert answer.json() == {
        "result": "error",
        "status": "error",
        "err_code": "payment_not_found",
        "err_description": "payment not found",
    }
    forged = requests.post(sandbox.api_url, data={"data": data, "signature": "G" + sig[1:]}, timeout=10)
    assert forged.status_code == 200
    assert forged.json()["result"] == "error"
    assert forged.json()["err_code"] == "err_signature"


# --- Paying with each test card ---------------------------------------------------------------------------------


def test_a_successful_payment_shows_the_page_redirects_back_and_calls_back_with_the_status(sandbox, receiver):
    params = order(receiver, description="Довідка про несудимість")
    started = checkout(sandbox, signed(DEMO_PRIVATE_KEY, params))
    assert started.status_code == 303
    assert started.headers["Location"].startswith("/checkout/")
    page = requests.get(sandbox.url + started.headers["Location"], timeout=10)
    assert page.status_code == 200
    assert '<html lang="uk">' in page.text
    assert "SANDBOX" in page.text and "без справжніх грошей" in page.text
    assert "Довідка про несудимість" in page.text and "85.00 UAH" in page.text
    for field in ("card", "expiry", "cvv"):
        assert f'<label for="{field}">' in page.text and f'<input id="{field}" name="{field}"' in page.text
    assert "4242 4242 4242 4242" in page.text and "4000 0000 0000 3063" in page.text

    paid = sandbox.pay(signed(DEMO_PRIVATE_KEY, params), SUCCESS)
    assert paid.status_code == 303
    assert paid.headers["Location"] == RESULT_URL

    status = status_of(sandbox, params)
    assert status["result"] == "ok"
    assert isinstance(status["payment_id"], int) and status["transaction_id"] == status["payment_id"]
    assert isinstance(status["create_date"], int) and status["end_date"] >= status["create_date"]
    assert status["liqpay_order_id"].startswith("SANDBOX")
    assert {k: v for k, v in status.items() if k not in ("payment_id", "transaction_id", "liqpay_order_id")} == {
        "result": "ok",
        "action": "pay",
        "status": "success",
        "version": 3,
        "type": "buy",
        "paytype": "card",
        "public_key": DEMO_PUBLIC_KEY,
        "acq_id": 414963,
        "order_id": params["order_id"],
        "description": "Довідка про несудимість",
        "sender_card_mask2": "424242*42",
        "sender_card_type": "visa",
        "amount": Decimal("85.00"),
        "currency": "UAH",
        "create_date": status["create_date"],
        "end_date": status["end_date"],
        "is_3ds": False,
        "refund_amount": Decimal("0.00"),
    }
    [callback] = callbacks(receiver, params)
    assert callback == {k: v for k, v in status.items() if k != "result"}


def test_a_declined_card_fails_with_limit(sandbox, receiver):
    params = order(receiver)
    assert sandbox.pay(signed(DEMO_PRIVATE_KEY, params), DECLINED).headers["Location"] == RESULT_URL
    status = status_of(sandbox, params)
    assert (status["status"], status["err_code"], status["err_description"]) == (
        "failure",
        "limit",
        "Card declined: limit exceeded",
    )
    [callback] = callbacks(receiver, params)
    assert callback["status"] == "failure" and callback["err_code"] == "limit"
    assert callback["payment_id"] == status["payment_id"]


def test_any_other_valid_card_is_declined_and_only_its_mask_is_kept(sandbox, receiver):
    params = order(receiver, amount="12.30", currency="EUR")
    assert sandbox.pay(signed(DEMO_PRIVATE_KEY, params), "5555555555554444").status_code == 303
    status = status_of(sandbox, params)
    assert (status["status"], status["err_code"], status["sender_card_mask2"], status["sender_card_type"]) == (
        "failure",
        "limit",
        "555555*44",
        "mc",
    )
    assert (status["amount"], status["currency"]) == (Decimal("12.30"), "EUR")
    with sqlite3.connect(sandbox.db_path) as db:
        stored = "".join(str(row) for row in db.execute("SELECT * FROM orders")).encode()
    for text in (stored, sandbox.db_path.read_bytes(), sandbox.log().encode()):
        assert b"5555555555554444" not in text and b"5555 5555 5555 4444" not in text


def test_three_d_secure_with_the_right_code_succeeds(sandbox, receiver):
    params = order(receiver)
    page = sandbox.pay(signed(DEMO_PRIVATE_KEY, params), THREE_DS)
    assert page.status_code == 200 and page.url.endswith("/3ds")
    assert "111111" in page.text and '<label for="code">' in page.text
    waiting = status_of(sandbox, params)
    assert (waiting["status"], waiting["is_3ds"]) == ("3ds_verify", True)
    assert receiver.at(f"/cb/{params['order_id']}") == []

    confirmed = requests.post(page.url, data={"code": THREE_DS_CODE}, allow_redirects=False, timeout=10)
    assert (confirmed.status_code, confirmed.headers["Location"]) == (303, RESULT_URL)
    status = status_of(sandbox, params)
    assert (status["status"], status["is_3ds"], status["payment_id"]) == ("success", True, waiting["payment_id"])
    [callback] = callbacks(receiver, params)
    assert (callback["status"], callback["is_3ds"]) == ("success", True)


def test_three_d_secure_with_a_wrong_code_fails(sandbox, receiver):
    params = order(receiver)
    answer = sandbox.pay(signed(DEMO_PRIVATE_KEY, params), THREE_DS, code="123456")
    assert (answer.status_code, answer.headers["Location"]) == (303, RESULT_URL)
    status = status_of(sandbox, params)
    assert (status["status"], status["err_code"], status["is_3ds"]) == ("failure", "3ds_failed", True)
    [callback] = callbacks(receiver, params)
    assert (callback["status"], callback["err_code"]) == ("failure", "3ds_failed")


def test_the_bank_that_times_out_leaves_the_payment_processing_then_fails_it_and_calls_back(sandbox, receiver):
    params = order(receiver)
    answer = sandbox.pay(signed(DEMO_PRIVATE_KEY, params), TIMES_OUT)
    assert (answer.status_code, answer.headers["Location"]) == (303, RESULT_URL)
    assert status_of(sandbox, params)["status"] == "processing"
    # Nobody reads the order meanwhile: the sandbox's own timer fails it and sends the callback.
    [callback] = callbacks(receiver, params)
    assert (callback["status"], callback["err_code"]) == ("failure", "timeout")
    assert callback["end_date"] - callback["create_date"] >= TIMEOUT_SECONDS * 1000
    status = status_of(sandbox, params)
    assert (status["status"], status["err_code"]) == ("failure", "timeout")


def test_the_lost_callback_card_succeeds_without_a_callback(sandbox, receiver):
    lost, control = order(receiver), order(receiver)
    assert sandbox.pay(signed(DEMO_PRIVATE_KEY, lost), LOST_CALLBACK).headers["Location"] == RESULT_URL
    assert status_of(sandbox, lost)["status"] == "success"
    assert sandbox.pay(signed(DEMO_PRIVATE_KEY, control), SUCCESS).status_code == 303
    callbacks(receiver, control)  # callbacks are flowing: the lost one, sent earlier, would have come first
    time.sleep(3)
    assert receiver.at(f"/cb/{lost['order_id']}") == []
    assert status_of(sandbox, lost)["sender_card_mask2"] == "400000*77"


def test_a_callback_answered_with_an_error_is_retried_once(sandbox, receiver):
    params = order(receiver)
    receiver.fail_first[f"/cb/{params['order_id']}"] = 5
    assert sandbox.pay(signed(DEMO_PRIVATE_KEY, params), SUCCESS).status_code == 303
    first, retry = callbacks(receiver, params, count=2)
    assert first == retry and first["status"] == "success"
    time.sleep(3)  # no third attempt
    assert len(receiver.at(f"/cb/{params['order_id']}")) == 2


def test_without_result_url_the_cardholder_sees_the_outcome_in_english(sandbox):
    params = order(result_url="", language="en", amount="0.5")
    page = sandbox.pay(signed(DEMO_PRIVATE_KEY, params), SUCCESS)
    assert page.status_code == 200
    assert '<html lang="en">' in page.text
    assert "SANDBOX — no real money" in page.text
    assert "Payment finished" in page.text and "0.50 UAH" in page.text and "The payment succeeded." in page.text


def test_wrong_card_details_are_refused_with_the_page_and_no_payment(sandbox):
    params = order()
    for card, expiry, cvv, message in (
        ("4242 4242 4242", "", "123", "Введіть номер картки: 16 цифр"),
        ("4242 4242 4242 4241", "", "123", "Такого номера картки не буває"),
        (SUCCESS, "01/20", "123", "Термін дії картки минув"),
        (SUCCESS, "13/40", "123", "Введіть термін дії як ММ/РР"),
        (SUCCESS, "", "12", "Введіть CVV: 3 цифри"),
    ):
        page = sandbox.pay(signed(DEMO_PRIVATE_KEY, params), card, expiry=expiry, cvv=cvv)
        assert page.status_code == 400
        assert message in text_of(page)
        assert 'aria-invalid="true"' in page.text
        assert '<input id="card" name="card" value=""' in page.text  # the number is never sent back
    assert status_of(sandbox, params)["err_code"] == "payment_not_found"


# --- Cancelling, paying twice, re-posting -------------------------------------------------------------------------


def test_cancel_returns_to_the_service_and_the_order_can_still_be_paid(sandbox):
    params = order()
    started = checkout(sandbox, signed(DEMO_PRIVATE_KEY, params))
    page_url = sandbox.url + started.headers["Location"]
    assert f'href="{started.headers["Location"]}/cancel"' in requests.get(page_url, timeout=10).text
    cancelled = requests.get(page_url + "/cancel", allow_redirects=False, timeout=10)
    assert (cancelled.status_code, cancelled.headers["Location"]) == (303, RESULT_URL)
    assert status_of(sandbox, params)["err_code"] == "payment_not_found"
    assert sandbox.pay(signed(DEMO_PRIVATE_KEY, params), SUCCESS).headers["Location"] == RESULT_URL
    assert status_of(sandbox, params)["status"] == "success"


def test_re_posting_an_unpaid_order_resumes_it_and_a_different_amount_is_refused(sandbox):
    params = order()
    first = checkout(sandbox, signed(DEMO_PRIVATE_KEY, params))
    again = checkout(sandbox, signed(DEMO_PRIVATE_KEY, {**params, "amount": "85.00"}))
    assert (again.status_code, again.headers["Location"]) == (303, first.headers["Location"])
    for changed in ({"amount": "85.01"}, {"currency": "USD"}):
        refused = checkout(sandbox, signed(DEMO_PRIVATE_KEY, {**params, **changed}))
        assert refused.status_code == 400
        assert f"order_id '{params['order_id']}' already exists with the amount 85.00 UAH" in text_of(refused)


def test_a_paid_order_posted_again_is_refused_without_a_second_payment(sandbox, receiver):
    params = order(receiver)
    fields = signed(DEMO_PRIVATE_KEY, params)
    started = checkout(sandbox, fields)
    assert sandbox.pay(fields, SUCCESS).status_code == 303
    paid = status_of(sandbox, params)
    again = checkout(sandbox, fields)
    assert again.status_code == 409
    assert "Це замовлення вже оплачено" in again.text and f'href="{RESULT_URL}"' in again.text
    card_again = requests.post(
        sandbox.url + started.headers["Location"],
        data={"card": SUCCESS, "expiry": "12/40", "cvv": "123"},
        allow_redirects=False,
        timeout=10,
    )
    assert card_again.status_code == 409
    assert sandbox.pay(fields, DECLINED).status_code == 409
    assert status_of(sandbox, params) == paid
    assert len(callbacks(receiver, params)) == 1


def test_an_order_past_its_expired_date_cannot_be_paid(sandbox):
    expires = datetime.now(UTC) + timedelta(seconds=2)
    params = order(expired_date=f"{expires:%Y-%m-%d %H:%M:%S}")
    started = checkout(sandbox, signed(DEMO_PRIVATE_KEY, params))
    assert started.status_code == 303
    page_url = sandbox.url + started.headers["Location"]
    assert requests.get(page_url, timeout=10).status_code == 200
    assert wait_until(lambda: requests.get(page_url, timeout=10).status_code == 410, timeout=10)
    assert "Час на оплату минув" in requests.get(page_url, timeout=10).text
    # Posted again after the time: back to the same page, which still refuses the card.
    again = checkout(sandbox, signed(DEMO_PRIVATE_KEY, params))
    assert again.headers["Location"] == started.headers["Location"]
    assert sandbox.pay(signed(DEMO_PRIVATE_KEY, params), SUCCESS).status_code == 410
    assert status_of(sandbox, params)["err_code"] == "payment_not_found"


# --- Refunds -------------------------------------------------------------------------------------------------------


def test_a_partial_then_a_full_refund_reverses_the_payment_and_calls_back(sandbox, receiver):
    params = order(receiver, amount="85.00")
    assert sandbox.pay(signed(DEMO_PRIVATE_KEY, params), SUCCESS).status_code == 303
    partly = refund(sandbox, params, "30.00")
    assert (partly["result"], partly["status"], partly["refund_amount"]) == ("ok", "success", Decimal("30.00"))
    too_much = refund(sandbox, params, 55.01)
    assert too_much == {
        "result": "error",
        "status": "error",
        "err_code": "refund_amount_exceeded",
        "err_description": "the refund exceeds what is left to refund: 55.00 UAH",
    }
    assert status_of(sandbox, params)["refund_amount"] == Decimal("30.00")
    full = refund(sandbox, params, 55)
    assert (full["result"], full["status"], full["refund_amount"]) == ("ok", "reversed", Decimal("85.00"))
    success, reversed_ = callbacks(receiver, params, count=2)
    assert success["status"] == "success"
    assert (reversed_["status"], reversed_["refund_amount"], reversed_["amount"]) == (
        "reversed",
        Decimal("85.00"),
        Decimal("85.00"),
    )
    assert reversed_ == {k: v for k, v in status_of(sandbox, params).items() if k != "result"}
    assert refund(sandbox, params, "1")["err_code"] == "wrong_state"


def test_refunds_of_what_was_not_paid_or_of_nothing_are_refused(sandbox):
    declined = order()
    assert sandbox.pay(signed(DEMO_PRIVATE_KEY, declined), DECLINED).status_code == 303
    assert refund(sandbox, declined, "1")["err_code"] == "wrong_state"
    assert refund(sandbox, order(), "1")["err_code"] == "payment_not_found"
    paid = order()
    assert sandbox.pay(signed(DEMO_PRIVATE_KEY, paid), SUCCESS).status_code == 303
    for amount in ("0", "-1", "1.001", "1e2", True, None):
        answer = refund(sandbox, paid, amount)
        assert (answer["result"], answer["err_code"]) == ("error", "err_data")
    assert status_of(sandbox, paid)["refund_amount"] == Decimal("0.00")


# --- Refused checkouts and API requests ----------------------------------------------------------------------------


def test_a_forged_or_foreign_checkout_is_refused_and_stores_nothing(sandbox):
    params = order()
    genuine = signed(DEMO_PRIVATE_KEY, params)
    for fields, message in (
        (signed(OTHER_PRIVATE_KEY, params), "the signature does not match data"),
        ({**genuine, "signature": signed(DEMO_PRIVATE_KEY, {**params, "amount": 1})["signature"]}, "signature"),
        (signed("stranger", {**params, "public_key": "stranger"}), "public_key is not a merchant of this sandbox"),
        ({"data": genuine["data"]}, "the request must carry the form fields data and signature"),
    ):
        refused = checkout(sandbox, fields)
        assert refused.status_code == 400
        assert message in text_of(refused)
    # Nothing was stored: the same order_id with another amount is a new order.
    assert checkout(sandbox, signed(DEMO_PRIVATE_KEY, {**params, "amount": 1})).status_code == 303


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": 0}, "amount must be greater than 0"),
        ({"amount": "-5"}, "amount must be a positive number with at most 2 decimals"),
        ({"amount": "1.001"}, "amount must be a positive number with at most 2 decimals"),
        ({"amount": True}, "amount must be a number or a string of digits"),
        ({"currency": "GBP"}, "currency must be one of UAH, EUR, USD"),
        ({"version": 2}, "version must be 3"),
        ({"action": "hold"}, 'action must be "pay"'),
        ({"description": " "}, "description must be a non-empty string"),
        ({"order_id": "x" * 256}, "order_id must be at most 255 characters"),
        ({"language": "ru"}, 'language must be "uk" or "en"'),
        ({"result_url": "javascript:alert(1)"}, "result_url must be an http(s) URL"),
        ({"expired_date": "2030-01-01T00:00:00"}, 'expired_date must be "YYYY-MM-DD HH:MM:SS" (UTC)'),
        ({"expired_date": "2020-01-01 00:00:00"}, "expired_date is in the past"),
    ],
)
def test_a_checkout_with_a_bad_parameter_is_refused_saying_what_is_wrong(sandbox, changes, message):
    refused = checkout(sandbox, signed(DEMO_PRIVATE_KEY, order(**changes)))
    assert refused.status_code == 400
    assert "Запит на оплату недійсний" in refused.text
    assert message in text_of(refused)


@pytest.mark.parametrize(
    "fields",
    [
        {"data": "not base64!", "signature": "x"},
        {"data": base64.b64encode(b"\xff\xfe").decode(), "signature": "x"},
        {"data": base64.b64encode(b"[1, 2]").decode(), "signature": "x"},
        {"data": base64.b64encode(b'{"amount": NaN}').decode(), "signature": "x"},
    ],
)
def test_malformed_data_is_refused_on_the_checkout_and_by_the_api(sandbox, fields):
    refused = checkout(sandbox, fields)
    assert refused.status_code == 400
    assert "data" in text_of(refused)
    answer = requests.post(sandbox.api_url, data=fields, timeout=10)
    assert answer.status_code == 200
    assert (answer.json()["result"], answer.json()["err_code"]) == ("error", "err_data")


def test_the_api_refuses_a_foreign_key_an_unknown_action_or_version(sandbox):
    ask = {"action": "status", "version": 3, "public_key": DEMO_PUBLIC_KEY, "order_id": "x"}
    assert sandbox.api(OTHER_PRIVATE_KEY, ask)["err_code"] == "err_signature"
    assert sandbox.api("k", {**ask, "public_key": "nobody"})["err_code"] == "public_key_not_found"
    assert sandbox.api(DEMO_PRIVATE_KEY, {**ask, "action": "pay"})["err_code"] == "err_data"
    assert sandbox.api(DEMO_PRIVATE_KEY, {**ask, "version": 2})["err_code"] == "err_data"
    assert sandbox.api(DEMO_PRIVATE_KEY, {**ask, "order_id": ""})["err_code"] == "err_data"
    # Another merchant's order is not found with this merchant's key.
    theirs = order(public_key=OTHER_PUBLIC_KEY)
    assert sandbox.pay(signed(OTHER_PRIVATE_KEY, theirs), SUCCESS).status_code == 303
    assert status_of(sandbox, theirs)["status"] == "success"
    assert status_of(sandbox, {**theirs, "public_key": DEMO_PUBLIC_KEY})["err_code"] == "payment_not_found"


# --- Restarts ------------------------------------------------------------------------------------------------------


def test_orders_survive_a_restart_and_a_payment_waiting_for_the_bank_still_times_out(tmp_path, receiver):
    db_path = tmp_path / "sandbox.sqlite3"
    paid, waiting = order(receiver), order(receiver)
    with running_sandbox(MERCHANTS, db_path=db_path, timeout_seconds=TIMEOUT_SECONDS) as first:
        assert first.pay(signed(DEMO_PRIVATE_KEY, paid), SUCCESS).status_code == 303
        before = status_of(first, paid)
        assert first.pay(signed(DEMO_PRIVATE_KEY, waiting), TIMES_OUT).status_code == 303
    with running_sandbox(MERCHANTS, db_path=db_path, timeout_seconds=TIMEOUT_SECONDS) as second:
        assert status_of(second, paid) == before
        assert checkout(second, signed(DEMO_PRIVATE_KEY, paid)).status_code == 409
        [callback] = callbacks(receiver, waiting)
        assert (callback["status"], callback["err_code"]) == ("failure", "timeout")


def test_the_sandbox_answers_its_health_check_and_unknown_pages(sandbox):
    assert requests.get(sandbox.url + "/healthz", timeout=10).text == "ok\n"
    assert requests.get(sandbox.url + "/checkout/" + "A" * 32, timeout=10).status_code == 404
    assert requests.get(sandbox.url + "/api/request", timeout=10).status_code == 405
