"""The English names of the playbook and its rules (and the rules' reasons), shown to readers of the English pages."""

from django.db import migrations, models


def reinstall_triggers(apps, schema_editor):
    # SQLite adds these columns by rebuilding the table, which drops its triggers: give the configuration stamp
    # its triggers back (a no-op on PostgreSQL, where the table keeps them).
    from kesu.core.config import install_triggers

    install_triggers(schema_editor, ("rules_playbook", "rules_rule"))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_config_stamp"),
        ("rules", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="playbook",
            name="name_en",
            field=models.CharField(blank=True, max_length=100, verbose_name="English name"),
        ),
        migrations.AddField(
            model_name="rule",
            name="name_en",
            field=models.CharField(blank=True, max_length=200, verbose_name="English name"),
        ),
        migrations.AddField(
            model_name="rule",
            name="reason_en",
            field=models.CharField(blank=True, max_length=300, verbose_name="reason in English"),
        ),
        migrations.RunPython(reinstall_triggers, migrations.RunPython.noop),
    ]
