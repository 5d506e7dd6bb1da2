"""French is the default language: every message of the code has its French translation."""
from io import BytesIO
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "recond" / "translations" / "fr" / "LC_MESSAGES"


def _messages_in_code() -> set[str]:
    method_map = [("recond/**.py", "python"), ("recond/templates/**.html", "jinja2")]
    keywords = {"_": None, "_l": None, "lazy_gettext": None, "gettext": None}
    return {message for _f, _l, message, _c, _ctx in
            extract_from_dir(str(ROOT), method_map, keywords=keywords) if isinstance(message, str)}


def test_every_message_is_translated_into_french():
    catalogue = read_po((CATALOGUE / "messages.po").open("rb"))
    translated = {m.id: m.string for m in catalogue if m.id and m.string and not m.fuzzy}
    missing = sorted(_messages_in_code() - set(translated))
    assert not missing, f"run scripts/translations and translate: {missing}"


def test_the_compiled_catalogue_matches_its_source():
    source = {m.id: m.string for m in read_po((CATALOGUE / "messages.po").open("rb")) if m.id}
    compiled = {m.id: m.string for m in read_mo(BytesIO((CATALOGUE / "messages.mo").read_bytes()))
                if m.id}
    assert compiled == source, "run scripts/translations to compile messages.mo"


def test_no_message_breaks_when_formatted():
    """Templates always %-format their messages: a bare % in any text would raise at render."""
    import re

    for message in read_po((CATALOGUE / "messages.po").open("rb")):
        if not message.id:
            continue
        names = set(re.findall(r"%\((\w+)\)s", message.id))
        for text in (message.id, message.string):
            text % {name: "x" for name in names}  # raises on a stray %
