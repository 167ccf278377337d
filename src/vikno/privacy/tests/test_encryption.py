"""Personal data at rest: what the database and the disk hold, blind-index lookups, and key rotation."""

import base64
import datetime as dt
import os
import stat
from io import StringIO
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import FieldError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from vikno.applications import services as application_services
from vikno.applications.models import Application, Attachment
from vikno.applications.selectors import definition_of
from vikno.applications.tests import conftest as application_fixtures
from vikno.applications.tests.factories import good_answers, png_bytes
from vikno.applications.uploads import open_stored
from vikno.audit.models import AuditRecord
from vikno.core.storage import private_storage
from vikno.identity import services as identity_services
from vikno.identity.models import Mandate, User
from vikno.identity.selectors import person_by_rnokpp
from vikno.identity.tests.factories import citizen, mandate, official
from vikno.privacy import crypto, rotation
from vikno.privacy.crypto import data_key_problems
from vikno.privacy.migrating import encrypt_columns

pytestmark = pytest.mark.django_db

# The applications' fixtures: an authority with a published online service, and an applicant.
applicant = application_fixtures.applicant
authority = application_fixtures.authority
definition = application_fixtures.definition
service = application_fixtures.service

TEST_KEY = "test-1:dGVzdC1kYXRhLWtleS0xLW5vdC1zZWNyZXQtMzJieXQ="
NEW_KEY = "new-2:" + base64.b64encode(b"a-new-data-key-for-rotation-32by").decode()


def raw(model, pk, column: str):
    table, quote = model._meta.db_table, connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote(column)} FROM {quote(table)} WHERE id = %s",  # noqa: S608 (names, not input)
            [model._meta.pk.get_db_prep_value(pk, connection)],
        )
        return cursor.fetchone()[0]


def raw_set(model, pk, column: str, value) -> None:
    table, quote = model._meta.db_table, connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE id = %s",  # noqa: S608 (names, not input)
            [value, model._meta.pk.get_db_prep_value(pk, connection)],
        )


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.VIKNO_PRIVATE_STORAGE_DIR = tmp_path / "private"


@pytest.fixture
def olena():
    return citizen(rnokpp="3221512000", phone="+380671234567", born=dt.date(1988, 3, 14))


def test_the_database_holds_only_ciphertext_and_the_model_reads_plain_values(olena):
    for column, plain in (("rnokpp", "3221512000"), ("phone", "+380671234567"), ("birth_date", "1988-03-14")):
        stored = raw(User, olena.pk, column)
        assert stored.startswith("vk1.test-1.")
        assert plain not in stored
    fresh = User.objects.get(pk=olena.pk)
    assert (fresh.rnokpp, fresh.phone, fresh.birth_date) == ("3221512000", "+380671234567", dt.date(1988, 3, 14))
    # Emptiness stays queryable: an official without a taxpayer number has an empty column, not ciphertext.
    clerk = official("clerk@rada.example")
    assert raw(User, clerk.pk, "rnokpp") == "" and raw(User, clerk.pk, "rnokpp_index") == ""
    assert list(User.objects.filter(rnokpp="").values_list("pk", flat=True)) == [clerk.pk]


def test_equal_values_encrypt_differently_and_the_index_reveals_nothing(olena):
    twin = citizen(rnokpp="3221512001", phone="+380671234567")
    assert raw(User, olena.pk, "phone") != raw(User, twin.pk, "phone")
    assert raw(User, olena.pk, "phone_index") == raw(User, twin.pk, "phone_index")
    index = raw(User, olena.pk, "rnokpp_index")
    assert len(index) == 64 and "3221512000" not in index
    # Keyed: the same number under another purpose (another column) indexes differently.
    assert index != crypto.blind_index("3221512000", purpose="identity.mandate.party_code")


def test_a_value_moved_to_another_column_or_altered_does_not_decrypt(olena):
    raw_set(User, olena.pk, "phone", raw(User, olena.pk, "rnokpp"))
    with pytest.raises(crypto.DecryptionFailed, match="altered or belongs elsewhere"):
        User.objects.get(pk=olena.pk)
    token = crypto.encrypt_text("+380671234567", purpose="identity.user.phone")
    flipped = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    raw_set(User, olena.pk, "phone", flipped)
    with pytest.raises(crypto.DecryptionFailed):
        User.objects.get(pk=olena.pk)
    raw_set(User, olena.pk, "phone", "+380671234567")  # plain text planted in the column
    with pytest.raises(crypto.DecryptionFailed, match="not encrypted"):
        User.objects.get(pk=olena.pk)


def test_exact_lookups_go_through_the_blind_index_and_plain_lookups_are_refused(olena):
    assert person_by_rnokpp("3221512000") == olena
    assert person_by_rnokpp(" 3221512000 ") == olena
    assert person_by_rnokpp("3221512001") is None
    for lookup in ({"rnokpp": "3221512000"}, {"phone__contains": "067"}, {"birth_date__year": 1988}):
        with pytest.raises(FieldError):
            User.objects.filter(**lookup).exists()
    # One account per taxpayer number still holds, through the index.
    with pytest.raises(IntegrityError), transaction.atomic():
        citizen(rnokpp="3221512000")


