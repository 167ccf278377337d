# The eID subject encrypted, in three steps as 0008-0010: the column and its index (this one), the rows (0012),
# one account per issuer and subject again, now on the index (0013).

import vikno.privacy.fields
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('identity', '0010_one_account_per_rnokpp_index'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='eididentity',
            name='one_account_per_eid_subject',
        ),
        migrations.AddField(
            model_name='eididentity',
            name='subject_index',
            field=vikno.privacy.fields.BlindIndexField(blank=True, default='', editable=False, max_length=64, source='subject'),
        ),
        migrations.AlterField(
            model_name='eididentity',
            name='subject',
            field=vikno.privacy.fields.EncryptedTextField(max_length=255, verbose_name='subject'),
        ),
    ]
