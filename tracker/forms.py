"""Form pieces shared by the admin and the public pages."""

from django import forms
from django.core.exceptions import ValidationError

from tracker.dates import InvalidPartialDate, PartialDate


class PartialDateField(forms.Field):
    """A date as precise as the sources know it: ``2023``, ``2023-12`` or ``2023-12-09``."""

    default_error_messages = {"invalid": "%(reason)s"}

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text", "YYYY, YYYY-MM or YYYY-MM-DD: only as precise as the sources are."
        )
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"placeholder": "YYYY-MM-DD", "size": 12, "maxlength": 10}),
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, PartialDate):
            return value.isoformat()
        return value

    def to_python(self, value):
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        if isinstance(value, PartialDate):
            return value
        try:
            return PartialDate.parse(value)
        except InvalidPartialDate as error:
            raise ValidationError(
                self.error_messages["invalid"], code="invalid", params={"reason": str(error)}
            ) from error


class ChangeReasonForm(forms.ModelForm):
    """An admin form with a "reason for change" box: the reason is kept with the version
    that the save makes, and shown on the record's History page."""

    change_reason = forms.CharField(
        label="Reason for change",
        required=False,
        max_length=500,
        strip=True,
        widget=forms.TextInput(attrs={"class": "vTextField"}),
        help_text="Optional. Kept in the History with this version, for example "
        "“Corrected the date from the ministry’s statement”.",
    )

    def validate_unique(self):
        """The clash of a slug in words, with what to do (Django says "… with this Slug
        already exists")."""
        try:
            self.instance.validate_unique(exclude=self._get_validation_exclusions())
        except ValidationError as error:
            if "slug" in getattr(error, "error_dict", {}):
                name = self._meta.model._meta.verbose_name
                error.error_dict["slug"] = [
                    ValidationError(
                        f"Another {name} already has this URL key (slug). Change it, or leave "
                        "it empty to have one made from the name.",
                        code="unique",
                    )
                ]
            self._update_errors(error)


class PartialDateModelForm(forms.ModelForm):
    """A ModelForm that edits each ``<name>_date`` + ``<name>_precision`` pair of its model as
    one PartialDateField called ``<name>``. List the names in ``partial_dates``."""

    partial_dates = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.partial_dates:
            if self.instance is not None and name in self.fields:
                date = getattr(self.instance, f"{name}_date", None)
                precision = getattr(self.instance, f"{name}_precision", "")
                if date is not None and precision:
                    self.initial.setdefault(name, PartialDate.of(date, precision).isoformat())

    def _update_errors(self, errors):
        # The model reports date problems on its own fields (start_date, start_precision);
        # show them on the one form field that edits the pair, unless it already has an error.
        error_dict = getattr(errors, "error_dict", None)
        if error_dict is not None:
            for name in self.partial_dates:
                for key in (f"{name}_date", f"{name}_precision"):
                    messages = error_dict.pop(key, [])
                    if messages and name not in self._errors:
                        error_dict.setdefault(name, []).extend(messages)
        super()._update_errors(errors)

    def clean(self):
        cleaned = super().clean()
        for name in self.partial_dates:
            if name in self.fields and name not in self.errors:
                value = cleaned.get(name)
                setattr(self.instance, f"{name}_date", value.date if value else None)
                setattr(self.instance, f"{name}_precision", value.precision if value else "")
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end.first < start.first:
            self.add_error("end", f"The end ({end}) cannot be before the start ({start}).")
        return cleaned
