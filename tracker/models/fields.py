"""Pieces shared by the models: partial-date constraints, Wikidata IDs, other names."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q

from tracker.dates import InvalidPartialDate, PartialDate, Precision

wikidata_validator = RegexValidator(
    r"^Q[1-9][0-9]{0,11}$", "Enter a Wikidata item ID such as Q42 (a Q and its number)."
)


def wikidata_field():
    return models.CharField(
        "Wikidata ID",
        max_length=13,
        blank=True,
        validators=[wikidata_validator],
        help_text="The Wikidata item, for example Q22686 (optional).",
    )


def precision_field(**kwargs):
    return models.CharField(max_length=5, choices=Precision.choices, **kwargs)


def aligned(prefix):
    """A ``<prefix>_date`` of month or year precision sits on the first of its period."""
    date, precision = f"{prefix}_date", f"{prefix}_precision"
    return (
        Q(**{f"{date}__isnull": True})
        | Q(**{precision: Precision.DAY})
        | Q(**{precision: Precision.MONTH, f"{date}__day": 1})
        | Q(**{precision: Precision.YEAR, f"{date}__day": 1, f"{date}__month": 1})
    )


def partial_date_constraints(model_name, *, start_required):
    """The database constraints every start/end pair of partial dates obeys, each with the
    message an editor reads when a record breaks it."""
    start_given = Q(start_date__isnull=False) & ~Q(start_precision="")
    start_missing = Q(start_date__isnull=True) & Q(start_precision="")
    return [
        models.CheckConstraint(
            condition=start_given if start_required else (start_given | start_missing),
            name=f"{model_name}_start_precision_given",
            violation_error_message=(
                "Give the start date as YYYY, YYYY-MM or YYYY-MM-DD."
                if start_required
                else "Give the start date as YYYY, YYYY-MM or YYYY-MM-DD, or leave it empty."
            ),
        ),
        models.CheckConstraint(
            condition=(Q(end_date__isnull=True) & Q(end_precision=""))
            | (Q(end_date__isnull=False) & ~Q(end_precision="")),
            name=f"{model_name}_end_precision_given",
            violation_error_message=(
                "Give the end date as YYYY, YYYY-MM or YYYY-MM-DD, or leave it empty."
            ),
        ),
        models.CheckConstraint(
            condition=aligned("start"),
            name=f"{model_name}_start_aligned",
            violation_error_message=ALIGNED_MESSAGE.format(end="start"),
        ),
        models.CheckConstraint(
            condition=aligned("end"),
            name=f"{model_name}_end_aligned",
            violation_error_message=ALIGNED_MESSAGE.format(end="end"),
        ),
        models.CheckConstraint(
            condition=Q(end_date__isnull=True)
            | Q(start_date__isnull=True)
            | Q(end_date__gte=F("start_date")),
            name=f"{model_name}_end_not_before_start",
            violation_error_message="The end cannot be before the start: correct either date.",
        ),
    ]


ALIGNED_MESSAGE = (
    "When only the month or the year of the {end} is known, enter it as YYYY-MM or YYYY: "
    "it is stored as the first day of that month or year."
)


PRECISION_FORMATS = {Precision.DAY: "a day, YYYY-MM-DD", Precision.MONTH: "a month, YYYY-MM"}
FINER = {Precision.YEAR: 0, Precision.MONTH: 1, Precision.DAY: 2}


def end_inside_vaguer_start(start, end):
    """Whether the end falls inside the start's period yet is more precise: "March 2025 –
    5 March 2025" cannot stand, as whoever knows the end to the day knows when in March it
    began. An end in a later period is honest: "March 2025 – 5 June 2025"."""
    if not start or not end or FINER[end.precision] <= FINER[start.precision]:
        return False
    return start.contains(end.first)


class PartialDateRange:
    """Read ``start`` and ``end`` as PartialDates from the four date fields of a model."""

    @property
    def start(self):
        if self.start_date is None or not self.start_precision:
            return None
        return PartialDate(self.start_date, self.start_precision)

    @start.setter
    def start(self, value):
        self.start_date = value.date if value else None
        self.start_precision = value.precision if value else ""

    @property
    def end(self):
        if self.end_date is None or not self.end_precision:
            return None
        return PartialDate(self.end_date, self.end_precision)

    @end.setter
    def end(self, value):
        self.end_date = value.date if value else None
        self.end_precision = value.precision if value else ""

    def clean_dates(self):
        """Form-level messages for what the database constraints also refuse."""
        errors = {}
        for prefix in ("start", "end"):
            date = getattr(self, f"{prefix}_date")
            precision = getattr(self, f"{prefix}_precision")
            if date is not None and not precision:
                errors[f"{prefix}_precision"] = "Say how precise this date is."
            elif date is None and precision:
                errors[f"{prefix}_date"] = "Give the date or clear its precision."
            elif date is not None:
                try:
                    PartialDate(date, precision)
                except InvalidPartialDate:
                    unit = "month" if precision == Precision.MONTH else "year"
                    errors[f"{prefix}_date"] = (
                        f"A {precision}-precision date is stored as the first day of its {unit}: "
                        f"enter {PartialDate.of(date, precision).first.isoformat()}."
                    )
        if not errors and self.start and self.end and self.end.first < self.start.first:
            errors["end_date"] = "The end cannot be before the start."
        elif not errors and end_inside_vaguer_start(self.start, self.end):
            errors["end_date"] = (
                f"The end ({self.end}) falls within the start ({self.start}) and is more "
                f"precise: enter the start as precisely "
                f"({PRECISION_FORMATS[self.end.precision]}), or leave the end empty."
            )
        if errors:
            raise ValidationError(errors)


def other_names_field():
    return models.TextField(
        blank=True,
        help_text="Other names, one per line: native-script names, former names, acronyms.",
    )


def split_lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
