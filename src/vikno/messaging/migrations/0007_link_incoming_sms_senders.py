# SMS received before senders were linked: each is linked to the account that alone holds its number now (numbers
# are not unique; an SMS from a number several accounts hold stays unlinked).

from django.db import migrations

from vikno.privacy import crypto


def link_senders(apps, schema_editor):
    IncomingSms = apps.get_model("messaging", "IncomingSms")
    User = apps.get_model("identity", "User")
    for sms in IncomingSms.objects.filter(sender__isnull=True).only("pk", "phone").iterator():
        index = crypto.blind_index(str(sms.phone or "").strip(), purpose="identity.user.phone")
        holders = list(User.objects.filter(phone_index=index, is_active=True).values_list("pk", flat=True)[:2])
        if index and len(holders) == 1:
            IncomingSms.objects.filter(pk=sms.pk).update(sender_id=holders[0])


class Migration(migrations.Migration):
    dependencies = [("messaging", "0006_incomingsms_sender"), ("identity", "0010_one_account_per_rnokpp_index")]

    operations = [migrations.RunPython(link_senders, migrations.RunPython.noop)]
