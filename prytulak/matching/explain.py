"""Turn the engine's explanation data into a sentence in the reader's language."""

import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from prytulak.core.choices import SPOKEN_LANGUAGES

REASON_TEXT = {
    "too_large": lambda: _("larger than every offer"),
    "no_offer_nearby": lambda: _("no offer near where they want to go"),
    "no_offer_fits": lambda: _(
        "offers nearby, but none fits (beds, dates, pets, children, access or safeguarding)"
    ),
    "capacity": lambda: _("the offers that fit were taken by other households"),
}


# The engine names the rule the free offers within reach break; until these have their own
# translated sentences they share the general one (the code is kept in the run's summary).
for _rule in ("beds", "pets", "children", "step_free", "safeguarding", "dates"):
    REASON_TEXT[_rule] = REASON_TEXT["no_offer_fits"]


def reason_text(code: str) -> str:
    return REASON_TEXT[code]() if code in REASON_TEXT else code


def explanation_text(why: dict) -> str:
    """E.g. "38 km from Medyka – Shehyni, speaks Ukrainian, accepts pets, free 1 Mar – 30 Jun"."""
    if not why:
        return ""
    parts = [
        _("%(km)d km from %(place)s")
        % {"km": round(why.get("km", 0)), "place": why.get("arrival", "")}
    ]
    names = dict(SPOKEN_LANGUAGES)
    languages = [str(names[c]) for c in why.get("languages", []) if c in names]
    if languages:
        parts.append(_("speaks %(languages)s") % {"languages": ", ".join(languages)})
    if why.get("pets"):
        parts.append(_("accepts pets"))
    if why.get("step_free"):
        parts.append(_("step-free"))
    start = datetime.date.fromisoformat(why["offer_from"]) if why.get("offer_from") else None
    end = datetime.date.fromisoformat(why["offer_to"]) if why.get("offer_to") else None
    if start and end:
        parts.append(
            _("free %(start)s – %(end)s")
            % {"start": date_format(start, "j M"), "end": date_format(end, "j M Y")}
        )
    elif start:
        parts.append(_("free from %(start)s") % {"start": date_format(start, "j M Y")})
    return ", ".join(parts)
