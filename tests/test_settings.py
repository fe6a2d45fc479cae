"""Production settings come from the environment and are safe by default."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(*args, **env):
    clean_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean_env, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="a-long-random-production-secret-" + "x7Qp2" * 10,
        ALLOWED_HOSTS="tracker.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def run_python(code, **env):
    clean_env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY"}}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean_env, "DJANGO_SETTINGS_MODULE": "tracker.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_server_refuses_to_start_without_a_secret_key_when_debug_is_off():
    result = run_python("import tracker.wsgi")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr
    assert run_python("import tracker.wsgi", SECRET_KEY="k" * 60).returncode == 0


def test_nothing_signs_with_an_empty_key():
    code = "import django; django.setup(); from django.core import signing; signing.dumps(1)"
    result = run_python(code)
    assert result.returncode != 0
    assert "SECRET_KEY setting must not be empty" in result.stderr


def test_migration_checks_run_without_a_key():
    result = manage("makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr


def test_debug_is_off_unless_set():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        SECRET_KEY="x" * 60,
    )
    assert result.stdout.strip().splitlines()[-1] == "False"
