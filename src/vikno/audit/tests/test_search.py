"""The auditors' search of the trail at /office/audit/: who sees what (an organisation's auditor its own
records, an auditor with subordinates everything below, the platform administrator everything), the filters,
newest first a page at a time, the CSV export safe in spreadsheets, and every look recorded."""

import csv
import datetime as dt
import io
from types import SimpleNamespace

import pytest

from vikno.applications.tests.factories import published
from vikno.audit.models import AuditRecord
from vikno.audit.services import record
from vikno.audit.tests.conftest import kyiv
from vikno.backoffice.tests.cases import case_row
from vikno.catalog.tests.factories import OrganisationFactory, PublicServiceFactory
from vikno.identity.constants import Role
from vikno.identity.tests.factories import citizen, official, platform_admin
from vikno.identity.tests.helpers import sign_in_citizen, sign_in_official
from vikno.privacy.models import DataAccess

pytestmark = pytest.mark.django_db

SEARCH = "/en/office/audit/"
QUERIES = 13
DAY = dt.date(2026, 11, 20)
PERSON_ELSEWHERE = "None of the organisations you audit has records about a person with this taxpayer number or e-mail"


@pytest.fixture
def world(at):
    """A ministry over agencies A and B, and C on its own; a citizen with a case at A, B and C."""
    ministry = OrganisationFactory(name_uk="Міністерство", name_en="Ministry")
    a = OrganisationFactory(name_uk="Агенція А", name_en="Agency A", parent=ministry)
    b = OrganisationFactory(name_uk="Агенція Б", name_en="Agency B", parent=ministry)
    c = OrganisationFactory(name_uk="Служба В", name_en="Service C")
    olena = citizen(email="olena@example.com")
    cases = {
        org: case_row(published(PublicServiceFactory(competent_authority=org)).service, olena) for org in (a, b, c)
    }
    people = SimpleNamespace(
        officer_a=official("officer-a@vikno.example", a, Role.CASE_OFFICER),
        officer_b=official("officer-b@vikno.example", b, Role.CASE_OFFICER),
        officer_c=official("officer-c@vikno.example", c, Role.CASE_OFFICER),
        auditor_a=official("auditor-a@vikno.example", a, Role.AUDITOR),
        auditor_top=official("auditor@ministry.example", ministry, Role.AUDITOR, includes_subordinates=True),
        root=platform_admin(),
    )
    steps = [
        ("a-assigned", people.officer_a, "applications.assigned", cases[a], ""),
        ("a-submitted", olena, "applications.submitted", cases[a], ""),
        ("b-note", people.officer_b, "applications.note_added", cases[b], ""),
        ("c-submitted", olena, "applications.submitted", cases[c], ""),
        ("c-decided", people.officer_c, "applications.approve", cases[c], ""),
        ("olena-signed-in", olena, "identity.signed_in", olena, ""),
        ("a-officer-signed-in", people.officer_a, "identity.signed_in", people.officer_a, ""),
        ("b-organisation", people.root, "catalog.organisation.imported", b, '=HYPERLINK("http://evil.example")'),
    ]
    names = {}
    for hour, (name, actor, action, target, reason) in enumerate(steps):
        at(kyiv(DAY + dt.timedelta(days=hour // 4), 9 + hour))
        names[record(actor=actor, action=action, target=target, reason=reason, source_ip="192.0.2.1").sequence] = name
    return SimpleNamespace(ministry=ministry, a=a, b=b, c=c, olena=olena, cases=cases, names=names, **vars(people))


def look(client, user, query: str = "", status: int = 200):
    sign_in_official(client, user)
    response = client.get(SEARCH + query)
    assert response.status_code == status
    return response


def shown(response, world) -> list[str]:
    """The names of the test's records on the page, in the order shown (the trail's own records left out)."""
    rows = response.context["rows"] or []
    return [world.names[entry.sequence] for entry, _ in rows if entry.sequence in world.names]


def test_an_auditor_sees_the_records_about_their_organisation_only(client, world):
    assert shown(look(client, world.auditor_a), world) == ["a-officer-signed-in", "a-submitted", "a-assigned"]


def test_an_auditor_with_subordinates_sees_everything_below(client, world):
    assert shown(look(client, world.auditor_top), world) == [
        "b-organisation",
        "a-officer-signed-in",
        "b-note",
        "a-submitted",
        "a-assigned",
    ]


def test_the_platform_administrator_sees_everything(client, world):
    assert shown(look(client, world.root), world) == list(reversed(world.names.values()))


@pytest.mark.parametrize("who", ["officer_a", "officer_c"])
def test_officials_without_the_auditor_role_are_refused(client, world, who):
    response = look(client, getattr(world, who), status=403)
    assert "rows" not in (response.context or {})
    assert not AuditRecord.objects.filter(action__startswith="audit.").exists()


def test_citizens_are_refused(client, world):
    sign_in_citizen(client, world.olena)
    assert client.get(SEARCH).status_code == 403


@pytest.mark.parametrize("how", ["rnokpp", "email"])
def test_by_person_what_they_did_and_what_was_done_about_them(client, world, how):
    person = world.olena.rnokpp if how == "rnokpp" else "OLENA@example.com"
    assert shown(look(client, world.root, f"?person={person}"), world) == [
        "olena-signed-in",
        "c-decided",
        "c-submitted",
        "b-note",
        "a-submitted",
        "a-assigned",
    ]
    # Within an auditor's reach only.
    assert shown(look(client, world.auditor_a, f"?person={person}"), world) == ["a-submitted", "a-assigned"]


def test_by_official(client, world):
    assert shown(look(client, world.root, "?official=officer-a@vikno.example"), world) == [
        "a-officer-signed-in",
        "a-assigned",
    ]


def test_by_case(client, world):
    reference = world.cases[world.a].reference
    assert shown(look(client, world.auditor_a, f"?case={reference}"), world) == ["a-submitted", "a-assigned"]


def test_by_organisation_action_and_time(client, world):
    assert shown(look(client, world.auditor_top, f"?organisation={world.b.pk}"), world) == ["b-organisation", "b-note"]
    assert shown(look(client, world.root, "?action=applications."), world) == [
        "c-decided",
        "c-submitted",
        "b-note",
        "a-submitted",
        "a-assigned",
    ]
    assert shown(look(client, world.root, "?action=identity.signed_in&start=2026-11-21&end=2026-11-21"), world) == [
        "a-officer-signed-in",
        "olena-signed-in",
    ]
    assert shown(look(client, world.root, "?end=2026-11-20"), world) == [
        "c-submitted",
        "b-note",
        "a-submitted",
        "a-assigned",
    ]


@pytest.mark.parametrize(
    ("query", "field", "error"),
    [
        (
            "?person=0000000000",
            "person",
            PERSON_ELSEWHERE,
        ),
        (
            "?person=nobody@example.com",
            "person",
            PERSON_ELSEWHERE,
        ),
        ("?official=olena@example.com", "official", "No official has this e-mail address"),
        ("?case=26-0000-0000-0", "case", "None of the organisations you audit has a case with this reference number"),
        ("?start=2026-02-30", "start", "Enter a real date, like 2026-11-27"),
        ("?start=2026-11-21&end=2026-11-20", "end", "The end date must be the same as or after the start date"),
        ("?before=x", "before", "Enter a whole number."),
    ],
)
def test_bad_filters_are_explained(client, world, query, field, error):
    response = look(client, world.auditor_a, query, status=400)
    assert response.context["form"].errors == {field: [error]}
    assert response.context["rows"] is None
    assert not AuditRecord.objects.filter(action__startswith="audit.").exists()


def test_another_organisations_case_organisation_and_person_are_not_the_auditors(client, world):
    """Whether a case, or a person's account, exists elsewhere is not the auditor's to learn: the same answer as
    for none."""
    only_elsewhere = citizen(email="andrii@example.com")
    record(actor=only_elsewhere, action="applications.submitted", target=world.cases[world.c])
    for person in (only_elsewhere.rnokpp, "andrii@example.com"):
        response = look(client, world.auditor_a, f"?person={person}", status=400)
        assert response.context["form"].errors == {"person": [PERSON_ELSEWHERE]}
    response = look(client, world.auditor_a, f"?case={world.cases[world.c].reference}", status=400)
    assert response.context["form"].errors == {
        "case": ["None of the organisations you audit has a case with this reference number"]
    }
    response = look(client, world.auditor_a, f"?organisation={world.c.pk}", status=400)
    assert response.context["form"].errors == {"organisation": ["Choose one of the organisations you audit"]}


def test_each_look_is_recorded_with_its_filters_and_never_the_number_searched_for(client, world):
    look(client, world.auditor_a, f"?person={world.olena.rnokpp}&action=applications.")
    viewed = AuditRecord.objects.get(action="audit.trail_viewed")
    assert (viewed.actor, viewed.object_type, viewed.object_id, viewed.source_ip) == (
        world.auditor_a,
        "identity.user",
        str(world.olena.pk),
        "127.0.0.1",
    )
    assert viewed.details == {"filters": {"person": str(world.olena.pk), "action": "applications."}, "shown": 2}
    assert world.olena.rnokpp not in str(viewed.details)
    # The look shows on the next one, and in the records about the person.
    assert look(client, world.auditor_a).context["rows"][0][0] == viewed


def test_the_form_is_posted_so_a_taxpayer_number_never_appears_in_an_address(client, world):
    sign_in_official(client, world.auditor_a)
    posted = client.post(SEARCH, {"person": world.olena.rnokpp, "action": "applications."})
    assert posted.status_code == 302
    assert posted["Location"] == f"{SEARCH}?person={world.olena.pk}&action=applications."
    assert world.olena.rnokpp not in posted["Location"]
    page = client.get(posted["Location"])
    assert shown(page, world) == ["a-submitted", "a-assigned"]
    assert world.olena.rnokpp not in page.context["filter_query"]
    refused = client.post(SEARCH, {"person": "0000000000"})
    assert refused.status_code == 400
    assert refused.context["form"].errors == {"person": [PERSON_ELSEWHERE]}


def test_searching_by_a_person_is_in_their_who_looked_log_and_other_searches_are_not(client, world):
    look(client, world.auditor_a, "?action=applications.")
    look(client, world.auditor_a, f"?case={world.cases[world.a].reference}")
    assert not DataAccess.objects.exists()
    look(client, world.auditor_a, f"?person={world.olena.rnokpp}")
    access = DataAccess.objects.get()
    assert (access.official, access.subject, access.organisation, access.role, access.purpose) == (
        world.auditor_a,
        world.olena,
        world.a,
        "auditor",
        "audit",
    )
    assert (access.object_type, access.object_id) == ("identity.user", str(world.olena.pk))


def test_newest_first_fifty_to_a_page(client, world, at):
    for n in range(60):
        at(kyiv(dt.date(2026, 11, 25), 9, n % 60))
        record(actor=world.officer_a, action="test.bulk", target_type="test.thing", target_id=str(n))
    first = look(client, world.auditor_a, "?action=test.")
    rows = [entry.object_id for entry, _ in first.context["rows"]]
    assert rows == [str(n) for n in range(59, 9, -1)]
    older = first.context["older"]
    html = first.content.decode()
    assert f'href="?action=test.&amp;before={older}"' in html
    second = look(client, world.auditor_a, f"?action=test.&before={older}")
    assert [entry.object_id for entry, _ in second.context["rows"]] == [str(n) for n in range(9, -1, -1)]
    assert second.context["older"] is None


def test_the_number_of_queries_does_not_grow_with_the_records(client, world, at, django_assert_num_queries):
    sign_in_official(client, world.auditor_top)
    client.get(SEARCH)
    # Session and user, the auditor's roles and the organisations' tree (the scope), the records, the look's own
    # record (the head's lock, the insert, the head) in a transaction with the look at a person's data (the
    # savepoint and its release: the test's own transaction is open), the applications' references, the
    # organisations to choose.
    with django_assert_num_queries(QUERIES):
        client.get(SEARCH)
    for n in range(40):
        at(kyiv(dt.date(2026, 11, 25), 10, n))
        record(actor=world.officer_b, action="test.bulk", target=world.cases[world.b])
    with django_assert_num_queries(QUERIES):
        response = client.get(SEARCH)
    assert len(response.context["rows"]) == 50


def test_the_csv_export_has_the_filtered_records_safe_for_spreadsheets_and_is_recorded(client, world):
    response = look(client, world.auditor_top, "?organisation=" + str(world.b.pk) + "&format=csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="audit-')
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == [
        "sequence",
        "occurred_at",
        "actor_id",
        "actor_email",
        "action",
        "object_type",
        "object_id",
        "on_behalf_of",
        "source_ip",
        "reason",
        "details",
        "record_hash",
    ]
    by_name = {world.names[int(row[0])]: row for row in rows[1:] if int(row[0]) in world.names}
    assert list(by_name) == ["b-organisation", "b-note"]
    entry = AuditRecord.objects.get(sequence=int(by_name["b-organisation"][0]))
    assert by_name["b-organisation"] == [
        str(entry.sequence),
        "2026-11-21T16:00:00+02:00",
        str(world.root.pk),
        "root@vikno.example",
        "catalog.organisation.imported",
        "catalog.organisation",
        str(world.b.pk),
        "",
        "192.0.2.1",
        '\'=HYPERLINK("http://evil.example")',
        "{}",
        entry.record_hash,
    ]
    exported = AuditRecord.objects.get(action="audit.trail_exported")
    assert (exported.actor, exported.object_type, exported.object_id) == (
        world.auditor_top,
        "catalog.organisation",
        str(world.b.pk),
    )
    assert exported.details == {"filters": {"organisation": str(world.b.pk)}}
    assert not AuditRecord.objects.filter(action="audit.trail_viewed").exists()
