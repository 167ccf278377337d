# Existing rows encrypted, blind indexes filled, opt-outs turned into indexes (see 0003 for why apart).

from django.db import migrations

from vikno.privacy import crypto
from vikno.privacy.migrating import encryption_step


def opt_outs_to_indexes(apps, schema_editor):
    SmsOptOut = apps.get_model("messaging", "SmsOptOut")
    for opt_out in list(SmsOptOut.objects.all()):
        index = crypto.blind_index(opt_out.phone_index, purpose="messaging.smsoptout.phone")
        SmsOptOut.objects.filter(pk=opt_out.pk).delete()
        SmsOptOut.objects.create(phone_index=index, created_at=opt_out.created_at)


# Irreversible: an opt-out keeps only the number's index, from which the number cannot be recovered.
class Migration(migrations.Migration):
    dependencies = [("messaging", "0003_encrypted_personal_data")]

    operations = [
        migrations.RunPython(opt_outs_to_indexes),
        encryption_step("messaging.Delivery", ["to", "text", "html"], indexes={"to_index": "to"}),
        encryption_step("messaging.IncomingSms", ["phone", "text"]),
        encryption_step("messaging.ApplicationMessage", ["text"]),
    ]
