from django import forms
from django.utils.translation import gettext_lazy as _

from .fields import COLUMNS
from .models import ImportKind


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("The file holds"), choices=ImportKind.choices, widget=forms.RadioSelect
    )
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("CSV or XLSX with a row naming the columns; up to 5 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.txt"}),
    )


class MappingForm(forms.Form):
    """For each column we understand, which column of the sheet holds it."""

    def __init__(self, *args, job, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in this file —"))] + [
            (str(i), header or _("Column %(n)d") % {"n": i + 1})
            for i, header in enumerate(job.headers)
        ]
        for column in COLUMNS[job.kind]:
            self.fields[column.name] = forms.TypedChoiceField(
                label=column.label,
                choices=choices,
                coerce=int,
                empty_value=None,
                required=column.required,
                initial=job.mapping.get(column.name),
            )

    def mapping(self) -> dict[str, int]:
        return {k: v for k, v in self.cleaned_data.items() if v is not None}


class TableForm(forms.Form):
    """Which sheet holds the table, and which of its rows names the columns."""

    sheet = forms.TypedChoiceField(label=_("Sheet"), coerce=int, choices=[])
    header_row = forms.IntegerField(label=_("Row naming the columns"), min_value=1)

    def __init__(self, *args, job, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["sheet"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [(i, name) for i, name in enumerate(job.sheets)]
        self.initial = {"sheet": job.sheet, "header_row": job.header_row}
