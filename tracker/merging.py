"""Merging records that turn out to be the same event, organization or person.

The editor picks the record that stays (the *survivor*). Everything that referred to the
others moves to it (participations, posts, citations, relations, sub-events, child
organizations); rows that would then say the same thing twice (the same person taking part in
the same event for the same organization; the same source cited twice) are dropped; the others'
names are kept as the survivor's other names; their slugs lead to the survivor's page (301,
see MergedSlug); the others are deleted.

Undoing is a revert: just before the merge, a revision holds every row the merge changes or
deletes, as it was (the survivor's History lists it as "Before merging …"). Reverting the
survivor to that version brings the merged records back, with their rows pointing at them
again, and removes the redirects.
"""

from __future__ import annotations

from dataclasses import dataclass

import reversion
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from tracker.history import snapshot
from tracker.models import (
    Citation,
    Event,
    EventRelation,
    MergedSlug,
    Organization,
    Participation,
    Person,
    Role,
    Topic,
)


@dataclass
class Moves:
    """What merging one record into the survivor moves, counted for the confirmation page."""

    record: object
    counts: list[tuple[str, int]]

    @property
    def total(self):
        return sum(count for _, count in self.counts)

    @property
    def summary(self):
        moved = [f"{count} {label[count != 1]}" for label, count in self.counts if count]
        return "; ".join(moved) or "nothing refers to it"


def _related(model, record):
    """The querysets of rows that refer to ``record``, each with its words (one, many)."""
    if model is Organization:
        return [
            (
                ("participation", "participations"),
                Participation.objects.filter(organization=record),
            ),
            (("post held", "posts held"), Role.objects.filter(organization=record)),
            (
                ("organization within it", "organizations within it"),
                Organization.objects.filter(parent=record),
            ),
            (
                ("earlier merged record", "earlier merged records"),
                MergedSlug.objects.filter(organization=record),
            ),
        ]
    if model is Person:
        return [
            (("participation", "participations"), Participation.objects.filter(person=record)),
            (("post held", "posts held"), Role.objects.filter(person=record)),
            (
                ("earlier merged record", "earlier merged records"),
                MergedSlug.objects.filter(person=record),
            ),
        ]
    return [
        (("participant", "participants"), Participation.objects.filter(event=record)),
        (("source cited", "sources cited"), Citation.objects.filter(event=record)),
        (
            ("relation with another event", "relations with other events"),
            EventRelation.objects.filter(Q(from_event=record) | Q(to_event=record)),
        ),
        (("sub-event", "sub-events"), Event.objects.filter(parent=record)),
        (("topic", "topics"), record.topics.all()),
        (
            ("earlier merged record", "earlier merged records"),
            MergedSlug.objects.filter(event=record),
        ),
    ]


def preview(survivor, others) -> list[Moves]:
    model = type(survivor)
    return [
        Moves(other, [(label, rows.count()) for label, rows in _related(model, other)])
        for other in others
    ]


def merge(survivor, others, *, user=None):
    """Merge ``others`` into ``survivor``, in one transaction and one revision."""
    model = type(survivor)
    others = [other for other in others if other.pk != survivor.pk]
    if not others:
        raise ValueError("Pick at least one record besides the one that stays.")
    if any(type(other) is not model for other in others):
        raise ValueError("Only records of one kind can be merged.")
    names = "; ".join(str(other) for other in others)
    with transaction.atomic():
        before = [survivor, *others]
        for other in others:
            for _, rows in _related(model, other):
                if rows.model is not Topic:  # an event's topics are in its own version
                    before.extend(rows)
            before.extend(MergedSlug.objects.filter(kind=model._meta.model_name, slug=other.slug))
        snapshot(before, user=user, comment=f"Before merging: {names}")
        with reversion.create_revision(atomic=False):
            if user is not None and user.is_authenticated:
                reversion.set_user(user)
            reversion.set_comment(f"Merged into this record: {names}")
            # After the snapshot, even inside a revision begun earlier (the admin's list).
            reversion.set_date_created(timezone.now())
            touched = _records_touched(model, others)
            kind = model._meta.model_name
            for other in others:
                MERGERS[model](survivor, other)
                MergedSlug.objects.filter(**{kind: other}).update(**{kind: survivor})
                # A slug that led elsewhere (its record since merged, the slug taken again)
                # now leads here.
                MergedSlug.objects.update_or_create(
                    kind=kind,
                    slug=other.slug,
                    defaults={
                        "title": getattr(other, "title", None) or other.name,
                        "event": None,
                        "organization": None,
                        "person": None,
                        kind: survivor,
                    },
                )
                other.delete()
            survivor.save()
            reversion.add_to_revision(survivor)
            # The events and people whose rows moved: their History shows the merge too.
            for record in touched:
                reversion.add_to_revision(record)
    return survivor


