"""One number that changes whenever any record changes, so caches know when they are stale."""

import datetime

from django.db import models
from django.db.models import F
from django.utils import timezone


class DataVersion(models.Model):
    """A single row. Saving or deleting any record bumps it (see tracker/signals.py); cached
    facet counts are keyed by it, so every worker process sees an edit at once."""

    number = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(pk=1),
                name="data_version_one_row",
                violation_error_message=(
                    "There is one data version, number 1: update it rather than adding another."
                ),
            )
        ]

    def __str__(self):
        return f"data version {self.number}"

    @classmethod
    def current(cls):
        return cls.objects.filter(pk=1).values_list("number", flat=True).first() or 0

    @classmethod
    def bump(cls):
        if not cls.objects.filter(pk=1).update(number=F("number") + 1):
            cls.objects.get_or_create(pk=1, defaults={"number": 1})


class EventChange(models.Model):
    """An event whose place on the timeline may have changed: its dates, type, status,
    publication, countries, participants or topics. Each worker process keeps the timeline's
    columns in memory (tracker/timeline_index.py) and patches in the events logged here since
    it last looked, so an edit shows on the very next request in every worker.

    Rows are kept for a day (``KEPT``); a worker that has not looked for half of that builds
    its columns afresh instead of reading the log."""

    KEPT = datetime.timedelta(days=1)

    id = models.BigAutoField(primary_key=True)
    event_id = models.BigIntegerField(help_text="Not a foreign key: the event may be deleted.")
    logged_at = models.DateTimeField(default=timezone.now, db_index=True)

    def __str__(self):
        return f"change {self.pk}: event {self.event_id}"

    @classmethod
    def note(cls, event_ids):
        """Log ``event_ids`` as changed; now and then, forget what is older than ``KEPT``."""
        rows = [cls(event_id=pk) for pk in dict.fromkeys(event_ids)]
        if not rows:
            return
        created = cls.objects.bulk_create(rows, batch_size=5000)
        newest = created[-1].pk
        if newest is None or newest % 500 < len(rows):  # about once in 500 changes
            cls.objects.filter(logged_at__lt=timezone.now() - cls.KEPT).delete()
