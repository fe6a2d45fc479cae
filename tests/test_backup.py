"""Backups, restores and the portable export: drills that put the data back and compare."""

import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import reversion
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from reversion.models import Revision, Version

from tests.factories import build_timeline
from tracker.history import snapshot
from tracker.models import DataVersion, Event
from tracker.seed.loader import load_seed

ROOT = Path(__file__).resolve().parent.parent

# The portable export, exactly as the README gives it.
# XML, because Django's JSON cuts times to the millisecond (its XML keeps the microseconds).
EXPORT = ["--format", "xml", "--natural-foreign"]
EXPORT += ["-e", "contenttypes", "-e", "auth.permission", "-e", "sessions"]


@pytest.fixture
def history_db(transactional_db, client, django_user_model):
    """The seed, 40 generated events, every event with versions (one made in a revision as
    the admin makes them, an edit, and a snapshot), an editor logged in (a session)."""
    load_seed()
    build_timeline(40)
    editor = django_user_model.objects.create_superuser("editor", "e@example.org", "pw-ed-1")
    client.force_login(editor)
    with reversion.create_revision():
        reversion.set_user(editor)
        reversion.set_comment("Checked the dates")
        for event in Event.objects.order_by("pk")[:10]:
            event.summary += " (checked)"
            event.save()
    snapshot(Event.objects.all(), user=editor, comment="Before the drill")
    assert Version.objects.count() > Event.objects.count() > 40
    return editor


def run_manage(*args, database_url):
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "backup-test"}
    finished = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert finished.returncode == 0, finished.stderr[-3000:]
    return finished.stdout


# Every table, compared row by row: a count and a checksum of its rows.


def table_names(cursor, vendor):
    if vendor == "postgresql":
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    else:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    return sorted(row[0] for row in cursor.fetchall())