def _records_touched(model, others):
    """The other records whose parts a merge of ``others`` changes: the events they took
    part in (a participation is part of its event) and the people who held posts in them."""
    if model is Event:
        return []
    events = Event.objects.filter(
        participations__in=Participation.objects.filter(**{f"{model._meta.model_name}__in": others})
    ).distinct()
    touched = list(events)
    if model is Organization:
        touched += list(Person.objects.filter(roles__organization__in=others).distinct())
    return touched


# Each kind of record --------------------------------------------------------------------


def _keep_names(survivor, other, names):
    """Add ``names`` to the survivor's other names, those it does not have already."""
    have = {survivor.name.casefold(), *(n.casefold() for n in survivor.other_name_list)}
    extra = getattr(survivor, "native_name", "")
    if extra:
        have.add(extra.casefold())
    lines = list(survivor.other_name_list)
    for name in names:
        if name and name.casefold() not in have:
            lines.append(name)
            have.add(name.casefold())
    survivor.other_names = "\n".join(lines)


def _fill_blanks(survivor, other, fields):
    for name in fields:
        if not getattr(survivor, name) and getattr(other, name):
            setattr(survivor, name, getattr(other, name))


def _move_participations(rows, field, survivor, same):
    """Point ``rows`` at ``survivor`` through ``field``, dropping those that would repeat a
    participation it already has (``same`` names the fields that make two the same)."""
    for participation in rows:
        lookup = {name: getattr(participation, name) for name in same}
        lookup[field] = survivor
        if Participation.objects.filter(**lookup).exclude(pk=participation.pk).exists():
            participation.delete()
        else:
            setattr(participation, field, survivor)
            participation.save()


def merge_organizations(survivor, other):
    _move_participations(
        Participation.objects.filter(organization=other),
        "organization",
        survivor,
        ("event_id", "person_id"),
    )
    Role.objects.filter(organization=other).update(organization=survivor)
    for child in Organization.objects.filter(parent=other).exclude(pk=survivor.pk):
        child.parent = survivor
        child.save()
    if survivor.parent_id == other.pk:  # written now: the other's deletion checks it
        survivor.parent_id = other.parent_id if other.parent_id != survivor.pk else None
        survivor.save()
    _keep_names(survivor, other, [other.name, other.acronym, *other.other_name_list])
    _fill_blanks(survivor, other, ["acronym", "country", "website", "description", "wikidata_id"])


def merge_people(survivor, other):
    _move_participations(
        Participation.objects.filter(person=other),
        "person",
        survivor,
        ("event_id", "organization_id"),
    )
    Role.objects.filter(person=other).update(person=survivor)
    _keep_names(survivor, other, [other.name, other.native_name, *other.other_name_list])
    _fill_blanks(survivor, other, ["native_name", "country", "bio", "wikidata_id"])


def merge_events(survivor, other):
    _move_participations(
        Participation.objects.filter(event=other),
        "event",
        survivor,
        ("organization_id", "person_id"),
    )
    for citation in Citation.objects.filter(event=other):
        if Citation.objects.filter(event=survivor, source_id=citation.source_id).exists():
            citation.delete()
        else:
            citation.event = survivor
            citation.save()
    for relation in EventRelation.objects.filter(Q(from_event=other) | Q(to_event=other)):
        ends = [
            survivor.pk if pk == other.pk else pk
            for pk in (relation.from_event_id, relation.to_event_id)
        ]
        repeated = EventRelation.objects.filter(
            from_event_id=ends[0], kind=relation.kind, to_event_id=ends[1]
        ).exists()
        if ends[0] == ends[1] or repeated:
            relation.delete()
        else:
            relation.from_event_id, relation.to_event_id = ends
            relation.save()
    for sub in Event.objects.filter(parent=other).exclude(pk=survivor.pk):
        sub.parent = survivor
        sub.save()
    if survivor.parent_id == other.pk:  # written now: the other's deletion checks it
        survivor.parent_id = other.parent_id if other.parent_id != survivor.pk else None
        survivor.save()
    survivor.topics.add(*other.topics.all())
    survivor.extra_countries = sorted(
        {str(code) for code in [*survivor.extra_countries, *other.extra_countries]}
    )
    _fill_blanks(
        survivor, other, ["summary", "description", "venue", "city", "country", "wikidata_id"]
    )
    if other.published and not survivor.published and survivor.citations.exists():
        survivor.published = True


MERGERS = {Organization: merge_organizations, Person: merge_people, Event: merge_events}
