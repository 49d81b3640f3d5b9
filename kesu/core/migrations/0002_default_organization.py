from django.db import migrations


def add_org(apps, schema_editor):
    Organization = apps.get_model("core", "Organization")
    if not Organization.objects.exists():
        Organization.objects.create(name="本公司", short_name="", time_zone="Asia/Shanghai", complaint_prefix="KS")


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(add_org, migrations.RunPython.noop)]
