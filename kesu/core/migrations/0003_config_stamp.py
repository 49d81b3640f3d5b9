"""The configuration stamp (kesu.core.config): its one row, and the triggers that change its token."""

from django.db import migrations, models

# As they are at this migration (kesu.core.config.WATCHED may grow: a later migration installs the new ones).
TABLES = (
    "rules_playbook",
    "rules_ruleset",
    "rules_rule",
    "complaints_category",
    "complaints_category_collaborating_departments",
    "accounts_department",
    "sla_clockdefinition",
    "sla_businesscalendar",
    "sla_calendarday",
    "sla_calendaryear",
    "core_organization",
    "triage_triagemodel",
)


def install(apps, schema_editor):
    from kesu.core.config import install_triggers

    apps.get_model("core", "ConfigStamp").objects.update_or_create(pk=1, defaults={"token": 1})
    install_triggers(schema_editor, TABLES)


def uninstall(apps, schema_editor):
    from kesu.core.config import drop_triggers

    drop_triggers(schema_editor, TABLES)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_default_organization"),
        ("accounts", "0001_initial"),
        ("complaints", "0009_complaint_closed_at_index"),
        ("rules", "0001_initial"),
        ("sla", "0002_default_calendar"),
        ("triage", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="ConfigStamp",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("token", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(install, uninstall),
    ]
