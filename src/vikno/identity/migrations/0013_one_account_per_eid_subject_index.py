# One account per eID issuer and subject, now through the subject's blind index (after 0012 filled it).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("identity", "0012_encrypt_eid_subjects")]

    operations = [
        migrations.AddConstraint(
            model_name="eididentity",
            constraint=models.UniqueConstraint(fields=("issuer", "subject_index"), name="one_account_per_eid_subject"),
        ),
    ]
