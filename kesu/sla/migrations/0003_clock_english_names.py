"""The SLA clocks' English names and penalty rules, shown to readers of the English pages."""

from django.db import migrations, models


def reinstall_triggers(apps, schema_editor):
    # SQLite adds these columns by rebuilding the table, which drops its triggers: give the configuration stamp
    # its triggers back (a no-op on PostgreSQL, where the table keeps them).
    from kesu.core.config import install_triggers

    install_triggers(schema_editor, ("sla_clockdefinition",))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_config_stamp"),
        ("sla", "0002_default_calendar"),
    ]

    operations = [
        migrations.AddField(
            model_name="clockdefinition",
            name="name_en",
            field=models.CharField(blank=True, max_length=100, verbose_name="English name"),
        ),
        migrations.AddField(
            model_name="clockdefinition",
            name="penalty_rule_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="penalty rule in English"),
        ),
        migrations.RunPython(reinstall_triggers, migrations.RunPython.noop),
    ]
