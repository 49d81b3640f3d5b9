"""The departments' English names, shown to readers of the English pages."""

from django.db import migrations, models


def reinstall_triggers(apps, schema_editor):
    # SQLite adds these columns by rebuilding the table, which drops its triggers: give the configuration stamp
    # its triggers back (a no-op on PostgreSQL, where the table keeps them).
    from kesu.core.config import install_triggers

    install_triggers(schema_editor, ("accounts_department",))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_config_stamp"),
        ("accounts", "0002_sign_in_providers"),
    ]

    operations = [
        migrations.AddField(
            model_name="department",
            name="name_en",
            field=models.CharField(blank=True, max_length=100, verbose_name="English name"),
        ),
        migrations.RunPython(reinstall_triggers, migrations.RunPython.noop),
    ]
