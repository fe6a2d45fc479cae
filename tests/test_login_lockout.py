"""The admin's login: failed logins lock one user name from one address out for a while,
with a page that says so; logins are logged; passwords are long; a login lands in the admin."""

import datetime
import logging

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

LOGIN = "/admin/login/?next=/admin/"
PASSWORD = "a-long-editor-password"


@pytest.fixture(autouse=True)
def _quick_hashing(settings):
    # Logins here check many passwords; the production hasher takes a fifth of a second each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff(django_user_model):
    return django_user_model.objects.create_user(
        "ada", "ada@example.org", PASSWORD, is_staff=True, is_superuser=True
    )


def log_in(client, password, username="ada", address="203.0.113.7", **headers):
    return client.post(
        LOGIN,
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def fail(client, times, **kwargs):
    for _ in range(times):
        response = log_in(client, "wrong password", **kwargs)
    return response


@pytest.mark.django_db
def test_the_right_password_logs_in_and_lands_in_the_admin(client, staff):
    response = log_in(client, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_four_failures_still_let_the_right_password_in(client, staff):
    assert fail(client, 4).status_code == 200  # the login form again, with its error
    assert log_in(client, PASSWORD).status_code == 302


@pytest.mark.django_db
def test_the_sixth_try_is_refused_even_with_the_right_password(client, staff):
    fifth = fail(client, 5)
    assert fifth.status_code == 429  # the fifth failure already says so

    sixth = log_in(client, PASSWORD)
    assert sixth.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302  # still to the login page
    page = sixth.content.decode()
    assert "There were 5 failed logins as <strong>ada</strong> from your address" in page
    assert "about 15 minutes from now" in page
    assert "even with the right password" in page
    assert 14 * 60 < int(sixth["Retry-After"]) <= 15 * 60
    assert sixth["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_the_right_password_works_again_after_the_cool_off(client, staff):
    fail(client, 5)
    assert log_in(client, PASSWORD).status_code == 429
    # Sixteen minutes pass: the attempts are that old.
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16)
    )
    assert log_in(client, PASSWORD).status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_trying_again_while_locked_out_does_not_prolong_the_wait(client, staff):
    fail(client, 5)
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=14)
    )
    assert fail(client, 3).status_code == 429
    assert int(log_in(client, PASSWORD)["Retry-After"]) <= 60


@pytest.mark.django_db
def test_the_cool_off_comes_from_the_settings(client, staff, settings):
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=2)
    response = fail(client, 5)
    assert "about 2 minutes from now" in response.content.decode()
    assert int(response["Retry-After"]) <= 120


@pytest.mark.django_db
def test_a_lockout_holds_one_user_name_from_one_address_only(client, staff, django_user_model):
    django_user_model.objects.create_user("grace", password=PASSWORD, is_staff=True)
    fail(client, 5)
    # The same user from another address, another user from the same address: let in.
    assert log_in(client, PASSWORD, address="198.51.100.9").status_code == 302
    client.logout()
    assert log_in(client, PASSWORD, username="grace").status_code == 302


@pytest.mark.django_db
def test_a_forwarded_address_counts_only_behind_a_configured_proxy(client, staff, settings):
    # Directly on the internet, X-Forwarded-For is the client's own say: rotating it does
    # not get round the lockout.
    settings.TRUSTED_PROXIES = 0
    for n in range(5):
        log_in(client, "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    assert log_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.99").status_code == 429

    # Behind one proxy (REMOTE_ADDR is the proxy), the address the proxy appended counts,
    # and what the client wrote before it does not.
    AccessAttempt.objects.all().delete()
    settings.TRUSTED_PROXIES = 1
    proxy = {"address": "10.0.0.2"}
    for n in range(5):
        log_in(client, "wrong", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, 198.51.100.1", **proxy)
    refused = log_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.1", **proxy)
    assert refused.status_code == 429
    other_client = log_in(client, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.2", **proxy)
    assert other_client.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.1"}


@pytest.mark.django_db
def test_failed_and_successful_logins_are_logged(client, staff, caplog):
    with caplog.at_level(logging.INFO, logger="axes"):
        log_in(client, "wrong password")
        log_in(client, PASSWORD)
    messages = [record.getMessage() for record in caplog.records if record.name.startswith("axes")]
    failure = [m for m in messages if "New login failure" in m]
    success = [m for m in messages if "Successful login" in m]
    assert failure and "ada" in failure[0] and "203.0.113.7" in failure[0]
    assert success and "ada" in success[0] and "203.0.113.7" in success[0]
    assert not any("wrong password" in message for message in messages)


def test_logins_are_logged_at_info_level_whatever_the_root_level():
    from django.conf import settings

    assert settings.LOGGING["loggers"]["axes"]["level"] == "INFO"
    assert logging.getLogger("axes.handlers.database").isEnabledFor(logging.INFO)


@pytest.mark.django_db
def test_the_api_token_still_authenticates_after_a_lockout(client, staff):
    from rest_framework.authtoken.models import Token

    fail(client, 5)
    token = Token.objects.create(user=staff)
    response = client.get("/api/v1/events/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    response = client.post(
        "/api/v1/topics/",
        {"slug": "compute", "name": "Compute governance"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token.key}",
    )
    assert response.status_code == 201, response.content


# Passwords --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_password_needs_twelve_characters_and_must_not_be_common_or_numeric(staff):
    with pytest.raises(ValidationError, match="at least 12 characters"):
        validate_password("Xq7!pLm2#rT", staff)  # eleven
    with pytest.raises(ValidationError, match="too common"):
        validate_password("password1234", staff)
    with pytest.raises(ValidationError, match="entirely numeric"):
        validate_password("804175926351", staff)
    validate_password("Xq7!pLm2#rTz", staff)  # twelve, none of the above


@pytest.mark.django_db
def test_the_admin_refuses_a_short_password_when_adding_a_user(editor_client, django_user_model):
    response = editor_client.post(
        "/admin/auth/user/add/",
        {"username": "newcomer", "password1": "short-pw-1", "password2": "short-pw-1",
         "usable_password": "true"},
    )
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    assert not django_user_model.objects.filter(username="newcomer").exists()


@pytest.mark.django_db
def test_the_local_admin_is_still_admin_admin_with_debug_on(settings, django_user_model):
    settings.DEBUG = True
    call_command("ensure_local_admin")
    assert django_user_model.objects.get(username="admin").check_password("admin")


@pytest.mark.django_db
def test_the_local_admin_is_refused_with_debug_off(settings, django_user_model):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("ensure_local_admin")
    assert not django_user_model.objects.exists()


# Where a login lands ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "next_url", ["https://evil.example/", "//evil.example/admin/", "javascript:alert(1)", ""]
)
def test_a_refused_next_lands_on_the_admin_not_a_profile_page(client, staff, next_url):
    response = client.post(
        f"/admin/login/?next={next_url}",
        {"username": "ada", "password": PASSWORD, "next": next_url},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
