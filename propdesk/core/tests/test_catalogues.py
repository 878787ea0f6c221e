"""English is complete: every message of every catalogue has its translation, and none is a
guess makemessages left behind (a fuzzy entry is not compiled: the page shows Chinese)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(ROOT.rglob("locale/en/LC_MESSAGES/django.po"))
ENTRY = re.compile(r"\n\n(?=#|msgid)")


def entries(path: Path) -> list[str]:
    return [e for e in ENTRY.split(path.read_text(encoding="utf-8")) if "msgid" in e][1:]


def untranslated(entry: str) -> bool:
    if entry.lstrip().startswith("#~"):
        return False  # obsolete: kept for history, not used
    strings = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', entry + "\n", flags=re.M)
    return any(not "".join(re.findall(r'"(.*)"', s)) for s in strings)


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_message_has_its_english(path):
    fuzzy = [e.split("msgid", 1)[1][:60] for e in entries(path) if "#, fuzzy" in e]
    missing = [e.split("msgid", 1)[1][:60] for e in entries(path) if untranslated(e)]
    assert fuzzy == [], f"fuzzy (not compiled) in {path.name}"
    assert missing == [], f"untranslated in {path.name}"


def test_the_catalogues_are_found():
    assert len(CATALOGUES) >= 3
