"""Choice fields that treat an impossible id as an invalid choice.

Django's ModelChoiceField turns "abc" into a clean form error, but a huge number
reaches the database and fails there (OverflowError on SQLite, DataError on
PostgreSQL): a 500 on bad input. Every id outside a bigint is refused first.
"""

from django import forms
from django.core.exceptions import ValidationError

MAX_ID = 2**63 - 1


def _plausible(value) -> bool:
    try:
        return 0 < int(str(value).strip()) <= MAX_ID
    except (TypeError, ValueError):
        return False


class ModelChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        if value not in self.empty_values and not _plausible(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        for item in value:
            if not _plausible(item):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": str(item)[:20]},
                )
        return super()._check_values(value)
