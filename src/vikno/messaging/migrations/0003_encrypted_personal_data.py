# Phones, addresses and texts encrypted at rest; an SMS opt-out keeps only the number's blind index.
# The schema here, the data in 0004, each in a transaction of its own: on PostgreSQL a table whose rows a
# transaction updated after rewriting them cannot get an index in it (pending deferred foreign-key checks), and
# Django creates new indexes at a migration's end.

from django.db import migrations, models

import vikno.privacy.fields


class Migration(migrations.Migration):
    dependencies = [("messaging", "0002_application_messages")]

    operations = [
        migrations.RenameField("smsoptout", "phone", "phone_index"),
        migrations.AlterField(
            "smsoptout", "phone_index", models.CharField(max_length=64, primary_key=True, serialize=False)
        ),
        migrations.AlterField(
            "delivery", "to", vikno.privacy.fields.EncryptedTextField(max_length=254, verbose_name="to")
        ),
        migrations.AlterField("delivery", "text", vikno.privacy.fields.EncryptedTextField(verbose_name="text")),
        migrations.AlterField("delivery", "html", vikno.privacy.fields.EncryptedTextField(blank=True)),
        migrations.AddField(
            "delivery",
            "to_index",
            vikno.privacy.fields.BlindIndexField(
                blank=True, db_index=True, default="", editable=False, max_length=64, source="to"
            ),
        ),
        migrations.AlterField("incomingsms", "phone", vikno.privacy.fields.EncryptedTextField(max_length=20)),
        migrations.AlterField("incomingsms", "text", vikno.privacy.fields.EncryptedTextField(max_length=1000)),
        migrations.AlterField(
            "applicationmessage",
            "text",
            vikno.privacy.fields.EncryptedTextField(blank=True, verbose_name="message"),
        ),
    ]