def test_a_partial_save_keeps_the_index_in_step(olena):
    olena.phone = "+380501112233"
    olena.save(update_fields=["phone"])
    assert identity_services.sms_stopped(phone_number="+380501112233") == 0  # SMS were off: nobody to stop
    User.objects.filter(pk=olena.pk).update(notify_by_sms=True)
    assert identity_services.sms_stopped(phone_number="+380671234567") == 0  # the old number finds nobody
    assert identity_services.sms_stopped(phone_number="+380501112233") == 1


def test_mandates_keep_the_childs_number_birth_date_and_document_encrypted():
    parent, registrar = citizen(), official("registrar@cnap.example")
    child = mandate(
        parent,
        registrar,
        party_kind="child",
        party_code="4213300131",
        party_birth_date=dt.date(2015, 5, 10),
        basis="Свідоцтво І-БК № 123456",
    )
    for column, plain in (("party_code", "4213300131"), ("party_birth_date", "2015-05-10"), ("basis", "123456")):
        assert plain not in raw(Mandate, child.pk, column)
    assert Mandate.objects.get(pk=child.pk).basis == "Свідоцтво І-БК № 123456"


def test_answers_and_uploaded_files_are_encrypted(applicant, service):
    application = application_services.application_start(applicant=applicant, service=service)
    question = next(q for q in definition_of(application.definition).form.questions if q.name == "passport")
    upload = SimpleUploadedFile("passport.png", png_bytes(), content_type="image/png")
    attachment = application_services.attachment_add(
        application=application, question=question, upload=upload, actor=applicant
    )
    application_services.application_save_step(
        application=application, values=good_answers(applicant.rnokpp, [str(attachment.pk)])
    )
    stored = raw(Application, application.pk, "answers")
    assert stored.startswith("vk1.") and applicant.rnokpp not in stored and "Шевченко" not in stored
    assert Application.objects.get(pk=application.pk).answers["rnokpp"] == applicant.rnokpp

    on_disk = private_storage().path(Attachment.objects.get().file)
    with open(on_disk, "rb") as handle:
        disk_bytes = handle.read()
    assert disk_bytes.startswith(b"VKF1") and png_bytes() not in disk_bytes
    assert stat.S_IMODE(os.stat(on_disk).st_mode) == 0o600
    with open_stored(attachment.file) as opened:
        assert opened.read() == png_bytes()


def test_rotation_moves_every_value_and_file_to_the_new_key_while_old_ones_still_read(
    olena, applicant, service, settings
):
    application = application_services.application_start(applicant=applicant, service=service)
    name = private_storage().save("rotation/file.bin", SimpleUploadedFile("f", b"old file"))
    assert crypto.bytes_key_id(private_storage().read_raw(name)) == "test-1"

    settings.VIKNO_DATA_KEYS = f"{NEW_KEY},{TEST_KEY}"
    out = StringIO()
    with pytest.raises(CommandError, match="still under older keys"):
        call_command("rotate_data_keys", "--check", stdout=out)
    assert "identity.user.rnokpp: 2 under an older key" in out.getvalue()  # olena and the applicant
    assert "files: 1 under an older key" in out.getvalue()

    out = StringIO()
    call_command("rotate_data_keys", stdout=out)
    assert "identity.user.rnokpp: 2 re-encrypted" in out.getvalue()
    assert "files: 1 re-encrypted" in out.getvalue()
    assert raw(User, olena.pk, "rnokpp").startswith("vk1.new-2.")
    assert raw(Application, application.pk, "answers").startswith("vk1.new-2.")
    assert crypto.bytes_key_id(private_storage().read_raw(name)) == "new-2"
    assert AuditRecord.objects.filter(action="privacy.data_keys_rotated", object_id="new-2").count() == 1

    # The old key can now go: everything still reads.
    settings.VIKNO_DATA_KEYS = NEW_KEY
    call_command("rotate_data_keys", "--check", stdout=StringIO())
    assert person_by_rnokpp("3221512000").birth_date == dt.date(1988, 3, 14)
    with private_storage().open(name) as opened:
        assert opened.read() == b"old file"


def test_rotation_never_undoes_a_write_made_meanwhile(olena, settings, monkeypatch):
    settings.VIKNO_DATA_KEYS = f"{NEW_KEY},{TEST_KEY}"
    decrypt = crypto.decrypt_text

    written = []

    def a_citizen_saves_while_rotation_reads(token, *, purpose):
        if purpose == "identity.user.phone" and not written:
            written.append(crypto.encrypt_text("+380509998877", purpose=purpose))  # under the new key
            raw_set(User, olena.pk, "phone", written[0])
        return decrypt(token, purpose=purpose)

    monkeypatch.setattr(crypto, "decrypt_text", a_citizen_saves_while_rotation_reads)
    report = rotation.data_keys_rotate()
    monkeypatch.undo()
    assert report.values["identity.user.phone"] == 0
    assert User.objects.get(pk=olena.pk).phone == "+380509998877"


