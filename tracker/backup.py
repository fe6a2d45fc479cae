"""Backups of the whole database, and putting one back (``manage.py backup_database`` and
``restore_database``; ``make backup`` and ``make restore``).

PostgreSQL: ``pg_dump`` in its custom format (compressed; ``pg_restore`` reads it), taken in
one transaction while the site runs. SQLite: the SQLite online backup API, a consistent copy
of the database file taken while the site runs. Either way a backup holds every table: the
records, their history (django-reversion's revisions and versions), the editors' accounts
with their password hashes, API tokens and, unless left out, the sessions of those logged
in. Backups are written readable by their owner only.
"""

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.core.management.base import CommandError
from django.db import connections

SESSION_TABLE = "django_session"
PG_MAGIC, SQLITE_MAGIC = b"PGDMP", b"SQLite format 3\x00"


def vendor_of(alias):
    vendor = connections[alias].vendor
    if vendor not in ("postgresql", "sqlite"):
        raise CommandError(f"Backups are made of PostgreSQL and SQLite databases, not {vendor}.")
    return vendor


def suffix_for(vendor):
    return ".dump" if vendor == "postgresql" else ".sqlite3"


def _pg_command(program, alias):
    if not shutil.which(program):
        raise CommandError(f"{program} is not installed (Debian: postgresql-client).")
    settings = connections[alias].settings_dict
    command = [program, "--dbname", settings["NAME"]]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            command += [option, str(settings[key])]
    env = {**os.environ}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = settings["PASSWORD"]
    return command, env


def _private_file(path):
    """Create (or empty) ``path`` readable and writable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    path.chmod(0o600)


def back_up(path, *, alias="default", sessions=True):
    path = Path(path)
    vendor = vendor_of(alias)
    _private_file(path)
    if vendor == "postgresql":
        command, env = _pg_command("pg_dump", alias)
        command += ["--format=custom", "--file", str(path)]
        if not sessions:
            command.append(f"--exclude-table-data={SESSION_TABLE}")
        _run(command, env)
        return
    connection = connections[alias]
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
        if not sessions:
            target.execute("PRAGMA secure_delete = ON")  # deleted rows are overwritten
            target.execute(f'DELETE FROM "{SESSION_TABLE}"')
            target.commit()
    finally:
        target.close()


def restore(path, *, alias="default"):
    path = Path(path)
    vendor = vendor_of(alias)
    with open(path, "rb") as handle:
        start = handle.read(16)
    expected = PG_MAGIC if vendor == "postgresql" else SQLITE_MAGIC
    if not start.startswith(expected):
        made_by = {PG_MAGIC: "PostgreSQL (pg_dump)", SQLITE_MAGIC: "SQLite"}
        kind = next((name for magic, name in made_by.items() if start.startswith(magic)), None)
        raise CommandError(
            f"{path} is not a backup of a {vendor} database"
            + (f": it is a {kind} backup." if kind else ".")
        )
    if vendor == "postgresql":
        command, env = _pg_command("pg_restore", alias)
        command += [
            "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
            "--exit-on-error", str(path),
        ]  # fmt: skip
        connections[alias].close()
        _run(command, env)
        return
    connection = connections[alias]
    connection.ensure_connection()
    source = sqlite3.connect(path)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def _run(command, env):
    finished = subprocess.run(command, env=env, capture_output=True, text=True)
    if finished.returncode:
        raise CommandError(f"{command[0]} failed: {finished.stderr.strip()[-2000:]}")
