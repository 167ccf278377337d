# Personal data encrypted at rest, in three steps each in a transaction of its own: the columns become text and the
# blind indexes appear (this one), existing rows are encrypted and indexed (0009), then the taxpayer number's
# unique index (0010). On PostgreSQL an index cannot be created on a table whose rows the same transaction updated
# after rewriting it (deferred foreign-key checks are pending), and Django creates new indexes at a migration's end.

import vikno.privacy.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("catalog", "0004_publicservice_minimum_assurance"),
        ("identity", "0007_dpo_role"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="user",
            name="one_account_per_rnokpp",
        ),
        migrations.AddField(
            model_name="mandate",
            name="party_code_index",
            field=vikno.privacy.fields.BlindIndexField(
                blank=True, db_index=True, default="", editable=False, max_length=64, source="party_code"
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="phone_index",
            field=vikno.privacy.fields.BlindIndexField(
                blank=True, db_index=True, default="", editable=False, max_length=64, source="phone"
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="rnokpp_index",
            field=vikno.privacy.fields.BlindIndexField(
                blank=True, default="", editable=False, max_length=64, source="rnokpp"
            ),
        ),
        migrations.AlterField(
            model_name="mandate",
            name="basis",
            field=vikno.privacy.fields.EncryptedTextField(
                help_text="For example: birth certificate series and number.",
                max_length=300,
                verbose_name="document it rests on",
            ),
        ),
        migrations.AlterField(
            model_name="mandate",
            name="party_birth_date",
            field=vikno.privacy.fields.EncryptedDateField(blank=True, null=True, verbose_name="child's date of birth"),
        ),
        migrations.AlterField(
            model_name="mandate",
            name="party_code",
            field=vikno.privacy.fields.EncryptedTextField(
                help_text="EDRPOU code (8 digits) of a business, or RNOKPP (10 digits) of a child.",
                max_length=10,
                verbose_name="code of the party",
            ),
        ),
        migrations.AlterField(
            model_name="user",
            name="birth_date",
            field=vikno.privacy.fields.EncryptedDateField(blank=True, null=True, verbose_name="date of birth"),
        ),
        migrations.AlterField(
            model_name="user",
            name="phone",
            field=vikno.privacy.fields.EncryptedTextField(blank=True, max_length=20, verbose_name="phone"),
        ),
        migrations.AlterField(
            model_name="user",
            name="rnokpp",
            field=vikno.privacy.fields.EncryptedTextField(
                blank=True, max_length=10, verbose_name="taxpayer number (RNOKPP)"
            ),
        ),
    ]
