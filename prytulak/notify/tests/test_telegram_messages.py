"""Every text the Telegram bot says is translated into each language with the same
placeholders, and each guided question renders in each language."""

import ast
import re
from pathlib import Path

import pytest
from django.utils import translation

from prytulak.notify import telegram, telegram_intake, telegram_party

LANGUAGES = ["uk", "ru", "be", "pl", "de", "lt"]
GETTEXT = {"_", "gettext", "gettext_lazy", "ngettext"}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _msgids():
    found = set()
    for module in (telegram, telegram_party, telegram_intake):
        tree = ast.parse(Path(module.__file__).read_text())
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            if node.func.id not in GETTEXT or not node.args:
                continue
            strings = [a.value for a in node.args[:2] if isinstance(a, ast.Constant)]
            if node.func.id == "ngettext":
                found.add((strings[0], strings[1]))
            else:
                found.add((strings[0], None))
    return sorted(found, key=str)


MSGIDS = _msgids()


def test_the_bot_modules_have_their_texts_found():
    assert len(MSGIDS) > 60  # the scan reads the modules, not nothing
    assert ("This button is not for this chat.", None) in MSGIDS


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_bot_text_is_translated_with_the_same_placeholders(language):
    untranslated = []
    for singular, plural in MSGIDS:
        with translation.override(language):
            if plural is None:
                texts = [(translation.gettext(singular), singular)]
            else:
                texts = [
                    (translation.ngettext(singular, plural, n), singular if n == 1 else plural)
                    for n in (1, 2, 5)
                ]
        for text, source in texts:
            if text == source:
                untranslated.append(source)
            assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(source)), (
                language,
                source,
                text,
            )
    assert untranslated == [], language


@pytest.mark.parametrize("language", [*LANGUAGES, "en"])
def test_each_guided_question_and_its_buttons_render_in_each_language(language):
    incoming = telegram.Incoming(chat=1, language=language, link=None, username="olena")
    data = {"children": 2}
    with translation.override(language):
        for flow, steps in telegram_intake.STEPS.items():
            for step in steps:
                question = step.ask()
                assert question and "%(" not in question, (flow, step.name)
                for row in step.buttons(incoming, data):
                    for label, value in row:
                        assert label and len(f"q:{step.name}:{value}".encode()) <= 64
        help_text = telegram.help_text()
        assert "/need" in help_text and "/offer" in help_text and "%(" not in help_text
