"""Upgrading a database that holds people: the identity migrations that encrypt the taxpayer number, phone and date
of birth, a mandate's party code and the eID subject run over existing rows, on SQLite and on PostgreSQL (CI runs both).

Rows are written at today's schema, the migrations are reversed (which must give the plain values back, in their
old column types) and applied again, as an upgrade from before encryption would. Putting the data step back into
the migration that changes the columns fails here on PostgreSQL ("cannot CREATE INDEX ... pending trigger
events", tried), as an upgrade with officials in the database once did.
"""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from vikno.catalog.tests.factories import OrganisationFactory
from vikno.identity import selectors
from vikno.identity.constants import Role
from vikno.identity.models import EidIdentity, Mandate, User
from vikno.identity.tests.factories import citizen, mandate, official
from vikno.messaging.models import IncomingSms
from vikno.messaging.sms.commands import sms_receive
from vikno.privacy import crypto
from vikno.privacy.fields import blind_index_for

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_ENCRYPTION = [("identity", "0007_dpo_role")]
BORN = dt.date(1988, 3, 14)
ISSUER = "https://eid.example"


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def latest() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def raw(row, columns: str) -> tuple:
    """The columns of the model instance's row as stored, past every field's conversion."""
    table, key = row._meta.db_table, row._meta.pk.get_db_prep_value(row.pk, connection)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {table} WHERE id = %s", [key])  # noqa: S608 (fixed names)
        return cursor.fetchone()


def test_people_written_before_encryption_are_encrypted_and_found_by_their_indexes_after_the_upgrade():
    person = citizen(born=BORN, phone="+380501234567")
    number = person.rnokpp
    officer = official("officer@vikno.example", OrganisationFactory(), Role.CASE_OFFICER)
    paper = mandate(person, officer, party_code="41000017")
    # Two people from one provider: their subjects' indexes must differ before one-account-per-subject returns.
    links = [
        EidIdentity.objects.create(
            user=someone, provider="demo", issuer=ISSUER, subject=subject, last_used_at=timezone.now()
        )
        for someone, subject in ((person, "3221500509"), (citizen("Тарас"), "urn:demo:taras"))
    ]
    try:
        migrate(BEFORE_ENCRYPTION)
        # Back to plain text in the old columns (a date again for the date of birth).
        plain = raw(person, "rnokpp, phone, birth_date")
        assert (plain[0], plain[1], str(plain[2])) == (number, "+380501234567", "1988-03-14")
        assert raw(paper, "party_code, basis") == ("41000017", "Виписка з ЄДР")
        assert raw(officer, "rnokpp, phone") == ("", "")
        assert [raw(link, "subject") for link in links] == [("3221500509",), ("urn:demo:taras",)]
    finally:
        migrate(latest())

    sealed = raw(person, "rnokpp, phone, birth_date, rnokpp_index, phone_index")
    assert all(str(value).startswith(crypto.TEXT_PREFIX) for value in sealed[:3])
    assert number not in str(sealed) and "380501234567" not in str(sealed)
    assert sealed[3:] == (blind_index_for(User, "rnokpp", number), blind_index_for(User, "phone", "+380501234567"))
    again = User.objects.get(pk=person.pk)
    assert (again.rnokpp, again.phone, again.birth_date) == (number, "+380501234567", BORN)
    assert selectors.person_by_rnokpp(number) == again
    assert raw(officer, "rnokpp, rnokpp_index") == ("", "")  # nothing to seal, no index
    party = Mandate.objects.get(pk=paper.pk)
    assert (party.party_code, party.basis) == ("41000017", "Виписка з ЄДР")
    assert raw(paper, "party_code_index") == (blind_index_for(Mandate, "party_code", "41000017"),)

    first = links[0]
    assert raw(first, "subject")[0].startswith(crypto.TEXT_PREFIX) and "3221500509" not in raw(first, "subject")[0]
    index = blind_index_for(EidIdentity, "subject", "3221500509")
    assert EidIdentity.objects.get(issuer=ISSUER, subject_index=index).subject == "3221500509"
    with pytest.raises(IntegrityError), transaction.atomic():
        EidIdentity.objects.create(
            user=officer, provider="demo", issuer=ISSUER, subject="3221500509", last_used_at=timezone.now()
        )

    # One account per taxpayer number still holds, now on the index; officials without a number do not collide.
    with pytest.raises(IntegrityError), transaction.atomic():
        citizen(rnokpp=number)
    official("another.officer@vikno.example")


def test_sms_received_before_senders_were_linked_go_to_the_one_account_holding_the_number():
    olena = citizen(phone="+380501234567")
    shared = [citizen("Тарас", phone="+380671112233"), citizen("Ірина", phone="+380671112233")]
    sms = [
        sms_receive(gateway_id=f"gateway-{n}", phone_number=number, text="HELP")
        for n, number in enumerate(("+380501234567", "+380671112233", "+380939999999"))
    ]
    assert [received.sender for received in sms] == [olena, None, None]  # linked as they come, too
    try:
        migrate([("messaging", "0005_encrypted_texts")])  # before senders were linked
    finally:
        migrate(latest())
    linked = dict(IncomingSms.objects.values_list("gateway_id", "sender"))
    assert linked == {"gateway-0": olena.pk, "gateway-1": None, "gateway-2": None}
    assert shared[0].pk not in linked.values() and shared[1].pk not in linked.values()
