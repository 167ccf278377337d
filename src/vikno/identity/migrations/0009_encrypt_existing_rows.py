# Existing rows encrypted and their blind indexes filled (see 0008 for why this is a migration of its own).

from django.db import migrations

from vikno.privacy.migrating import encryption_step


class Migration(migrations.Migration):
    dependencies = [("identity", "0008_encrypted_personal_data")]

    operations = [
        encryption_step(
            "identity.User",
            ["rnokpp", "phone", "birth_date"],
            indexes={"rnokpp_index": "rnokpp", "phone_index": "phone"},
        ),
        encryption_step(
            "identity.Mandate",
            ["party_code", "party_birth_date", "basis"],
            indexes={"party_code_index": "party_code"},
        ),
    ]
