from django import forms
from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _


class TokenForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Acts as"),
        queryset=User.objects.none(),
        help_text=_("The key can do exactly what this member can do, nothing more."),
    )
    name = forms.CharField(
        label=_("What it is for"),
        max_length=100,
        help_text=_("For example: the shelter spreadsheet sync, or the Telegram helpdesk."),
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(memberships__organization=organization).order_by(
            "username"
        )
