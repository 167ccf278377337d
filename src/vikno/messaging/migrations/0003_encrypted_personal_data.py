# Phones, addresses and texts encrypted at rest; an SMS opt-out keeps only the number's blind index.

from django.db import migrations, models

import vikno.privacy.fields
from vikno.privacy import crypto
from vikno.privacy.migrating import encrypt_columns


def opt_outs_to_indexes(apps, schema_editor):
    SmsOptOut = apps.get_model("messaging", "SmsOptOut")
    for opt_out in list(SmsOptOut.objects.all()):
        index = crypto.blind_index(opt_out.phone_index, purpose="messaging.smsoptout.phone")
        SmsOptOut.objects.filter(pk=opt_out.pk).delete()
        SmsOptOut.objects.create(phone_index=index, created_at=opt_out.created_at)


class Migration(migrations.Migration):
    dependencies = [("messaging", "0002_application_messages")]

    operations = [
        migrations.RenameField("smsoptout", "phone", "phone_index"),
        migrations.AlterField("smsoptout", "phone_index", models.CharField(max_length=64, primary_key=True, serialize=False)),
        migrations.RunPython(opt_outs_to_indexes, migrations.RunPython.noop),
        migrations.AlterField(
            "delivery", "to", vikno.privacy.fields.EncryptedTextField(max_length=254, verbose_name="to")
        ),
        migrations.AlterField("delivery", "text", vikno.privacy.fields.EncryptedTextField(verbose_name="text")),
        migrations.AlterField("delivery", "html", vikno.privacy.fields.EncryptedTextField(blank=True)),
        migrations.AddField(
            "delivery", "to_index", vikno.privacy.fields.BlindIndexField(blank=True, db_index=True, default="", editable=False, max_length=64, source="to")
        ),
        migrations.RunPython(
            encrypt_columns("messaging.Delivery", ["to", "text", "html"], indexes={"to_index": "to"}),
            migrations.RunPython.noop,
        ),
        migrations.AlterField("incomingsms", "phone", vikno.privacy.fields.EncryptedTextField(max_length=20)),
        migrations.AlterField("incomingsms", "text", vikno.privacy.fields.EncryptedTextField(max_length=1000)),
        migrations.RunPython(encrypt_columns("messaging.IncomingSms", ["phone", "text"]), migrations.RunPython.noop),
        migrations.AlterField(
            "applicationmessage",
            "text",
            vikno.privacy.fields.EncryptedTextField(blank=True, verbose_name="message"),
        ),
        migrations.RunPython(
            encrypt_columns("messaging.ApplicationMessage", ["text"]), migrations.RunPython.noop
        ),
    ]
