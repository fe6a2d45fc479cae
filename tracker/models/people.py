"""People and the posts they held over time."""

import datetime

import reversion
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django_countries.fields import CountryField

from tracker.dates import format_range
from tracker.models.fields import (
    PartialDateRange,
    other_names_field,
    partial_date_constraints,
    precision_field,
    split_lines,
    wikidata_field,
)


@reversion.register(follow=["roles", "merged_slugs"])
class Person(models.Model):
    name = models.CharField(
        max_length=200, help_text="The name as English-language sources write it."
    )
    slug = models.SlugField(max_length=200, unique=True, help_text="The URL key; keep it stable.")
    native_name = models.CharField(
        max_length=200, blank=True, help_text="The name in its own script, for example 윤석열."
    )
    other_names = other_names_field()
    country = CountryField(blank=True)
    bio = models.TextField("short bio", blank=True)
    wikidata_id = wikidata_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"
        # A country's page lists its people by name.
        indexes = [models.Index(fields=["country", "name"], name="person_country_name")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("tracker:person", args=[self.slug])

    @property
    def other_name_list(self):
        return split_lines(self.other_names)


class RoleQuerySet(models.QuerySet):
    def current(self, today=None):
        """Posts the record says are still held: not marked ended, no end on or before today."""
        today = today or datetime.date.today()
        return self.filter(ended=False).filter(Q(end_date__isnull=True) | Q(end_date__gte=today))

    def former(self, today=None):
        today = today or datetime.date.today()
        return self.filter(Q(ended=True) | Q(end_date__lt=today))


@reversion.register()
class Role(PartialDateRange, models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles")
    organization = models.ForeignKey(
        "tracker.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="roles",
    )
    title = models.CharField(
        max_length=300, help_text="The post, for example Minister of Science and ICT."
    )
    start_date = models.DateField(null=True, blank=True, help_text="Leave empty if not known.")
    start_precision = precision_field(blank=True)
    end_date = models.DateField(null=True, blank=True)
    end_precision = precision_field(blank=True)
    ended = models.BooleanField(
        default=False,
        help_text="Tick when the post is known to have ended, even if the end date is not known.",
    )
    source = models.ForeignKey(
        "tracker.Source", on_delete=models.PROTECT, null=True, blank=True, related_name="roles"
    )

    objects = RoleQuerySet.as_manager()

    class Meta:
        ordering = ["person", "-start_date"]
        constraints = partial_date_constraints("role", start_required=False)

    def __str__(self):
        where = f", {self.organization.name}" if self.organization_id else ""
        return f"{self.person.name}: {self.title}{where}"

    def clean(self):
        self.clean_dates()

    def is_current(self, today=None):
        today = today or datetime.date.today()
        return not self.ended and (self.end_date is None or self.end_date >= today)

    @property
    def period(self):
        """ "2022-05-10 to 2025-04-04" as words; "since May 2022"; "" when nothing is known."""
        if self.start and self.end:
            return format_range(self.start, self.end)
        if self.start:
            return f"since {self.start}" if not self.ended else f"from {self.start}"
        if self.end:
            return f"until {self.end}"
        return ""
