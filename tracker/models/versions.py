"""One number that changes whenever any record changes, so caches know when they are stale."""

from django.db import models
from django.db.models import F


class DataVersion(models.Model):
    """A single row. Saving or deleting any record bumps it (see tracker/signals.py); cached
    facet counts are keyed by it, so every worker process sees an edit at once."""

    number = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="data_version_one_row")
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
