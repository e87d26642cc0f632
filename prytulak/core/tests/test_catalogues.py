"""The seven UI languages are complete, compiled and in step with the code."""

import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "prytulak" / "locale"
LANGS = [code for code, _name in settings.LANGUAGES if code != "en"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


@pytest.mark.parametrize("lang", LANGS)
def test_every_message_is_translated_and_keeps_its_placeholders(lang):
    po = polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))
    assert len(po) > 300
    assert po.percent_translated() == 100, [e.msgid for e in po.untranslated_entries()][:10]
    assert not po.fuzzy_entries()
    for entry in po:
        wanted = sorted(PLACEHOLDER.findall(entry.msgid))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for text in translations:
            assert sorted(PLACEHOLDER.findall(text)) == wanted, (lang, entry.msgid, text)


@pytest.mark.parametrize("lang", LANGS)
def test_the_compiled_catalogue_matches_the_source(lang):
    po = polib.pofile(str(LOCALE / lang / "LC_MESSAGES" / "django.po"))
    with open(LOCALE / lang / "LC_MESSAGES" / "django.mo", "rb") as f:
        mo = gettext.GNUTranslations(f)
    for entry in po:
        if entry.msgid_plural:
            continue
        if entry.msgctxt:
            assert mo.pgettext(entry.msgctxt, entry.msgid) == entry.msgstr, (lang, entry.msgid)
        else:
            assert mo.gettext(entry.msgid) == entry.msgstr, (lang, entry.msgid)


def test_the_catalogues_hold_every_string_in_the_code(tmp_path):
    """Extract messages from a copy of the code and compare with the committed catalogue."""
    copy = tmp_path / "prytulak"
    shutil.copytree(
        Path(settings.BASE_DIR) / "prytulak",
        copy,
        ignore=shutil.ignore_patterns("locale", "tests", "__pycache__", "static"),
    )
    (copy / "locale").mkdir()
    manage = Path(settings.BASE_DIR) / "manage.py"
    subprocess.run(
        [sys.executable, str(manage), "makemessages", "-l", "uk", "--no-location"],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    fresh = {e.msgid for e in polib.pofile(str(copy / "locale/uk/LC_MESSAGES/django.po"))}
    committed = {e.msgid for e in polib.pofile(str(LOCALE / "uk/LC_MESSAGES/django.po"))}
    assert fresh - committed == set(), "run `make messages` and translate the new strings"
    assert committed - fresh == set(), "run `make messages` to drop strings no longer used"
