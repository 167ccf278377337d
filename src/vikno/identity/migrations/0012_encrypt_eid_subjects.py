# Existing eID links: subjects encrypted and indexed (see 0011).

from django.db import migrations

from vikno.privacy.migrating import encryption_step


class Migration(migrations.Migration):
    dependencies = [("identity", "0011_encrypted_eid_subject")]

    operations = [encryption_step("identity.EidIdentity", ["subject"], indexes={"subject_index": "subject"})]
