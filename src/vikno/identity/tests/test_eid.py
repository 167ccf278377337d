"""Sign-in with a national eID, end to end against the real demo OpenID provider started on localhost."""

import datetime as dt
import json

import pytest
import requests
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from vikno.audit.models import AuditRecord
from vikno.audit.tests.helpers import records_after, trail_mark
from vikno.core import clock
from vikno.identity.constants import Assurance
from vikno.identity.eid import client as eid_client
from vikno.identity.models import EidIdentity, User
from vikno.identity.session import ASSURANCE_KEY, AUTHENTICATED_AT_KEY, METHOD_KEY
from vikno.identity.tests.demo_eid import (
    CITIZENS,
    HIGH,
    LOW,
    authenticate,
    demo_settings_entry,
    forge,
    free_port,
    new_signing_key,
    path_of,
    query_of,
    running_provider,
)

pytestmark = pytest.mark.django_db

OLENA = CITIZENS[0]
START = reverse("eid-start", kwargs={"slug": "demo"})


@pytest.fixture(scope="module")
def provider_port():
    return free_port()


@pytest.fixture
def provider(settings, tmp_path_factory, provider_port):
    """One running provider for the module's tests; each test points the settings at it and starts cold."""
    settings.EID_PROVIDERS = [demo_settings_entry(f"http://127.0.0.1:{provider_port}")]
    eid_client.forget_cached_metadata()
    yield _module_provider(tmp_path_factory, provider_port)
    eid_client.forget_cached_metadata()


_RUNNING: dict = {}


def _module_provider(tmp_path_factory, port):
    if port not in _RUNNING:
        context = running_provider(tmp_path_factory.mktemp("eid"), [new_signing_key()], port=port)
        _RUNNING[port] = (context, context.__enter__())
    return _RUNNING[port][1]


@pytest.fixture(scope="module", autouse=True)
def _stop_module_provider():
    yield
    for context, _ in _RUNNING.values():
        context.__exit__(None, None, None)
    _RUNNING.clear()


def sign_in(client, settings, *, sub=OLENA["sub"], acr=HIGH, next_url=""):
    started = client.post(START, {"next": next_url})
    assert started.status_code == 302, started.content
    callback = authenticate(started["Location"], sub=sub, acr=acr, site_url=settings.SITE_URL)
    return started["Location"], callback, client.get(path_of(callback))


def refusals(after: int = 0):
    return list(records_after(after).filter(action="identity.sign_in_refused").values_list("reason", "object_id"))


def assert_refused(response, reason, *, status=400, after: int = 0):
    """Refused for that reason, and (after the mark: the trail cannot be emptied) nobody signed in."""
    assert response.status_code == status
    assert "You are not signed in" in response.content.decode() or "Ви не увійшли" in response.content.decode()
    assert refusals(after) == [(reason, "eid:demo")]
    assert SESSION_KEY not in response.client.session
    assert not records_after(after).filter(action="identity.signed_in").exists()


class Tampering:
    """Rewrites the ID token in the provider's token response on its way to the portal (a network attacker, or a
    compromised provider), using keys the test holds. Everything else passes through untouched."""

    def __init__(self, monkeypatch, provider, rewrite):
        original = requests.adapters.HTTPAdapter.send
        token_endpoint = provider.issuer + "/token"

        def send(adapter, request, **kwargs):
            response = original(adapter, request, **kwargs)
            if request.url == token_endpoint and response.status_code == 200:
                body = response.json()
                body["id_token"] = rewrite(body["id_token"])
                response._content = json.dumps(body).encode()
            return response

        monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", send)


def test_sign_in_creates_the_citizen_from_the_verified_claims(client, settings, provider):
    client.get(reverse("identity:sign-in"))
    anonymous_session = client.session.session_key

    authorization, callback, response = sign_in(client, settings)

    request = query_of(authorization)
    assert request["response_type"] == "code"
    assert request["code_challenge_method"] == "S256"
    assert len(request["state"]) >= 32 and len(request["nonce"]) >= 32 and len(request["code_challenge"]) == 43
    assert response.status_code == 302, list(AuditRecord.objects.values_list("reason", "details"))
    assert response["Location"] == reverse("identity:cabinet")
    user = User.objects.get()
    assert (user.last_name, user.first_name, user.middle_name) == ("Шевченко", "Олена", "Петрівна")
    assert (user.rnokpp, str(user.birth_date)) == (OLENA["rnokpp"], OLENA["birthdate"])
    assert (user.email, user.phone) == (OLENA["email"], OLENA["phone_number"])
    assert user.identity_source == "Демо eID (не справжній)"
    assert not user.has_usable_password() and not user.is_staff
    assert EidIdentity.objects.get().subject == OLENA["sub"]
    session = client.session
    assert session[SESSION_KEY] == str(user.pk)
    assert session.session_key != anonymous_session  # rotated at sign-in: no session fixation
    assert session[ASSURANCE_KEY] == Assurance.HIGH
    assert session[METHOD_KEY] == "eid:demo"
    assert list(AuditRecord.objects.order_by("sequence").values_list("action", "actor_id", "details")) == [
        ("identity.account_created", user.pk, {}),
        # The new account acknowledges the privacy notice and agrees to e-mail notifications.
        ("privacy.consent_given", user.pk, {"consent": "privacy_notice", "version": 1, "how": "registration"}),
        ("privacy.consent_given", user.pk, {"consent": "email_notifications", "version": 1, "how": "registration"}),
        ("identity.signed_in", user.pk, {"method": "eid:demo", "assurance": "high"}),
    ]
    cabinet = client.get(reverse("identity:cabinet"))
    assert cabinet.status_code == 200
    assert "Шевченко Олена Петрівна" in cabinet.content.decode()


