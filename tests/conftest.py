import os

import pytest
from django.core.cache import cache

from tests import factories


def pytest_configure(config):
    # Production settings (DEBUG off), less what needs TLS or collectstatic: the test client
    # and the live server speak plain HTTP, and static files are served uncollected.
    from django.conf import settings

    # `make test` exports a test key; this lets a bare `pytest` run as well.
    settings.SECRET_KEY = os.environ.get("SECRET_KEY") or "test-only-not-a-secret"
    settings.SECURE_SSL_REDIRECT = False
    settings.SECURE_HSTS_SECONDS = 0
    settings.RATE_LIMIT = "off"  # tests/test_rate_limit.py sets its own
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _fresh_cache():
    from tracker import timeline_index

    cache.clear()  # every test renders and counts for itself
    # Each test's data is rolled back after it: the worker's columns start afresh too.
    timeline_index.INDEX.forget()


@pytest.fixture
def event_factory(db):
    return factories.EventFactory


@pytest.fixture
def organization_factory(db):
    return factories.OrganizationFactory


@pytest.fixture
def person_factory(db):
    return factories.PersonFactory


@pytest.fixture
def role_factory(db):
    return factories.RoleFactory


@pytest.fixture
def source_factory(db):
    return factories.SourceFactory


@pytest.fixture
def topic_factory(db):
    return factories.TopicFactory


@pytest.fixture
def participation_factory(db):
    return factories.ParticipationFactory


@pytest.fixture
def citation_factory(db):
    return factories.CitationFactory


@pytest.fixture
def seeded(db):
    from tracker.seed.loader import load_seed

    return load_seed()


@pytest.fixture
def editor(db, django_user_model):
    return django_user_model.objects.create_superuser("editor", "editor@example.org", "pw-editor-1")


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
