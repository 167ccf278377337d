# One account per taxpayer number, now through its blind index (after 0009 filled it; see the note in 0008).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("identity", "0009_encrypt_existing_rows")]

    operations = [
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                condition=models.Q(("rnokpp_index", ""), _negated=True),
                fields=("rnokpp_index",),
                name="one_account_per_rnokpp",
            ),
        ),
    ]
