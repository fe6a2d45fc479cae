"""Slugs made from names: one rule (tracker/slugs.py) for the server and the admin's script."""

import unicodedata

import pytest
from django.urls import reverse

from tests import factories
from tracker.models import Event, Organization, Topic
from tracker.slugs import slug_for

# (name, slug): shared with the browser test, which runs them through the admin's script.
CASES = [
    ("Korea–U.S. AI dialogue", "korea-us-ai-dialogue"),
    ("Korea—U.S. AI dialogue", "korea-us-ai-dialogue"),  # an em dash
    ("Korea-U.S. AI dialogue", "korea-us-ai-dialogue"),
    ("Korea − Japan", "korea-japan"),  # a minus sign
    ("U.K.–Korea AI safety talks", "uk-korea-ai-safety-talks"),
    ("AI.gov launch", "ai-gov-launch"),
    ("The 1.5 °C pathway", "the-1-5-c-pathway"),
    ("President Yoon's state visit", "president-yoons-state-visit"),
    (
        "Next Generation Critical & Emerging Technologies",
        "next-generation-critical-emerging-technologies",
    ),
    ("Łódź AI forum", "lodz-ai-forum"),
    ("Sommet pour l'action sur l'IA (Paris)", "sommet-pour-laction-sur-lia-paris"),
    ("  – AI Seoul Summit –  ", "ai-seoul-summit"),
    ("윤석열", ""),
]


@pytest.mark.parametrize(("name", "slug"), CASES)
def test_slug_for_parts_words_at_dashes_and_inner_dots_but_keeps_initialisms_whole(name, slug):
    assert slug_for(name) == slug


def test_every_dash_unicode_knows_parts_words():
    dashes = [chr(c) for c in range(0x10000) if unicodedata.category(chr(c)) == "Pd"]
    for dash in dashes:
        assert slug_for(f"Korea{dash}Japan") == "korea-japan", hex(ord(dash))


def test_slug_for_is_cut_to_the_field_and_never_ends_in_a_hyphen():
    assert slug_for("Korea–U.S. AI dialogue", max_length=9) == "korea-us"


def test_a_record_saved_without_a_slug_gets_one_by_the_same_rule_unique_among_its_kind(db):
    event_type = factories.EventTypeFactory()
    first = factories.EventFactory(title="Korea–U.S. AI dialogue", slug="", event_type=event_type)
    second = factories.EventFactory(title="Korea–U.S. AI dialogue", slug="", event_type=event_type)
    assert (first.slug, second.slug) == ("korea-us-ai-dialogue", "korea-us-ai-dialogue-2")
    assert Topic.objects.create(name="U.S.–China AI talks").slug == "us-china-ai-talks"
    assert Topic.objects.create(name="윤석열").slug == "topic"
    kept = Organization.objects.create(name="Ministry", slug="mofa", kind="ministry")
    kept.name = "Ministry of Foreign Affairs"
    kept.save()
    assert kept.slug == "mofa"  # a slug once given is never remade


def test_an_editor_who_leaves_the_slug_empty_gets_one_made_from_the_title(editor_client):
    from tests.test_admin import event_form

    event_type = factories.EventTypeFactory(slug="dialogue", name="Dialogue")
    data = event_form(event_type, title="Korea–U.S. AI dialogue", slug="")
    response = editor_client.post(reverse("admin:tracker_event_add"), data)
    assert response.status_code == 302
    assert Event.objects.get().slug == "korea-us-ai-dialogue"


@pytest.mark.parametrize(
    ("model", "loaded"),
    [("event", True), ("organization", True), ("person", True), ("topic", True), ("source", False)],
)
def test_the_slug_script_is_loaded_after_djangos_where_a_slug_is_prepopulated(
    editor_client, model, loaded
):
    page = editor_client.get(reverse(f"admin:tracker_{model}_add")).content.decode()
    assert ("tracker/admin/slugs.js" in page) is loaded
    if loaded:
        assert page.index("admin/js/urlify.js") < page.index("tracker/admin/slugs.js")
        assert "<script>" not in page.split("<body", 1)[1]  # no inline script of ours
