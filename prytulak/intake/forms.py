from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from prytulak.core.i18n import brand
from prytulak.housing.forms import OfferForm


def _consent_label() -> str:
    return gettext(
        "I agree that %(brand)s and its partner organisations store these details to "
        "find a place to stay, and delete them when they are no longer needed."
    ) % {"brand": brand()}


class IntakeExtrasForm(forms.Form):
    """Consent, and a honeypot field that people never see and bots fill in."""

    consent = forms.BooleanField(
        label=lazy(_consent_label, str)(),
        error_messages={"required": _("We can only help if you agree to this.")},
    )
    website = forms.CharField(required=False, label=_("Leave this empty"))

    def is_spam(self) -> bool:
        return bool(self.data.get("website"))


class PublicOfferForm(OfferForm):
    allow_past_start = False
