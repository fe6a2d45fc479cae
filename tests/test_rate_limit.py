"""Anonymous clients that have too many pages computed get 429 with Retry-After; pages the
page cache holds are still served to them; staff are never limited."""

import pytest

from tracker.ratelimit import parse_rate


@pytest.fixture
def limit(settings):
    # An hour's window: a minute's could roll over in the middle of a test.
    settings.RATE_LIMIT = "3/h"


@pytest.fixture
def events(event_factory, source_factory, citation_factory):
    made = []
    for n in range(5):
        event = event_factory(title=f"Meeting {n}", published=False)
        citation_factory(event=event, source=source_factory())
        event.published = True
        event.save()
        made.append(event)
    return made


def get(client, url, address="203.0.113.7", **headers):
    return client.get(url, REMOTE_ADDR=address, **headers)


def test_rates_are_read_as_requests_per_unit_of_time():
    assert parse_rate("120/m") == (120, 60)
    assert parse_rate("2000/hour") == (2000, 3600)
    assert parse_rate("5/s") == (5, 1)
    assert parse_rate("off") is None and parse_rate("") is None


@pytest.mark.django_db
def test_the_fourth_computed_page_in_the_window_is_refused_with_retry_after(client, limit, events):
    for event in events[:3]:
        assert get(client, event.get_absolute_url()).status_code == 200
    refused = get(client, events[3].get_absolute_url())
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    assert refused["Cache-Control"] == "no-store"
    page = refused.content.decode()
    assert "Too many requests" in page and "try again" in page
    # Refused, it was not computed, nor kept in the page cache for others.
    assert get(client, events[3].get_absolute_url(), address="198.51.100.1").status_code == 200


@pytest.mark.django_db
def test_a_page_from_the_page_cache_is_still_served_to_a_limited_client(client, limit, events):
    url = events[0].get_absolute_url()
    assert get(client, url, address="198.51.100.1").status_code == 200  # someone else's visit
    for event in events[1:4]:
        get(client, event.get_absolute_url())
    assert get(client, events[4].get_absolute_url()).status_code == 429
    cached = get(client, url)
    assert cached.status_code == 200
    assert "Meeting 0" in cached.content.decode()


@pytest.mark.django_db
def test_the_timeline_and_the_csv_count_too(client, limit, events):
    for n in range(3):
        assert get(client, f"/?q=meeting{n}").status_code == 200
    assert get(client, "/?q=other").status_code == 429
    assert get(client, "/events.csv").status_code == 429


@pytest.mark.django_db
def test_other_clients_are_not_limited_by_one(client, limit, events):
    for event in events[:4]:
        get(client, event.get_absolute_url())
    assert get(client, events[4].get_absolute_url(), address="198.51.100.1").status_code == 200


@pytest.mark.django_db
def test_staff_are_never_limited(client, limit, events, django_user_model):
    client.force_login(django_user_model.objects.create_user("ed", is_staff=True))
    for event in events:
        assert get(client, event.get_absolute_url()).status_code == 200
    assert get(client, "/?q=x").status_code == 200


@pytest.mark.django_db
def test_behind_a_proxy_the_forwarded_address_is_counted(client, limit, events, settings):
    settings.TRUSTED_PROXIES = 1
    proxy = "10.0.0.2"
    for event in events[:3]:
        get(client, event.get_absolute_url(), address=proxy, HTTP_X_FORWARDED_FOR="192.0.2.1")
    refused = get(client, "/?q=x", address=proxy, HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert refused.status_code == 429
    # Another client through the same proxy, and one claiming the first's address in vain.
    other = get(client, "/?q=x", address=proxy, HTTP_X_FORWARDED_FOR="192.0.2.1, 192.0.2.2")
    assert other.status_code == 200


@pytest.mark.django_db
def test_without_a_trusted_proxy_a_forwarded_address_changes_nothing(client, limit, events):
    for n, event in enumerate(events[:3]):
        get(client, event.get_absolute_url(), HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert get(client, "/?q=x", HTTP_X_FORWARDED_FOR="192.0.2.9").status_code == 429


@pytest.mark.django_db
def test_off_by_default_in_the_tests(client, events):
    for _ in range(3):
        for event in events:
            assert get(client, f"{event.get_absolute_url()}?n={_}").status_code == 200


@pytest.mark.parametrize(
    ("env", "expected"),
    [({}, "0 0 120/m"), ({"BEHIND_TLS_PROXY": "1"}, "1 1 120/m"),
     ({"BEHIND_TLS_PROXY": "1", "TRUSTED_PROXIES": "2", "RATE_LIMIT": "off"}, "2 2 off")],
)
def test_a_forwarded_address_is_trusted_only_behind_a_configured_proxy(env, expected):
    from tests.test_settings import manage

    code = (
        "from django.conf import settings as s; "
        "print(s.TRUSTED_PROXIES, s.REST_FRAMEWORK['NUM_PROXIES'], s.RATE_LIMIT)"
    )
    result = manage("shell", "-c", code, SECRET_KEY="x" * 60, **env)
    assert result.stdout.strip().splitlines()[-1] == expected, result.stderr
