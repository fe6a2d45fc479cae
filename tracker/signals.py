"""Keep each event's derived data (countries involved, search document) in step with the
records it is computed from, whichever way they are edited: admin, seed or shell; and bump the
data version on every change, so cached pages and counts are never served stale.

Loading a fixture (``loaddata``, the portable export) writes rows exactly as they were dumped,
derived rows and data version included: saves are ``raw`` then, and many-to-many links, which
carry no such flag, are set while ``loading_fixtures()`` is on (tracker's ``loaddata``)."""

import threading
from contextlib import contextmanager

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from tracker.models import (
    DataVersion,
    Event,
    EventChange,
    EventType,
    Organization,
    Participation,
    Person,
    Topic,
)

_fixtures = threading.local()


@contextmanager
def loading_fixtures():
    _fixtures.loading = True
    try:
        yield
    finally:
        _fixtures.loading = False


def loading(kwargs):
    return kwargs.get("raw", False) or getattr(_fixtures, "loading", False)


def refresh(event_ids):
    Event.objects.filter(pk__in=list(event_ids)).refresh_derived()


@receiver(post_save, sender=Event)
def event_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh([instance.pk])


@receiver(post_delete, sender=Event)
def event_deleted(sender, instance, **kwargs):
    EventChange.note([instance.pk])


@receiver([post_save, post_delete], sender=Participation)
def participation_changed(sender, instance, raw=False, origin=None, **kwargs):
    if raw or _deleting_events(origin):
        return  # nothing to refresh: the event goes too (and its deletion is logged)
    refresh([instance.event_id])


def _deleting_events(origin):
    """Whether a deletion began with events (one, or a queryset of them): then the rows
    deleted with them belong to events that are going."""
    model = getattr(origin, "model", None) or type(origin)
    return origin is not None and model is Event


@receiver(m2m_changed, sender=Event.topics.through)
def topics_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if loading(kwargs):
        return
    if reverse and action == "pre_clear":  # a topic's events: after the clear, none are left
        instance._cleared_events = list(instance.events.values_list("pk", flat=True))
    if action not in {"post_add", "post_remove", "post_clear"}:
        return
    if reverse:
        refresh(pk_set or [])
        if action == "post_clear":
            refresh(getattr(instance, "_cleared_events", []))
    else:
        refresh([instance.pk])


@receiver(pre_delete, sender=Topic)
def topic_deleting(sender, instance, **kwargs):
    # Its links to events go without a signal: note the events now, refresh them after.
    instance._tagged_events = list(instance.events.values_list("pk", flat=True))


@receiver(post_delete, sender=Topic)
def topic_deleted(sender, instance, **kwargs):
    refresh(getattr(instance, "_tagged_events", []))


@receiver(post_save, sender=Organization)
@receiver(post_save, sender=Person)
def party_saved(sender, instance, created, raw=False, **kwargs):
    if created or raw:
        return
    refresh(
        Participation.objects.filter(**{sender._meta.model_name: instance})
        .values_list("event_id", flat=True)
        .distinct()
    )


@receiver(post_save, sender=Topic)
def topic_saved(sender, instance, created, raw=False, **kwargs):
    if not created and not raw:
        refresh(instance.events.values_list("pk", flat=True))


@receiver(post_save, sender=EventType)
def event_type_saved(sender, instance, created, raw=False, **kwargs):
    if not created and not raw:
        refresh(instance.events.values_list("pk", flat=True))


def bump_data_version(sender, **kwargs):
    if not loading(kwargs):
        DataVersion.bump()


# Every model whose change can change what a public page shows: all of the app's own,
# less the logs of changes themselves.
PUBLIC_MODELS = [
    model
    for model in apps.get_app_config("tracker").get_models()
    if model not in {DataVersion, EventChange}
]

for model in PUBLIC_MODELS:
    post_save.connect(bump_data_version, sender=model, dispatch_uid=f"bump-save-{model.__name__}")
    post_delete.connect(
        bump_data_version, sender=model, dispatch_uid=f"bump-delete-{model.__name__}"
    )
m2m_changed.connect(bump_data_version, sender=Event.topics.through, dispatch_uid="bump-topics")
