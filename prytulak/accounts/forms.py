from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import ngettext


class LoginForm(AuthenticationForm):
    """Django's login form sets the username's max_length without validating it; an overlong
    name would then reach the lockout records (varchar 255) and fail there."""

    def clean_username(self) -> str:
        username = self.cleaned_data.get("username") or ""
        if len(username) > 150:
            raise forms.ValidationError(
                ngettext(
                    "A user name has at most %(max)s character.",
                    "A user name has at most %(max)s characters.",
                    150,
                )
                % {"max": 150},
                code="max_length",
            )
        return username
