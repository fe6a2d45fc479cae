"""Editors preview a draft event at its public address; to everyone else it does not exist,
and no cache ever hands the preview (or its banner) to anyone else."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse
from markupsafe import escape

from tests.factories import build_timeline
from tracker import timeline_index
from tracker.models import Event, EventRelation

BANNER = "Draft — not public"
NOINDEX = '<meta name="robots" content="noindex">'
DRAFT = "/events/ai-working-group-first-meeting-2024/"


@pytest.fixture
def draft(seeded):
    """The working group's first meeting, taken back to a draft."""
    event = Event.objects.get(slug="ai-working-group-first-meeting-2024")
    event.published = False
    event.save()
    return event


@pytest.fixture
def reader(db):
    """Another browser than ``client`` (which ``editor_client`` logs in)."""
    return Client()


def staff_user(django_user_model, username, *permissions):
    user = django_user_model.objects.create_user(username, password="pw-staff-1", is_staff=True)
    user.user_permissions.set(
        Permission.objects.filter(content_type__app_label="tracker", codename__in=permissions)
    )
    return user


def cache_directives(response):
    return {d.strip() for d in response.get("Cache-Control", "").split(",") if d.strip()}


def test_an_editor_sees_a_draft_at_its_address_with_a_banner_and_noindex(editor_client, draft):
    response = editor_client.get(DRAFT)
    page = response.content.decode()
    assert response.status_code == 200
    assert response.context_data["event"] == draft
    assert f'<h1 id="record-title">{draft.title}</h1>' in page
    assert BANNER in page
    assert NOINDEX in page
    assert response["X-Robots-Tag"] == "noindex"
    assert f'href="{reverse("admin:tracker_event_change", args=[draft.pk])}"' in page
    assert "<title>Draft: " in page
    # The calendar entry is not previewed: its address is still "not found".
    assert reverse("tracker:event_ics", args=[draft.slug]) not in page


def test_a_staff_user_with_only_the_change_permission_sees_the_preview(
    client, django_user_model, draft
):
    client.force_login(staff_user(django_user_model, "desk", "change_event"))
    response = client.get(DRAFT)
    assert response.status_code == 200
    assert BANNER in response.content.decode()


@pytest.mark.parametrize(
    "who", ["anonymous", "a logged-in reader", "staff who may only view events", "inactive editor"]
)
def test_a_draft_is_not_found_for_anyone_else(client, django_user_model, draft, who):
    if who == "a logged-in reader":
        client.force_login(django_user_model.objects.create_user("reader", password="pw-r-1"))
    elif who == "staff who may only view events":
        client.force_login(staff_user(django_user_model, "viewer", "view_event", "change_person"))
    elif who == "inactive editor":
        user = staff_user(django_user_model, "gone", "change_event")
        client.force_login(user)
        user.is_active = False
        user.save()
    response = client.get(DRAFT)
    page = response.content.decode()
    assert response.status_code == 404
    assert "There is nothing to show at this address" in page
    assert BANNER not in page and draft.title not in page


def test_a_published_page_has_no_banner_nor_noindex_even_for_an_editor(
    reader, editor_client, seeded
):
    url = "/events/nget-dialogue-2023/"
    for browser in (reader, editor_client):
        response = browser.get(url)
        page = response.content.decode()
        assert response.status_code == 200
        assert BANNER not in page and NOINDEX not in page
        assert "X-Robots-Tag" not in response
        assert {"public", "max-age=60"} <= cache_directives(response)


def test_a_preview_is_private_and_never_served_to_the_next_reader(
    reader, editor_client, django_user_model, draft
):
    preview = editor_client.get(DRAFT)
    assert preview.status_code == 200
    assert {"private", "no-store"} <= cache_directives(preview)
    assert "public" not in cache_directives(preview)
    assert "Cookie" in preview["Vary"]  # whoever asks decides what they get

    # The same address, the same data version, straight after: still "not found" for others,
    # and that answer too says it depends on the cookie, so no cache gives it to the editor.
    not_found = reader.get(DRAFT)
    assert not_found.status_code == 404
    assert "Cookie" in not_found["Vary"]
    reader.force_login(django_user_model.objects.create_user("reader", password="pw-r-1"))
    assert reader.get(DRAFT).status_code == 404
    # And the editor gets a fresh preview, not a stored one.
    assert BANNER in editor_client.get(DRAFT).content.decode()


