"""Text kept to be shown in each reader's language."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0004_email_digests"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="text",
            field=models.JSONField(blank=True, default=dict, editable=False, verbose_name="text in each language"),
        ),
    ]
