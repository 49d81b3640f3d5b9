"""The organisation's logo and seal, printed on the letters to customers (kesu.documents.letters)."""

from django.db import migrations, models


def reinstall_triggers(apps, schema_editor):
    # SQLite adds these columns by rebuilding the table, which drops its triggers: give the configuration stamp
    # its triggers on the organisation back (a no-op on PostgreSQL, where the table keeps them).
    from kesu.core.config import install_triggers

    install_triggers(schema_editor, ("core_organization",))


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_config_stamp"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="logo",
            field=models.FileField(blank=True, upload_to="organisation/", verbose_name="logo"),
        ),
        migrations.AddField(
            model_name="organization",
            name="seal",
            field=models.FileField(
                blank=True,
                help_text="The company seal (公章) printed on the reply letter: a PNG with a transparent background.",
                upload_to="organisation/",
                verbose_name="seal",
            ),
        ),
        migrations.RunPython(reinstall_triggers, migrations.RunPython.noop),
    ]
