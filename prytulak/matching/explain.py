"""Turn the engine's explanation data into a sentence in the reader's language."""

import datetime

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from prytulak.core.choices import SPOKEN_LANGUAGES

REASON_TEXT = {
    "too_large": lambda: _("larger than every offer"),
    "no_offer_nearby": lambda: _("no offer near where they want to go"),
    "no_offer_fits": lambda: _(
        "offers nearby, but none fits (beds, dates, pets, children, access or safeguarding)"
    ),
    "capacity": lambda: _("the offers that fit were taken by other households"),
    # refused when proposed: the world changed between loading and storing the run
    "taken": lambda: _(
        "the offers chosen were filled by other placements while the run was working"
    ),
    "offer_closed": lambda: _("the offer chosen was withdrawn or paused while the run was working"),
    "not_waiting": lambda: _("someone else proposed or placed them while the run was working"),
}


# The engine names the rule that the free offers within reach break most often.
REASON_TEXT.update({
    "beds": lambda: _("the free offers within reach have too few beds"),
    "pets": lambda: _("the free offers within reach do not take pets"),
    "children": lambda: _("the free offers within reach do not take children"),
    "step_free": lambda: _("the free offers within reach are not step-free"),
    "safeguarding": lambda: _("the free offers within reach fail the safeguarding rules"),
    "dates": lambda: _("the free offers within reach are not free on the dates needed"),
})  # fmt: skip


def certificate_text(summary: dict) -> str:
    """E.g. "Within 0.4 % of the best possible": the run's gap to its certified upper bound
    over every feasible pair within reach."""
    gap = summary.get("gap")
    if gap is None:
        return ""
    return _("Within %(gap)s %% of the best possible.") % {
        "gap": number_format(100 * gap, decimal_pos=1)
    }


def reason_text(code: str) -> str:
    return REASON_TEXT[code]() if code in REASON_TEXT else code


def explanation_text(why: dict) -> str:
    """E.g. "38 km from Medyka – Shehyni, speaks Ukrainian, accepts pets, free 1 Mar – 30 Jun"."""
    if not why:
        return ""
    parts = [
        # measured from the household's target (a preferred town, else where they arrived)
        _("%(km)d km from %(place)s")
        % {"km": round(why.get("km", 0)), "place": why.get("from", why.get("arrival", ""))}
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