def test_the_same_person_signing_in_again_gets_the_same_account_at_the_level_they_used(client, settings, provider):
    sign_in(client, settings)
    client.logout()
    sign_in(client, settings, acr=LOW)
    assert User.objects.count() == 1
    assert client.session[ASSURANCE_KEY] == Assurance.LOW
    actions = list(AuditRecord.objects.exclude(action__startswith="privacy.consent").values_list("action", flat=True))
    assert sorted(actions) == ["identity.account_created", "identity.signed_in", "identity.signed_in"]


def test_a_tampered_state_is_refused(client, settings, provider):
    started = client.post(START)
    callback = authenticate(started["Location"], site_url=settings.SITE_URL)
    tampered = callback.replace("state=", "state=x")
    assert_refused(client.get(path_of(tampered)), "state")
    assert not User.objects.exists()


def test_a_replayed_answer_is_refused(client, settings, provider, django_user_model):
    _, callback, response = sign_in(client, settings)
    assert response.status_code == 302
    mark = trail_mark()
    client.logout()

    # The same answer again, in the same browser and in another one: the state worked once only.
    assert_refused(client.get(path_of(callback)), "state", after=mark)
    mark = trail_mark()
    other = client.__class__()
    assert_refused(other.get(path_of(callback)), "state", after=mark)


def test_a_token_carrying_another_sign_ins_nonce_is_refused(client, settings, provider):
    """An attacker starts a sign-in of their own but gets the provider to issue a token for an old nonce."""
    old_nonce = query_of(client.post(START)["Location"])["nonce"]
    victim = client.__class__()
    authorization = victim.post(START)["Location"]
    injected = authorization.replace(query_of(authorization)["nonce"], old_nonce)
    callback = authenticate(injected, site_url=settings.SITE_URL)
    assert_refused(victim.get(path_of(callback)), "nonce")
    assert not User.objects.exists()


@pytest.mark.parametrize("same_kid", [False, True], ids=["unknown-kid", "known-kid"])
def test_a_token_signed_by_another_key_is_refused(client, settings, provider, monkeypatch, same_kid):
    stranger = new_signing_key()
    if same_kid:  # a stranger's key claiming to be the provider's
        stranger = stranger.__class__.import_key(stranger.as_dict(private=True) | {"kid": provider.signing_key.kid})
    Tampering(monkeypatch, provider, lambda token: forge(token, stranger, given_name="Злодій"))
    _, _, response = sign_in(client, settings)
    assert_refused(response, "signature")
    assert not User.objects.exists()


def test_a_token_for_another_audience_is_refused(client, settings, provider, monkeypatch):
    Tampering(monkeypatch, provider, lambda token: forge(token, provider.signing_key, aud="another-portal"))
    _, _, response = sign_in(client, settings)
    assert_refused(response, "audience")


def test_an_expired_token_is_refused(client, settings, provider, monkeypatch):
    two_hours_ago = int(clock.now().timestamp()) - 7200
    Tampering(
        monkeypatch,
        provider,
        lambda token: forge(token, provider.signing_key, iat=two_hours_ago, exp=two_hours_ago + 3600),
    )
    _, _, response = sign_in(client, settings)
    assert_refused(response, "expired")


def test_a_token_from_another_issuer_is_refused(client, settings, provider, monkeypatch):
    Tampering(monkeypatch, provider, lambda token: forge(token, provider.signing_key, iss="http://127.0.0.1:1"))
    _, _, response = sign_in(client, settings)
    assert_refused(response, "issuer")


def test_a_cancelled_sign_in_is_refused_with_the_providers_reason(client, settings, provider):
    state = query_of(client.post(START)["Location"])["state"]
    response = client.get(START.replace("start", "callback") + f"?error=access_denied&state={state}")
    assert_refused(response, "provider_error")


def test_an_unreachable_provider_gets_a_clear_page(client, settings):
    settings.EID_PROVIDERS = [demo_settings_entry(f"http://127.0.0.1:{free_port()}")]
    eid_client.forget_cached_metadata()
    response = client.post(START)
    assert_refused(response, "unreachable", status=503)
    assert "не відповідає" in response.content.decode()


def test_after_sign_in_the_person_returns_to_where_they_were_but_never_off_site(client, settings, provider):
    _, _, response = sign_in(client, settings, next_url="/services/")
    assert response["Location"] == "/services/"
    client.logout()
    _, _, response = sign_in(client, settings, next_url="https://evil.example/phish")
    assert response["Location"] == reverse("identity:cabinet")


