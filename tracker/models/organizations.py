"""Organizations: ministries, offices, agencies, forums and the rest."""

import reversion
from django.db import models
from django.urls import reverse
from django_countries.fields import CountryField

from tracker.models.fields import other_names_field, split_lines, wikidata_field


class OrganizationKind(models.TextChoices):
    MINISTRY = "ministry", "Ministry or department"
    HEAD_OF_GOVERNMENT_OFFICE = "head-of-government-office", "Head-of-state or government office"
    AGENCY = "agency", "Agency or office"
    LEGISLATURE = "legislature", "Legislature"
    INTERNATIONAL_ORGANIZATION = "international-organization", "International organization"
    MULTILATERAL_FORUM = "multilateral-forum", "Bilateral or multilateral forum"
    COMPANY = "company", "Company"
    RESEARCH_INSTITUTE = "research-institute", "Research institute"
    CIVIL_SOCIETY = "civil-society", "Civil society"
    OTHER = "other", "Other"


class OrganizationQuerySet(models.QuerySet):
    def families(self, pks):
        """``{pk: {pk and every organization below it}}`` for each of ``pks``: its offices,
        their units and so on, found with one query over the parent links."""
        children = {}
        for pk, parent_id in Organization.objects.order_by().values_list("pk", "parent_id"):
            children.setdefault(parent_id, []).append(pk)
        families = {}
        for root in pks:
            found, todo = set(), [root]
            while todo:
                pk = todo.pop()
                if pk not in found:
                    found.add(pk)
                    todo.extend(children.get(pk, []))
            families[root] = found
        return families

    def with_descendants(self, organization):
        """``organization`` and every organization below it."""
        return self.filter(pk__in=self.families([organization.pk])[organization.pk])


@reversion.register(follow=["roles", "merged_slugs"])
class Organization(models.Model):
    name = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True, help_text="The URL key; keep it stable.")
    acronym = models.CharField(max_length=30, blank=True)
    kind = models.CharField(max_length=30, choices=OrganizationKind.choices)
    country = CountryField(
        blank=True, help_text="Leave empty for international and bilateral bodies."
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text="The organization this one sits in, for example its ministry.",
    )
    other_names = other_names_field()
    website = models.URLField(max_length=500, blank=True)
    description = models.TextField(blank=True)
    wikidata_id = wikidata_field()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["country", "name"], name="organization_country_name")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")),
                name="organization_not_own_parent",
                violation_error_message=(
                    "An organization cannot sit within itself: choose another parent "
                    "organization, or leave it empty."
                ),
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self):
        return reverse("tracker:organization", args=[self.slug])

    @property
    def other_name_list(self):
        return split_lines(self.other_names)
