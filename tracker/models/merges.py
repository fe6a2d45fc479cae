"""Records merged into others: the slug of each record that went leads to the one that stayed."""

import reversion
from django.db import models
from django.db.models import Q


class MergedSlug(models.Model):
    """The slug of an event, organization or person merged into another (``event``,
    ``organization`` or ``person``: exactly one is set). Its old page answers with a permanent
    redirect (301) to the page of the record it was merged into, so links and citations made
    to it keep working. Part of the surviving record's versions: reverting a merge removes it."""

    class Kind(models.TextChoices):
        EVENT = "event", "Event"
        ORGANIZATION = "organization", "Organization"
        PERSON = "person", "Person"

    kind = models.CharField(max_length=12, choices=Kind.choices)
    slug = models.SlugField(max_length=200)
    event = models.ForeignKey(
        "tracker.Event",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="merged_slugs",
    )
    organization = models.ForeignKey(
        "tracker.Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="merged_slugs",
    )
    person = models.ForeignKey(
        "tracker.Person",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="merged_slugs",
    )
    title = models.CharField(max_length=300, help_text="The merged record's title or name.")
    merged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "slug"],
                name="merged_slug_unique",
                violation_error_message="This slug already leads to another merged record.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="event", event__isnull=False, organization=None, person=None)
                    | Q(kind="organization", organization__isnull=False, event=None, person=None)
                    | Q(kind="person", person__isnull=False, event=None, organization=None)
                ),
                name="merged_slug_one_target",
                violation_error_message=(
                    "A merged slug leads to exactly one record, of its own kind."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.kind} {self.slug} → {self.target}"

    @property
    def target(self):
        return getattr(self, self.kind)


reversion.register(MergedSlug)