def test_key_rotation_is_followed_by_fetching_the_keys_again(client, settings, tmp_path, monkeypatch):
    port = free_port()
    settings.EID_PROVIDERS = [demo_settings_entry(f"http://127.0.0.1:{port}")]
    eid_client.forget_cached_metadata()
    fetched = []
    original = eid_client._get_json
    monkeypatch.setattr(eid_client, "_get_json", lambda url, **kw: fetched.append(url) or original(url, **kw))
    old_key, new_key = new_signing_key(), new_signing_key()
    with running_provider(tmp_path, [old_key], port=port):
        assert sign_in(client, settings)[2].status_code == 302
    client.logout()
    later = clock.now() + dt.timedelta(seconds=eid_client.JWKS_MIN_REFRESH_SECONDS * 2)
    monkeypatch.setattr(clock, "now", lambda: later)
    # The provider rotates: the new key signs, the old one is still published for tokens already out.
    with running_provider(tmp_path, [new_key, old_key], port=port):
        assert sign_in(client, settings)[2].status_code == 302
    jwks_fetches = [url for url in fetched if url.endswith("/jwks")]
    assert len(jwks_fetches) == 2
    assert refusals() == []


# --- Levels of assurance: a service asks for a level; a citizen below it is asked to step up ----------------
def _service_needing(level):
    from vikno.catalog.constants import ChannelKind
    from vikno.catalog.tests.factories import ChannelFactory, PublicServiceFactory

    service = PublicServiceFactory(minimum_assurance=level)
    ChannelFactory(
        service=service, kind=ChannelKind.ONLINE, instructions="Заповніть форму.", url="https://apply.example/"
    )
    return service


def test_a_citizen_below_the_services_level_is_asked_to_step_up_not_refused(client, settings, provider):
    from vikno.identity.tests.helpers import sign_in_citizen

    service = _service_needing(Assurance.HIGH)
    apply = reverse("applications:start", kwargs={"slug": service.slug})
    sign_in_citizen(client, User.objects.create_user(username="low"), assurance=Assurance.LOW, method="password")

    response = client.get(apply)
    assert response.status_code == 302
    step_up = response["Location"]
    assert step_up == f"{reverse('identity:step-up')}?level=3&next=%2Fservices%2F{service.slug}%2Fapply%2F"
    page = client.get(step_up)
    assert page.status_code == 200
    assert 'name="minimum" value="3"' in page.content.decode()

    started = client.post(START, {"minimum": "3", "next": apply})
    assert query_of(started["Location"])["acr_values"] == HIGH  # only the levels that are enough
    callback = authenticate(started["Location"], acr=HIGH, site_url=settings.SITE_URL)
    assert client.get(path_of(callback))["Location"] == apply
    ready = client.get(apply)
    assert ready.status_code == 200
    assert "https://apply.example/" in ready.content.decode()


def test_a_step_up_that_brings_back_a_lower_level_says_so(client, settings, provider):
    service = _service_needing(Assurance.SUBSTANTIAL)
    apply = reverse("applications:start", kwargs={"slug": service.slug})
    started = client.post(START, {"minimum": "2", "next": apply})
    assert query_of(started["Location"])["acr_values"] == f"{HIGH} http://eidas.europa.eu/LoA/substantial"
    # The demo provider lets the person pick any method; a real one would refuse to go below acr_values.
    callback = authenticate(started["Location"], acr=LOW, site_url=settings.SITE_URL)
    response = client.get(path_of(callback))
    assert response["Location"].startswith(reverse("identity:step-up") + "?level=2&next=")
    assert "lower=1" in response["Location"]
    assert client.session[ASSURANCE_KEY] == Assurance.LOW
    assert client.get(apply).status_code == 302  # still not enough


def test_the_apply_page_sends_anonymous_visitors_to_sign_in(client):
    service = _service_needing(Assurance.LOW)
    response = client.get(reverse("applications:start", kwargs={"slug": service.slug}))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("identity:sign-in") + "?next=")


def test_an_eid_account_confirms_it_is_them_with_the_eid_again_before_changing_the_phone(client, settings, provider):
    sign_in(client, settings)
    session = client.session
    session[AUTHENTICATED_AT_KEY] = clock.now().timestamp() - settings.REAUTHENTICATE_AFTER_SECONDS - 1
    session.save()
    phone = reverse("identity:phone")
    asked = client.get(phone)
    assert asked["Location"] == f"{reverse('identity:confirm')}?next=%2Fcabinet%2Fphone%2F"
    page = client.get(asked["Location"]).content.decode()
    assert f'<form method="post" action="{START}" novalidate>' in page
    assert '<input type="hidden" name="next" value="/cabinet/phone/">' in page
    assert f'<input type="hidden" name="minimum" value="{int(Assurance.HIGH)}">' in page
    assert 'name="password"' not in page  # an eID account has no password to give

    _, _, back = sign_in(client, settings, next_url=phone)
    assert back["Location"] == phone
    assert client.get(phone).status_code == 200
