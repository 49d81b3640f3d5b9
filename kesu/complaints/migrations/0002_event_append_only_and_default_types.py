from django.db import migrations

# The timeline is append-only (R-REC-7): the database itself refuses to change a row.
# PostgreSQL also refuses DELETE (TRUNCATE, used only to reset test databases, is a different
# statement); on SQLite a DELETE trigger would also block the test runner's flush, and complaints
# — whose events are PROTECTed — are never deleted by the application.
PG_SQL = """
CREATE OR REPLACE FUNCTION kesu_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'timeline events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER complaints_event_no_update BEFORE UPDATE OR DELETE ON complaints_event
    FOR EACH ROW EXECUTE FUNCTION kesu_event_append_only();
"""
PG_REVERSE = """
DROP TRIGGER IF EXISTS complaints_event_no_update ON complaints_event;
DROP FUNCTION IF EXISTS kesu_event_append_only();
"""
SQLITE_SQL = """
CREATE TRIGGER complaints_event_no_update BEFORE UPDATE ON complaints_event
BEGIN
    SELECT RAISE(ABORT, 'timeline events are append-only');
END;
"""
SQLITE_REVERSE = "DROP TRIGGER IF EXISTS complaints_event_no_update;"

DEFAULT_TYPES = [
    # code, 中文, English
    ("quality", "产品质量", "Product quality"),
    ("service", "服务体验", "Service experience"),
    ("after_sales", "售后响应", "After-sales response"),
    ("delivery", "订单/交付", "Order & delivery"),
    ("price", "费用/价格", "Fee & price"),
    ("other", "其他", "Other"),
]


def add_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_SQL)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_SQL)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_REVERSE)
    elif vendor == "sqlite":
        schema_editor.execute(SQLITE_REVERSE)


def add_default_types(apps, schema_editor):
    Category = apps.get_model("complaints", "Category")
    for order, (code, name, name_en) in enumerate(DEFAULT_TYPES):
        Category.objects.get_or_create(code=code, defaults={"name": name, "name_en": name_en, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]

    operations = [
        migrations.RunPython(add_triggers, drop_triggers),
        migrations.RunPython(add_default_types, migrations.RunPython.noop),
    ]
