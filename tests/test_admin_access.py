"""Who may open which door of the admin and the API's writes: every admin view of every
registered model, and every write of every API resource, for four kinds of visitor, with the
answer each should get. The cases come from ``admin.site._registry`` and the API's router, so
a new model or resource is covered without editing this file; a new kind of admin view fails
``test_every_admin_view_is_in_the_matrix`` until it is given an expectation here.

And the admin answers 4xx, never 500, to bad values in its addresses, before or after its
permission checks, on SQLite and PostgreSQL alike."""

from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
import reversion
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db.models import BooleanField
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from reversion.admin import VersionAdmin

from tests import factories
from tracker import history
from tracker.api.urls import router
from tracker.models import Event

ROLES = ["anonymous", "staff", "editor", "superuser"]
STANDARD_VIEWS = {"changelist", "add", "change", "delete", "history"}
REVERSION_VIEWS = {"revision", "recoverlist", "recover"}
# url name → the case's view below
CUSTOM_VIEWS = {"tracker_event_import": "import", "auth_user_password_change": "password"}


@dataclass
class Case:
    model: type  # whose permissions the editor holds
    view: str
    method: str = "get"
    field: str = ""  # autocomplete: the field; API: the resource's prefix
    source: type = None  # autocomplete: the model the field is on

    def __str__(self):
        extra = f":{self.field}" if self.field else ""
        return f"{self.method.upper()} {self.model._meta.label_lower} {self.view}{extra}"


def has_drafts(model):
    """Whether the model's records may be unpublished (drafts, not public)."""
    fields = {field.name: field for field in model._meta.get_fields()}
    return isinstance(fields.get("published"), BooleanField)


def autocomplete_fields(model_admin):
    for field in model_admin.autocomplete_fields:
        yield model_admin.model, field
    for inline in model_admin.inlines:
        for field in inline.autocomplete_fields:
            yield inline.model, field


def admin_cases():
    cases = []
    for model, model_admin in admin.site._registry.items():
        views = set(STANDARD_VIEWS)
        if isinstance(model_admin, VersionAdmin):
            views |= REVERSION_VIEWS
        for url in model_admin.get_urls():
            if url.name in CUSTOM_VIEWS:
                views.add(CUSTOM_VIEWS[url.name])
        cases += [Case(model, view) for view in sorted(views)]
        for source, field in autocomplete_fields(model_admin):
            remote = source._meta.get_field(field).remote_field.model
            cases.append(Case(remote, "autocomplete", field=field, source=source))
        if getattr(model, "get_absolute_url", None) and model_admin.view_on_site:
            cases.append(Case(model, "view_on_site"))
            if has_drafts(model):
                cases.append(Case(model, "view_on_site_draft"))
    return cases


def api_model(basename):
    return apps.get_model("tracker", basename.replace("-", ""))


def api_cases():
    cases = []
    for prefix, viewset, basename in router.registry:
        model = api_model(basename)
        methods = {"post": "create", "patch": "partial_update", "delete": "destroy"}
        for method, action in methods.items():
            if hasattr(viewset, action):
                cases.append(Case(model, "api", method=method, field=prefix))
    return cases


# The records every case is asked about -------------------------------------------------------


def one_of(model, draft=False):
    """A record of ``model`` to open: made by the tests' factory of that name, or made here
    for the models of Django, DRF and axes."""
    label = model._meta.label_lower
    if label == "auth.user":
        return model.objects.create_user("somebody")
    if label == "auth.group":
        return Group.objects.create(name="Editors")
    if label == "authtoken.tokenproxy":
        user = model._meta.get_field("user").remote_field.model.objects.create_user("tok")
        return model.objects.get(pk=Token.objects.create(user=user).pk)
    axes = {"axes.accessattempt": AccessAttempt, "axes.accesslog": AccessLog,
            "axes.accessfailurelog": AccessFailureLog}
    if label in axes:
        extra = {"failures_since_start": 1} if label == "axes.accessattempt" else {}
        if label == "axes.accessfailurelog":
            extra = {"locked_out": False}
        return axes[label].objects.create(
            username="ada", ip_address="203.0.113.7", user_agent="test",
            attempt_time=timezone.now(), **extra,
        )
    factory = getattr(factories, f"{model.__name__}Factory", None)
    assert factory, f"No way to make a {label} for the access matrix: add a factory"
    if has_drafts(model):
        source = factories.SourceFactory() if not draft else None
        record = factory(published=False)
        if source is not None:
            factories.CitationFactory(event=record, source=source)
            record.published = True
            record.save()
        return record
    return factory()


@pytest.fixture
def records(db):
    made = {}
    for model, model_admin in admin.site._registry.items():
        record = one_of(model)
        made[model] = record
        if has_drafts(model):
            made[(model, "draft")] = one_of(model, draft=True)
        if isinstance(model_admin, VersionAdmin):
            with reversion.create_revision():
                record.save()
            # A deleted record, for the recover page (a record that exists is not recovered).
            gone = one_of(model)
            made[(model, "gone")] = history.record_deletion([gone])
            gone.delete()
    for _prefix, _viewset, basename in router.registry:
        model = api_model(basename)
        made.setdefault(model, one_of(model))
    return made


