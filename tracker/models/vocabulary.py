"""Editable vocabularies: event types and topics."""

import reversion
from django.db import models
from django.urls import reverse

from tracker.models.fields import wikidata_field


@reversion.register()
class EventType(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


@reversion.register()
class Topic(models.Model):
    name = models.CharField(max_length=150, unique=True)
    slug = models.SlugField(max_length=150, unique=True)
    description = models.TextField(blank=True)
    wikidata_id = wikidata_field()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("tracker:topic", args=[self.slug])