def test_the_migration_encrypts_plain_rows_and_fills_their_indexes(olena):
    raw_set(User, olena.pk, "rnokpp", "3221512000")
    raw_set(User, olena.pk, "rnokpp_index", "")
    # What the migration's function uses of a schema editor (a real one cannot open inside a test's transaction).
    editor = SimpleNamespace(connection=connection, quote_name=connection.ops.quote_name)
    encrypt_columns("identity.User", ["rnokpp"], indexes={"rnokpp_index": "rnokpp"})(apps, editor)
    assert raw(User, olena.pk, "rnokpp").startswith("vk1.test-1.")
    assert person_by_rnokpp("3221512000") == olena


def test_keys_come_from_settings_and_production_refuses_demo_or_missing_ones(tmp_path, settings):
    assert data_key_problems("", "") == [
        "VIKNO_DATA_KEYS_FILE (or VIKNO_DATA_KEYS) must name the keys that encrypt personal data."
    ]
    live, index = "live-2:bGl2ZS1kYXRhLWtleS1mb3ItcHJvZHVjdGlvbi0wMSE=", "bGl2ZS1ibGluZC1pbmRleC1rZXktZm9yLXByb2QtMDE="
    assert data_key_problems(live.replace("live-2", "demo-1"), index) == [
        "The data keys must not be the demo or test keys (their ids start with demo or test)."
    ]
    assert data_key_problems(live, "") == ["VIKNO_BLIND_INDEX_KEY_FILE (or VIKNO_BLIND_INDEX_KEY) must be set."]
    assert data_key_problems(live, live.split(":")[1]) == ["The blind-index key must differ from every data key."]
    assert data_key_problems("live-2:c2hvcnQ=", index) == ["The data key live-2 must be 32 bytes, not 5."]
    assert data_key_problems(live, index) == []

    settings.VIKNO_DATA_KEYS = "live-1:c2hvcnQ="
    with pytest.raises(Exception, match="must be 32 bytes, not 5"):
        crypto.keyring()
    settings.VIKNO_DATA_KEYS = ""
    with pytest.raises(Exception, match="No data keys"):
        crypto.keyring()


def test_demo_keys_are_written_once_for_their_owner_only(tmp_path, settings):
    settings.VIKNO_DATA_KEYS_FILE = tmp_path / "keys" / "data-keys"
    settings.VIKNO_BLIND_INDEX_KEY_FILE = tmp_path / "keys" / "blind-index-key"
    call_command("demo_keys", stdout=StringIO())
    first = settings.VIKNO_DATA_KEYS_FILE.read_text()
    assert first.startswith("demo-1:") and len(crypto.parse_keys(first)[0][1]) == 32
    assert stat.S_IMODE(os.stat(settings.VIKNO_DATA_KEYS_FILE).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(settings.VIKNO_BLIND_INDEX_KEY_FILE).st_mode) == 0o600
    out = StringIO()
    call_command("demo_keys", stdout=out)
    assert out.getvalue().strip() == "Demo data keys: already there."
    assert settings.VIKNO_DATA_KEYS_FILE.read_text() == first


def test_every_column_holding_identifiers_or_what_a_person_wrote_is_encrypted():
    encrypted = {
        f"{model._meta.label_lower}.{field.name}" for model, fields in rotation.encrypted_columns() for field in fields
    }
    assert encrypted == {
        "identity.user.rnokpp",
        "identity.user.phone",
        "identity.user.birth_date",
        "identity.mandate.party_code",
        "identity.mandate.party_birth_date",
        "identity.mandate.basis",
        "identity.eididentity.subject",
        "applications.application.answers",
        "applications.informationrequest.answer",
        "applications.informationrequest.text",
        "applications.application.decision_reasons",
        "applications.applicationevent.text",
        "applications.casenote.text",
        "applications.pendingdecision.reasons",
        "feedback.publicquestion.asked_text",
        "feedback.publicquestion.text",
        "feedback.rating.comment",
        "messaging.delivery.to",
        "messaging.delivery.text",
        "messaging.delivery.html",
        "messaging.incomingsms.phone",
        "messaging.incomingsms.text",
        "messaging.applicationmessage.text",
        "appeals.appeal.text",
        "appeals.appeal.answer",
        "payments.banktransfer.remittance",
        "payments.banktransfer.payer_name",
        "payments.banktransfer.payer_iban",
        "messaging.notification.body",
        "privacy.datasubjectrequest.text",
        "privacy.datasubjectrequest.answer",
    }
