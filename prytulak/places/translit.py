"""A coarse Latin "skeleton" of a name, equal for its Cyrillic and Latin spellings.

"Олена" and "Olena", "Юлія", "Yulia", "Yuliia" and "Julia", "Ольга" and "Olga" share one
skeleton, so a name or a town typed in one script finds what was written in the other.

Cyrillic is first transliterated with the Ukrainian national system (Cabinet of Ministers of
Ukraine resolution No. 55 of 27 January 2010, non-initial forms), extended with the Russian and
Belarusian letters (ы, э, ё, ъ, ў) as in BGN/PCGN. Latin spellings are then reduced to what the
usual romanisations of the same name have in common (y/j/i, g/h, kh/h, w/v, ts/c, doubled
letters), and Czech, Slovak, Lithuanian and Polish digraphs are read as the sounds they spell.
The skeleton is for matching only; it is never shown.
"""

from __future__ import annotations

import re
import unicodedata

_CYRILLIC = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie",
        "ё": "io", "ж": "zh", "з": "z", "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k",
        "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
        "у": "u", "ў": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
        "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia",
    }
)  # fmt: skip
# Latin letters with a háček or a stroke spell sounds that English-style romanisation writes
# as digraphs: "Šehynis" (lt) and "Shehyni" are the same village.
_LATIN = str.maketrans(
    {"š": "sh", "č": "ch", "ž": "zh", "ř": "rzh", "ł": "l", "ß": "ss", "ø": "o", "đ": "d"}
)
# Digraphs of Polish and German, and the differences between romanisations, in order.
_SOUNDS = [
    ("tsch", "ch"), ("sch", "sh"), ("sz", "sh"), ("cz", "ch"), ("rz", "zh"),
    ("kh", "h"), ("g", "h"), ("w", "v"), ("ph", "f"), ("tz", "c"), ("ts", "c"),
    ("j", "i"), ("y", "i"), ("q", "k"), ("x", "ks"),
]  # fmt: skip
_NOT_LETTERS = re.compile(r"[^a-z]+")
_APOSTROPHES = re.compile(r"['’ʼ`´]")
_DOUBLED = re.compile(r"([a-z])\1+")


def skeleton(text: str) -> str:
    """The matching form of a name: lower-case ASCII words separated by single spaces."""
    text = _APOSTROPHES.sub("", text.casefold().translate(_LATIN).translate(_CYRILLIC))
    text = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )
    text = _NOT_LETTERS.sub(" ", text)
    for written, sound in _SOUNDS:
        text = text.replace(written, sound)
    return _DOUBLED.sub(r"\1", text).strip()


def has_cyrillic(text: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in text)