def url_of(case, records):
    opts = case.model._meta
    name = f"admin:{opts.app_label}_{opts.model_name}"
    record = records.get(case.model)
    if case.view == "changelist" or case.view == "add" or case.view == "recoverlist":
        return reverse(f"{name}_{case.view}")
    if case.view == "password":
        return reverse(f"{name}_password_change", args=[record.pk])
    if case.view in {"change", "delete", "history"}:
        return reverse(f"{name}_{case.view}", args=[record.pk])
    if case.view == "revision":
        version = reversion.models.Version.objects.get_for_object(record).first()
        return reverse(f"{name}_revision", args=[record.pk, version.pk])
    if case.view == "recover":
        version = records[(case.model, "gone")].version_set.get(
            content_type=ContentType.objects.get_for_model(case.model)
        )
        return reverse(f"{name}_recover", args=[version.pk])
    if case.view == "import":
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_import")
    if case.view == "autocomplete":
        source = case.source._meta
        query = {"app_label": source.app_label, "model_name": source.model_name,
                 "field_name": case.field, "term": "a"}
        return f"{reverse('admin:autocomplete')}?{urlencode(query)}"
    if case.view.startswith("view_on_site"):
        target = records[(case.model, "draft")] if case.view.endswith("draft") else record
        content_type = ContentType.objects.get_for_model(case.model)
        return reverse("admin:view_on_site", args=[content_type.pk, target.pk])
    if case.view == "api":
        if case.method == "post":
            return f"/api/v1/{case.field}/"
        return f"/api/v1/{case.field}/{record.slug}/"
    raise AssertionError(case)


# Who is asking, and what they should get -----------------------------------------------------


def visitor(role, model, django_user_model):
    if role == "anonymous":
        return None
    if role == "superuser":
        return django_user_model.objects.create_superuser(f"{role}-x", password=None)
    user = django_user_model.objects.create_user(f"{role}-x", is_staff=True)
    if role == "editor":
        content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
        user.user_permissions.set(Permission.objects.filter(content_type=content_type))
    return user


def allowed_at_all(case, user):
    """What the model's admin allows even a superuser (axes' logs cannot be added, say)."""
    model_admin = admin.site._registry.get(case.model)
    request = RequestFactory().get("/")
    request.user = user
    needs = {"password": "change", "add": "add", "recoverlist": "add", "recover": "add",
             "import": "add", "delete": "delete"}
    action = needs.get(case.view)
    return action is None or getattr(model_admin, f"has_{action}_permission")(request)


def expected(case, role, user):
    if case.view == "api":
        if role == "anonymous":
            return {401}
        if role == "staff":
            return {403}
        # Past the permission: an empty record is refused, an empty change changes nothing.
        return {"post": {400}, "patch": {200}, "delete": {204}}[case.method]
    if role == "anonymous":
        return {302}  # to the login page
    if case.view == "view_on_site":
        return {302}  # any staff may be sent to a published page
    if case.view == "view_on_site_draft":
        may_preview = role == "superuser" or (role == "editor" and case.model is Event)
        return {302} if may_preview else {404}
    if role == "staff":
        return {403}
    return {200} if allowed_at_all(case, user) else {403}


def run_matrix(role, cases, records, client, django_user_model):
    wrong = []
    for case in cases:
        user = visitor(role, case.model, django_user_model)
        client.logout()
        if user is not None:
            client.force_login(user)
        url = url_of(case, records)
        kwargs = {"content_type": "application/json"} if case.view == "api" else {}
        data = "{}" if case.method in {"post", "patch"} else None
        call = getattr(client, case.method)
        response = call(url, data, **kwargs) if data else call(url, **kwargs)
        want = expected(case, role, user)
        if response.status_code not in want:
            wrong.append(f"{case} {url}: {response.status_code}, expected {sorted(want)}")
        elif role == "anonymous" and case.view != "api":
            assert response["Location"].startswith("/admin/login/?next="), url
        if user is not None:
            user.delete()
    return wrong


@pytest.mark.parametrize("role", ROLES)
def test_each_admin_view_answers_each_visitor_as_expected(
    role, records, client, django_user_model
):
    wrong = run_matrix(role, admin_cases(), records, client, django_user_model)
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", ROLES)
def test_each_api_write_answers_each_visitor_as_expected(role, records, client, django_user_model):
    wrong = run_matrix(role, api_cases(), records, client, django_user_model)
    assert not wrong, "\n".join(wrong)


def test_every_admin_view_is_in_the_matrix():
    known = {"changelist", "add", "change", "delete", "history", "revision", "recoverlist",
             "recover", *CUSTOM_VIEWS}
    unknown = []
    for model, model_admin in admin.site._registry.items():
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        for url in model_admin.get_urls():
            if not url.name:
                continue
            name = url.name.removeprefix(prefix)
            if name not in known and url.name not in known:
                unknown.append(url.name)
    assert not unknown, f"Admin views with no expectation in the access matrix: {unknown}"


