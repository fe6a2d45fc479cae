"""Sources: the citations behind every fact."""

import reversion
from django.db import models
from django.db.models import Q

from tracker.dates import PartialDate
from tracker.models.fields import precision_field


@reversion.register()
class Source(models.Model):
    title = models.CharField(max_length=500)
    url = models.URLField(
        "URL", max_length=1000, blank=True, help_text="Leave empty for print sources."
    )
    publisher = models.CharField(
        max_length=200, blank=True, help_text="For example Yonhap or Ministry of Foreign Affairs."
    )
    author = models.CharField(max_length=200, blank=True)
    published_date = models.DateField(null=True, blank=True)
    published_precision = precision_field(blank=True, default="day")
    language = models.CharField(
        max_length=12, blank=True, default="en", help_text="A language code such as en or ko."
    )
    note = models.TextField(
        blank=True,
        help_text="What a reader should know about this source, for example a wrong title it uses.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_date", "title"]
        # /sources/ lists them by publisher and title.
        indexes = [
            models.Index(fields=["publisher", "title", "id"], name="source_publisher_title")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["url"],
                condition=~Q(url=""),
                name="source_unique_url",
                violation_error_message=(
                    "Another source already has this URL: cite that source rather than adding "
                    "it again."
                ),
            ),
        ]

    def __str__(self):
        bits = [self.publisher, self.title]
        if self.published:
            bits.append(str(self.published))
        return ", ".join(bit for bit in bits if bit)

    @property
    def published(self):
        if self.published_date is None or not self.published_precision:
            return None
        return PartialDate.of(self.published_date, self.published_precision)
