"""The case access log refuses updates in the database itself (SQLite and PostgreSQL), not
only in the ORM: a row, once written, stays as it was. Deletes are refused by the model and
its queryset (the test database's flush still empties the table between tests)."""

from django.db import migrations

SQLITE = """
CREATE TRIGGER rights_accesslog_no_update BEFORE UPDATE ON rights_accesslog
BEGIN SELECT RAISE(ABORT, 'The case access log is append-only.'); END;
"""
POSTGRES = """
CREATE OR REPLACE FUNCTION rights_accesslog_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'The case access log is append-only.'; END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER rights_accesslog_no_update BEFORE UPDATE ON rights_accesslog
FOR EACH ROW EXECUTE FUNCTION rights_accesslog_append_only();
"""


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE)
    elif vendor == "postgresql":
        schema_editor.execute(POSTGRES)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    schema_editor.execute(
        "DROP TRIGGER IF EXISTS rights_accesslog_no_update ON rights_accesslog"
        if schema_editor.connection.vendor == "postgresql"
        else "DROP TRIGGER IF EXISTS rights_accesslog_no_update"
    )


class Migration(migrations.Migration):
    dependencies = [("rights", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
