"""The admin's "Import events": the importer's report as a preview, then a confirmation."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from reversion.models import Version

from tracker.models import Event

URL = "/admin/tracker/event/import/"
GOOD = (
    b"slug,title,type,status,start,sources\n"
    b"imported-meeting,An imported meeting,dialogue,held,2023-12,"
    b"https://cm.asiae.co.kr/en/article/2023120914064038510\n"
)
BAD = GOOD + b"broken-meeting,A broken one,dialogue,held,2023-13,\n"


def upload(client, content, **options):
    data = {"file": SimpleUploadedFile("meetings.csv", content, content_type="text/csv")}
    data.update({key: "on" for key, on in options.items() if on})
    return client.post(URL, data)


def token_of(response):
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


def test_the_event_list_offers_import_to_editors(editor_client, seeded):
    page = editor_client.get("/admin/tracker/event/")
    assert f'href="{URL}"' in page.content.decode()


def test_a_preview_lists_what_would_change_and_writes_nothing(editor_client, seeded):
    response = upload(editor_client, GOOD)
    text = response.content.decode()
    assert "Would be created: 1" in text and "imported-meeting" in text
    assert "Confirm the import" in text
    assert not Event.objects.filter(slug="imported-meeting").exists()


def test_confirming_imports_exactly_what_was_previewed(editor_client, editor, seeded):
    token = token_of(upload(editor_client, GOOD))
    response = editor_client.post(URL, {"token": token})
    assert response.status_code == 302
    event = Event.objects.get(slug="imported-meeting")
    assert event.date_display == "December 2023"
    assert Version.objects.get_for_object(event).get().revision.user == editor


def test_a_file_with_problems_shows_them_by_line_and_cannot_be_confirmed(editor_client, seeded):
    response = upload(editor_client, BAD)
    text = response.content.decode()
    assert "line 3" in text and "2023-13" in text and "is not a date" in text
    assert "Confirm the import" not in text
    # Unless the editor chooses to leave the broken rows out.
    response = upload(editor_client, BAD, skip_invalid=True)
    assert "Confirm the import" in response.content.decode()
    editor_client.post(URL, {"token": token_of(response)})
    assert Event.objects.filter(slug="imported-meeting").exists()
    assert not Event.objects.filter(slug="broken-meeting").exists()


def test_a_tampered_token_is_refused(editor_client, seeded):
    token = token_of(upload(editor_client, GOOD))
    response = editor_client.post(URL, {"token": token[:-2] + "xx"})
    assert "cannot be confirmed" in response.content.decode()
    assert not Event.objects.filter(slug="imported-meeting").exists()


@pytest.mark.parametrize("perms", [[], ["add_event"], ["view_event", "change_event"]])
def test_staff_without_add_and_change_permission_cannot_import(client, django_user_model, perms):
    user = django_user_model.objects.create_user("clerk", password="pw-clerk-12345", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=[*perms, "view_event"]))
    client.force_login(user)
    assert client.get(URL).status_code == 403
    assert upload(client, GOOD).status_code == 403
    assert f'href="{URL}"' not in client.get("/admin/tracker/event/").content.decode()


def test_an_editor_with_add_and_change_permission_can_import(client, django_user_model, seeded):
    user = django_user_model.objects.create_user("desk", password="pw-desk-123456", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(codename__in=["add_event", "change_event", "view_event"])
    )
    client.force_login(user)
    assert client.get(URL).status_code == 200
    client.post(URL, {"token": token_of(upload(client, GOOD))})
    assert Event.objects.filter(slug="imported-meeting").exists()


def test_anonymous_users_are_sent_to_the_login_page(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