def fingerprints(cursor, vendor):
    """{table: (rows, checksum of its rows in any order)} for every table of a database."""
    found = {}
    for table in table_names(cursor, vendor):
        if vendor == "postgresql":
            cursor.execute(
                f"SELECT count(*), md5(coalesce(string_agg(md5(t::text), ',' "
                f'ORDER BY md5(t::text)), \'\')) FROM "{table}" AS t'
            )
            found[table] = tuple(cursor.fetchone())
        else:
            cursor.execute(f'SELECT * FROM "{table}"')
            rows = sorted(repr(tuple(row)) for row in cursor.fetchall())
            found[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return found


def differences(before, after):
    return {
        table: (before.get(table), after.get(table))
        for table in before.keys() | after.keys()
        if before.get(table) != after.get(table)
    }


def live_fingerprints():
    with connection.cursor() as cursor:
        return fingerprints(cursor, connection.vendor)


@pytest.fixture
def fresh_database(tmp_path):
    """The URL of an empty database of the kind the tests run on, and a way to read it."""
    if connection.vendor == "sqlite":
        path = tmp_path / "fresh.sqlite3"

        def read():
            # The same converters as Django's connection, so values compare as they read.
            with sqlite3.connect(path, detect_types=sqlite3.PARSE_DECLTYPES) as fresh:
                return fingerprints(fresh.cursor(), "sqlite")

        yield f"sqlite:///{path}", read
        return
    import psycopg2

    settings = connection.settings_dict
    name = f"{settings['NAME']}_fresh_{uuid.uuid4().hex[:8]}"
    server = {
        key: value
        for key, value in {
            "host": settings["HOST"],
            "port": settings["PORT"],
            "user": settings["USER"],
            "password": settings["PASSWORD"],
        }.items()
        if value
    }
    admin = psycopg2.connect(dbname="postgres", **server)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')

    def read():
        fresh = psycopg2.connect(dbname=name, **server)
        try:
            return fingerprints(fresh.cursor(), "postgresql")
        finally:
            fresh.close()

    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    url = (
        f"postgres://{settings['USER']}{password}@{settings['HOST'] or '127.0.0.1'}"
        f":{settings['PORT'] or 5432}/{name}"
    )
    try:
        yield url, read
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def backup_tools():
    if connection.vendor == "postgresql":
        missing = [tool for tool in ("pg_dump", "pg_restore") if not shutil.which(tool)]
        if missing:
            pytest.skip(f"{' and '.join(missing)} not on PATH")


def test_a_backup_restored_into_a_fresh_database_has_every_row_of_every_table(
    history_db, tmp_path, fresh_database, backup_tools
):
    url, read_fresh = fresh_database
    file = tmp_path / "tracker.backup"
    call_command("backup_database", output=str(file))
    assert file.stat().st_mode & 0o777 == 0o600  # password hashes inside: the owner's only

    run_manage("restore_database", str(file), "--noinput", database_url=url)

    before, after = live_fingerprints(), read_fresh()
    assert differences(before, after) == {}
    assert before["reversion_version"][0] == Version.objects.count()
    assert before["django_session"][0] == 1


def test_a_backup_can_leave_the_sessions_out(history_db, tmp_path, fresh_database, backup_tools):
    url, read_fresh = fresh_database
    file = tmp_path / "tracker.backup"
    call_command("backup_database", output=str(file), without_sessions=True)
    run_manage("restore_database", str(file), "--noinput", database_url=url)

    before, after = live_fingerprints(), read_fresh()
    assert differences(before, after).keys() == {"django_session"}
    assert after["django_session"][0] == 0


def test_a_restore_over_a_database_in_use_leaves_no_cached_page_current(
    history_db, tmp_path, backup_tools
):
    file = tmp_path / "tracker.backup"
    call_command("backup_database", output=str(file))
    Event.objects.filter(slug="bulk-event-0").delete()  # an edit after the backup
    latest = DataVersion.current()

    call_command("restore_database", str(file), interactive=False)

    assert Event.objects.filter(slug="bulk-event-0").exists()
    assert DataVersion.current() == latest + 1  # past every version a page was cached under


def test_a_restore_refuses_a_backup_of_the_other_kind_of_database(db, tmp_path):
    file = tmp_path / "other.backup"
    if connection.vendor == "postgresql":
        sqlite3.connect(file).execute("CREATE TABLE t (x)").connection.commit()
        expected = "is not a backup of a postgresql database: it is a SQLite backup"
    else:
        file.write_bytes(b"PGDMP\x01\x0e\x00")
        expected = "is not a backup of a sqlite database: it is a PostgreSQL (pg_dump) backup"
    with pytest.raises(CommandError, match=re.escape(expected)):
        call_command("restore_database", str(file), interactive=False)


# The portable export: dumpdata, then loaddata into an emptied database.


def portable_rows():
    """{table: sorted rows} of every table the export carries, with references to content
    types and permissions given by name (a fresh database numbers those itself)."""
    by_name = {ContentType: ["app_label", "model"], Permission: ["codename", "content_type"]}
    found = {}
    for model in apps.get_models(include_auto_created=True):
        if model in by_name or model._meta.label in {"sessions.Session"}:
            continue
        columns = []
        for field in model._meta.concrete_fields:
            if model._meta.auto_created and field.primary_key:
                continue  # a many-to-many link's own id: nothing refers to it, loading renews it
            target = field.related_model if field.is_relation else None
            if target is ContentType:
                columns += [f"{field.name}__app_label", f"{field.name}__model"]
            elif target is Permission:
                columns += [f"{field.name}__codename", f"{field.name}__content_type__model"]
            else:
                columns.append(field.attname)
        rows = sorted(map(repr, model._default_manager.values_list(*columns)))
        found[model._meta.db_table] = rows
    return found


def test_the_portable_export_loads_into_an_empty_database_with_nothing_lost_or_added(
    history_db, tmp_path
):
    file = tmp_path / "tracker.xml"
    call_command("dumpdata", *EXPORT, "--output", str(file))
    before = portable_rows()
    revisions, versions = Revision.objects.count(), Version.objects.count()

    call_command("flush", interactive=False)  # empty, as `migrate` leaves a new database
    assert Event.objects.count() == Version.objects.count() == 0
    call_command("loaddata", str(file), verbosity=0)

    after = portable_rows()
    assert {table for table in before if before[table] != after[table]} == set()
    # Loading wrote no history of its own, and did not count as an edit.
    assert (Revision.objects.count(), Version.objects.count()) == (revisions, versions)
    assert sum(map(len, before.values())) > versions > 0
