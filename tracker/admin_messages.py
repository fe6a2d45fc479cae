"""What the admin tells an editor when it refuses something: the constraint's own message for a
row that repeats another, and, for a delete that other records block, each of those records
once, in words, with a link to the page where it can be changed."""

from django.db.models import UniqueConstraint
from django.forms.models import BaseInlineFormSet

REPEATED_ROW = "This row repeats another: change it or delete it."


class ConstraintMessagesFormSet(BaseInlineFormSet):
    """An inline formset whose "duplicate" errors are the model's own words (a
    ``UniqueConstraint``'s ``violation_error_message``), not Django's "Please correct the
    duplicate data for source"."""

    def get_unique_error_message(self, unique_check):
        wanted = set(unique_check) | {self.fk.name}
        for constraint in self.model._meta.constraints:
            if isinstance(constraint, UniqueConstraint) and set(constraint.fields) == wanted:
                return constraint.get_violation_error_message()
        return super().get_unique_error_message(unique_check)

    def get_form_error(self):
        return REPEATED_ROW