def test_a_cached_public_page_never_stands_in_for_a_preview_nor_carries_its_banner(
    reader, editor_client, seeded
):
    meeting = Event.objects.get(slug="ai-working-group-first-meeting-2024")
    public = reader.get(DRAFT)
    assert public.status_code == 200 and BANNER not in public.content.decode()

    # Unpublished: the cached public copy is not served, to the editor or to anyone.
    meeting.published = False
    meeting.save()
    preview = editor_client.get(DRAFT)
    assert preview.status_code == 200 and BANNER in preview.content.decode()
    assert reader.get(DRAFT).status_code == 404

    # Published again: everyone, the editor too, gets the public page, without the banner.
    meeting.published = True
    meeting.save()
    for browser in (reader, editor_client):
        response = browser.get(DRAFT)
        assert response.status_code == 200
        assert BANNER not in response.content.decode()


def test_a_preview_links_the_drafts_it_is_tied_to_and_the_public_pages_do_not(
    reader, editor_client, seeded
):
    summit = Event.objects.get(slug="ai-seoul-summit-2024")
    session = Event.objects.get(slug="ai-seoul-summit-2024-leaders-session")
    forum = Event.objects.get(slug="ai-global-forum-2024")
    for event in (summit, session):
        event.published = False
        event.save()
    EventRelation.objects.create(from_event=summit, kind="prepares", to_event=forum)
    draft_badge = '<span class="badge badge-draft">Draft</span>'

    preview = editor_client.get(summit.get_absolute_url())
    subs = [sub.slug for sub in preview.context_data["event"].sub_event_list]
    assert session.slug in subs and forum.slug in subs
    page = preview.content.decode()
    assert f"{escape(session.title)}</a> {draft_badge}" in page
    assert f'{escape(forum.title)}</a> <span class="muted">' in page

    # The draft session's own preview names its draft summit, marked as a draft.
    page = editor_client.get(session.get_absolute_url()).content.decode()
    assert f'part of <a href="{summit.get_absolute_url()}">' in page
    assert draft_badge in page

    # The published forum's page is the public one for everybody: no draft links at all (the
    # editor is even served the copy the reader's visit left in the page cache).
    public = reader.get(forum.get_absolute_url())
    assert public.context_data["parent_visible"] is None
    assert public.context_data["related"] == []
    assert summit.get_absolute_url() not in public.content.decode()
    assert editor_client.get(forum.get_absolute_url()).content == public.content


def test_view_on_site_in_the_admin_leads_an_editor_to_the_preview(editor_client, draft):
    change = editor_client.get(reverse("admin:tracker_event_change", args=[draft.pk]))
    link = re.search(r'<a href="([^"]+)" class="viewsitelink"', change.content.decode())
    assert link, "the change page links to the site"
    response = editor_client.get(link.group(1), follow=True)
    assert response.redirect_chain[-1][0].endswith(DRAFT)
    assert response.status_code == 200
    assert BANNER in response.content.decode()


@pytest.mark.parametrize("size", [5, 500])
def test_a_preview_costs_the_session_and_the_permission_check_on_top_of_the_page(
    client, django_user_model, django_assert_num_queries, size
):
    """The public page's 10 queries, and for the preview: the session and the user (2), the
    published lookup that missed (1) and, for staff other than superusers, their permissions
    (2). A reader asking for a draft pays the data version, the lookup and the look for a
    record merged under that slug (which would redirect)."""
    event = build_timeline(size)[3]
    event.published = False
    event.save()
    timeline_index.INDEX.current()
    url = event.get_absolute_url()

    with django_assert_num_queries(3):
        assert client.get(url).status_code == 404

    client.force_login(django_user_model.objects.create_superuser("chief", password="pw-c-1"))
    with django_assert_num_queries(13):
        assert client.get(url).status_code == 200

    client.force_login(staff_user(django_user_model, f"desk{size}", "change_event"))
    with django_assert_num_queries(15):
        assert client.get(url).status_code == 200
