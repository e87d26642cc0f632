"""The Content-Security-Policy forbids inline code, so no template may contain any."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),  # a script without src
    re.compile(r"\sstyle=", re.I),
    re.compile(r"<style", re.I),
    re.compile(r"\son[a-z]+=", re.I),  # onclick= and friends
    re.compile(r"javascript:", re.I),
]


def test_no_template_holds_inline_scripts_or_styles():
    files = list(TEMPLATES.rglob("*.html"))
    assert len(files) > 20
    found = [
        f"{path.relative_to(TEMPLATES)}: {pattern.pattern}"
        for path in files
        for pattern in INLINE
        if pattern.search(path.read_text())
    ]
    assert found == []


def test_the_check_finds_inline_code_when_there_is_some():
    sample = '<p style="color:red" onclick="x()"><script>alert(1)</script>'
    assert sum(1 for pattern in INLINE if pattern.search(sample)) == 3
