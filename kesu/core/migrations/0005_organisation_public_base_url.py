"""The organisation's public address, which links in messages start with (kesu.core.links)."""

from django.db import migrations, models


def reinstall_triggers(apps, schema_editor):
    # SQLite adds the column by rebuilding the table, which drops its configuration-stamp triggers.
    from kesu.core.config import install_triggers

    install_triggers(schema_editor, ("core_organization",))



class Migration(migrations.Migration):

    dependencies = [
        ('core', '0004_organisation_logo_seal'),
    ]

    operations = [
        migrations.AddField(
            model_name='organization',
            name='public_base_url',
            field=models.URLField(blank=True, help_text='The address customers and staff open kesu at, e.g. https://kefu.example.com. Every link in an e-mail, an SMS or a robot message starts with it (rating, tracking, the complaint). Empty: the KESU_BASE_URL setting of the server.', verbose_name='public address'),
        ),
        migrations.RunPython(reinstall_triggers, migrations.RunPython.noop),
    ]
