from django.db import migrations, models

from vikno.core import phone


def normalise_phones(apps, schema_editor):
    """Phones are kept in one form from now on (+380...), so an SMS's sender can be matched exactly."""
    User = apps.get_model("identity", "User")
    for user in User.objects.exclude(phone="").only("pk", "phone").iterator():
        normalised = phone.normalise(user.phone)[:20]
        if normalised != user.phone:
            User.objects.filter(pk=user.pk).update(phone=normalised)


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0004_recovery_codes"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="language",
            field=models.CharField(
                choices=[("uk", "Ukrainian"), ("en", "English")],
                default="uk",
                max_length=8,
                verbose_name="language of messages",
            ),
        ),
        migrations.RunPython(normalise_phones, migrations.RunPython.noop),
    ]
