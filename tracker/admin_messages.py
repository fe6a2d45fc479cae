"""What the admin tells an editor when it refuses something: the constraint's own message for a
row that repeats another, and, for a delete that other records block, each of those records
once, in words, with a link to the page where it can be changed."""

from collections import defaultdict

from django.contrib.admin.utils import NestedObjects
from django.db import router
from django.db.models import UniqueConstraint
from django.forms.models import BaseInlineFormSet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst

REPEATED_ROW = "This row repeats another: change it or delete it."


class ConstraintMessagesFormSet(BaseInlineFormSet):
    """An inline formset whose "duplicate" errors are the model's own words (a
    ``UniqueConstraint``'s ``violation_error_message``), not Django's "Please correct the
    duplicate data for source"."""

    def get_unique_error_message(self, unique_check):
        wanted = set(unique_check) | {self.fk.name}
        for constraint in self.model._meta.constraints:
            if isinstance(constraint, UniqueConstraint) and set(constraint.fields) == wanted:
                return constraint.get_violation_error_message()
        return super().get_unique_error_message(unique_check)

    def get_form_error(self):
        return REPEATED_ROW


# A delete that other records block ------------------------------------------------------------


def _event_link(event):
    return reverse("admin:tracker_event_change", args=[event.pk])


def _participation(row):
    text = f"{row.event}: participant {row.participant_display}, {row.get_role_display().lower()}"
    return text, _event_link(row.event)


def _citation(row):
    return f"{row.event}: cites {row.source.title}", _event_link(row.event)


def _relation(row):
    text = f"{row.from_event}: {row.get_kind_display()} {row.to_event}"
    return text, _event_link(row.from_event)


def _role(row):
    where = f", {row.organization.name}" if row.organization_id else ""
    period = f" ({row.period})" if row.period else ""
    text = f"{row.person.name}: {row.title}{where}{period}"
    return text, reverse("admin:tracker_person_change", args=[row.person_id])


def _event(row):  # an event of the type, or a session of the event, to be deleted
    return str(row), _event_link(row)


def _organization(row):
    text = f"{row}: part of {row.parent}" if row.parent_id else str(row)
    return text, reverse("admin:tracker_organization_change", args=[row.pk])


# For each kind of record that can block a delete: what to fetch with it, and how it reads.
BLOCKERS = {
    "participation": (("event", "person", "organization"), _participation),
    "citation": (("event", "source"), _citation),
    "eventrelation": (("from_event", "to_event"), _relation),
    "role": (("person", "organization"), _role),
    "event": ((), _event),
    "organization": (("parent",), _organization),
}


def blocking_records(objs):
    """Each record that keeps ``objs`` from being deleted, once, as ``(text, admin URL)``:
    one query per kind of record, whatever their number; ``[]`` when nothing blocks."""
    using = router.db_for_write(objs[0]._meta.model)
    collector = NestedObjects(using=using, origin=objs)
    collector.collect(objs)
    by_model = defaultdict(set)
    for obj in collector.protected:
        by_model[type(obj)].add(obj.pk)
    found = []
    for model, pks in sorted(by_model.items(), key=lambda item: item[0]._meta.model_name):
        related, describe = BLOCKERS.get(model._meta.model_name, ((), None))
        for row in model._default_manager.using(using).filter(pk__in=pks).select_related(*related):
            if describe is not None:
                found.append(describe(row))
            else:
                found.append((f"{capfirst(model._meta.verbose_name)}: {row}", None))
    return sorted(dict.fromkeys(found), key=lambda found: found[0])


class ProtectedRecordsAdmin:
    """A ModelAdmin mixin: when other records keep a record from being deleted, the delete
    page lists each of them once, in words, linked to the page where it can be changed.
    Django's own list names each by its ``__str__``, without the event it is in, and reads
    each one's related records one query at a time.

    A blocked delete is answered from this list alone: Django's page then shows only it (and
    shows it even to an editor who could not delete the related records either, since the
    delete cannot happen anyway). Any other delete is Django's own."""

    def get_deleted_objects(self, objs, request):
        blocking = blocking_records(objs) if len(objs) else []
        if not blocking:
            return super().get_deleted_objects(objs, request)
        protected = [
            format_html('<a href="{}">{}</a>', url, text) if url else text for text, url in blocking
        ]
        return [], {}, set(), protected
