from django.db import migrations


def forwards(apps, schema_editor):
    # The document now holds the customer's phone as its last four digits and a keyed hash
    # (kesu.search.phone): rewrite the documents of the complaints recorded before.
    from kesu.search.documents import recompute_search_text

    recompute_search_text(apps.get_model("complaints", "Complaint"), using=schema_editor.connection.alias)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_token_statistics")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False)]
