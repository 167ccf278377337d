# The senders' numbers of SMS already received, indexed (apart from 0006: see privacy.migrating.encryption_step).

from django.db import migrations

from vikno.privacy.migrating import index_step


class Migration(migrations.Migration):
    dependencies = [("messaging", "0006_incomingsms_phone_index")]

    operations = [index_step("messaging.IncomingSms", {"phone_index": "phone"})]
