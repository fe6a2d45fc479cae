"""Pages of the site that editors write: "About" and any like it."""

import reversion
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

# The first part of the site's own addresses: a page cannot take one (it would never show).
RESERVED_SLUGS = {
    "admin", "api", "events", "organizations", "people", "topics", "countries", "sources",
    "static", "media", "healthz", "well-known",
}


@reversion.register()
class Page(models.Model):
    """A page of prose written in the admin, kept with its history like every record.

    The body is plain text with a few marks (see tracker/prose.py): it is escaped first, so
    no markup an editor types reaches the page as markup."""

    slug = models.SlugField(
        max_length=100, unique=True, help_text="The page's key: “about” is the About page."
    )
    title = models.CharField(max_length=200)
    summary = models.CharField(
        max_length=300,
        blank=True,
        help_text="One sentence for search engines and link previews.",
    )
    body = models.TextField(
        help_text=(
            "Plain text. A blank line starts a paragraph; “## ” starts a heading; “- ” a list "
            "item; [words](https://address) is a link; **words** are bold, *words* in italics."
        )
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("tracker:page", args=[self.slug])

    def clean(self):
        if self.slug in RESERVED_SLUGS:
            raise ValidationError(
                {"slug": f"“{self.slug}” is taken by the site's own pages at /{self.slug}/: "
                 "choose another key."}
            )