def test_the_matrix_covers_every_registered_model_and_resource():
    covered = {case.model for case in admin_cases()}
    assert covered >= set(admin.site._registry)
    assert len(api_cases()) == 3 * len(router.registry)


# A draft's address is not given away ------------------------------------------------------


@pytest.mark.django_db
def test_view_on_site_of_a_draft_is_not_found_for_staff_who_may_not_preview(
    client, django_user_model
):
    draft = factories.EventFactory(title="Secret summit with Ruritania", published=False)
    content_type = ContentType.objects.get_for_model(Event)
    url = reverse("admin:view_on_site", args=[content_type.pk, draft.pk])
    reader = django_user_model.objects.create_user("reader", is_staff=True)
    reader.user_permissions.set(Permission.objects.filter(codename="view_event"))
    client.force_login(reader)
    response = client.get(url)
    assert response.status_code == 404
    assert "ruritania" not in response.content.decode().lower()

    editor = django_user_model.objects.create_user("ed", is_staff=True)
    editor.user_permissions.set(Permission.objects.filter(codename="change_event"))
    client.force_login(editor)
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].endswith(draft.get_absolute_url())
    assert "Draft" in client.get(response["Location"]).content.decode()


# A version opens only under its own record ------------------------------------------------


@pytest.mark.django_db
def test_a_version_of_another_model_is_not_found_under_this_models_admin(
    client, django_user_model
):
    event = factories.EventFactory(published=False)
    topic = factories.TopicFactory()
    with reversion.create_revision():
        event.save()
    version = reversion.models.Version.objects.get_for_object(event).get()
    topics_editor = django_user_model.objects.create_user("t", is_staff=True)
    topics_editor.user_permissions.set(
        Permission.objects.filter(content_type__model="topic")
    )
    client.force_login(topics_editor)
    # The event's version, asked for under topics: by the recover page and the revert page
    # (with the topic's id in place of the event's), neither shown nor restored.
    assert client.get(f"/admin/tracker/topic/recover/{version.pk}/").status_code == 404
    assert client.post(f"/admin/tracker/topic/recover/{version.pk}/", {}).status_code == 404
    url = f"/admin/tracker/topic/{topic.pk}/history/{version.pk}/"
    assert client.get(url).status_code == 404


# Bad values answer 4xx, never 500 --------------------------------------------------------

BAD_ADDRESSES = [
    "/admin/tracker/event/abc/history/",
    "/admin/tracker/event/abc/change/",
    "/admin/tracker/event/1/history/abc/",
    "/admin/tracker/event/99999999999999999999999/history/1/",
    "/admin/tracker/event/recover/99999999999999999999999/",
    "/admin/tracker/event/?country=%00",
    "/admin/tracker/event/?status__exact=%00",
    "/admin/tracker/event/?start_precision__exact=%00",
    "/admin/tracker/event/?q=%00",
    "/admin/tracker/event/?organization=%00",
    "/admin/tracker/event/?person=%00",
    "/admin/tracker/event/?topics__id__exact=%00",
    "/admin/tracker/organization/?kind__exact=%00",
    "/admin/tracker/source/?language__exact=%00",
    "/admin/tracker/source/?publisher__exact=%00",
    "/admin/tracker/source/?language=%00",
    "/admin/tracker/source/?publisher=%00",
    "/admin/tracker/event/?start_date__year=9999999999999999999999",
    "/admin/tracker/event/?start_date__year=2024&start_date__month=99999999999999999999",
    "/admin/tracker/event/?start_date__year=abc",
    "/admin/tracker/event/?o=99999999999999999999",
    "/admin/tracker/event/?p=99999999999999999999",
    "/admin/autocomplete/?app_label=tracker&model_name=event&field_name=topics&term=%00",
    "/admin/autocomplete/?app_label=tracker&model_name=event&field_name=%00&term=a",
    "/admin/r/%00/1/",
    "/admin/r/999999999999999999999/1/",
]


@pytest.fixture
def events_with_versions(db):
    event = factories.EventFactory(pk=1)
    with reversion.create_revision():
        event.save()
    return event


@pytest.mark.parametrize("role", ["anonymous", "staff", "superuser"])
@pytest.mark.parametrize("address", BAD_ADDRESSES)
def test_a_bad_value_in_an_admin_address_is_a_4xx(
    address, role, events_with_versions, client, django_user_model
):
    user = visitor(role, Event, django_user_model)
    if user is not None:
        client.force_login(user)
    response = client.get(address, follow=True)
    assert all(status < 500 for _url, status in response.redirect_chain)
    assert response.status_code < 500
    if "%00" in address:
        # Refused before anything else, the same on SQLite and PostgreSQL.
        assert response.status_code == 400
        assert b"NUL character" in response.content
    elif role == "anonymous":
        assert response.redirect_chain[-1][0].startswith("/admin/login/")
    elif role == "staff":
        assert response.status_code in {403, 404}


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["9999999999999999999999", "9999", "0", "-1"])
def test_a_year_no_date_can_hold_is_a_400_that_says_so(year, editor_client):
    response = editor_client.get(f"/admin/tracker/event/?start_date__year={year}")
    assert response.status_code == 400
    assert b"cannot be filtered by these values" in response.content
