"""The full-text index of complaints: search_text rewritten as the token document, then indexed by the
database (SQLite FTS5 with triggers, PostgreSQL GIN). Reversible: going back restores the lower-cased
text the LIKE search read."""

from django.db import migrations

from kesu.search.backends import database
from kesu.search.documents import complaint_fields, recompute_search_text


def _old_text(c) -> str:
    # The lower-cased concatenation search_text held before 0001 (without legacy_no, as it was).
    fields = complaint_fields(c, phone=False)
    return "\n".join(p for i, p in enumerate(fields) if p and i != 1).lower()


def forwards(apps, schema_editor):
    Complaint = apps.get_model("complaints", "Complaint")
    alias = schema_editor.connection.alias
    recompute_search_text(Complaint, using=alias)
    database.install(schema_editor.connection)
    database.rebuild_index(schema_editor.connection)


def backwards(apps, schema_editor):
    Complaint = apps.get_model("complaints", "Complaint")
    database.uninstall(schema_editor.connection)
    recompute_search_text(Complaint, using=schema_editor.connection.alias, build=_old_text)


class Migration(migrations.Migration):
    dependencies = [("complaints", "0007_complaint_legacy_no")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
