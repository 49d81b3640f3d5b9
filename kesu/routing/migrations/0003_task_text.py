"""Text kept to be shown in each reader's language."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("routing", "0002_follower_added_by_and_vip_changes"),
    ]

    operations = [
        migrations.AddField(
            model_name="task",
            name="text",
            field=models.JSONField(blank=True, default=dict, editable=False, verbose_name="title in each language"),
        ),
    ]
