from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("workspace", "0001_saved_views_and_bulk_runs")]

    operations = [
        migrations.AddField(
            model_name="bulkrun",
            name="heartbeat_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="last progress at"),
        ),
    ]
