"""Choices shared by several apps."""

from django.utils.translation import gettext_lazy as _

# Languages people speak, for matching hosts and households (not the UI languages).
SPOKEN_LANGUAGES = [
    ("uk", _("Ukrainian")),
    ("ru", _("Russian")),
    ("be", _("Belarusian")),
    ("crh", _("Crimean Tatar")),
    ("en", _("English")),
    ("pl", _("Polish")),
    ("de", _("German")),
    ("cs", _("Czech")),
    ("sk", _("Slovak")),
    ("hu", _("Hungarian")),
    ("ro", _("Romanian")),
    ("lt", _("Lithuanian")),
    ("lv", _("Latvian")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("it", _("Italian")),
]
SPOKEN_LANGUAGE_CODES = frozenset(code for code, _name in SPOKEN_LANGUAGES)
