from django.db import migrations


def forwards(apps, schema_editor):
    # Complaints imported from old records were indexed without their customer's phone: write the documents
    # again (only those that change are written).
    from kesu.search.documents import recompute_search_text

    recompute_search_text(apps.get_model("complaints", "Complaint"), using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_customer_phone_tokens")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
