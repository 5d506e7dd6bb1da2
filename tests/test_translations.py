"""French is the default language: every message of the code has its French translation."""
from io import BytesIO
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "recond" / "translations" / "fr" / "LC_MESSAGES"


def _key(text):
    """A message's id or string: text, or a tuple of texts for a plural (ngettext)."""
    return tuple(text) if isinstance(text, (list, tuple)) else text


def _texts(text) -> tuple:
    return tuple(text) if isinstance(text, (list, tuple)) else (text,)


def _messages_in_code() -> set:
    method_map = [("recond/**.py", "python"), ("recond/templates/**.html", "jinja2")]
    keywords = {"_": None, "_l": None, "lazy_gettext": None, "gettext": None,
                "ngettext": (1, 2)}
    return {_key(message) for _f, _l, message, _c, _ctx in
            extract_from_dir(str(ROOT), method_map, keywords=keywords)
            if all(isinstance(part, str) for part in _texts(message))}


def test_every_message_is_translated_into_french():
    catalogue = read_po((CATALOGUE / "messages.po").open("rb"))
    translated = {_key(m.id): m.string for m in catalogue
                  if m.id and all(_texts(m.string)) and not m.fuzzy}
    missing = sorted(_messages_in_code() - set(translated), key=str)
    assert not missing, f"run scripts/translations and translate: {missing}"


def test_the_compiled_catalogue_matches_its_source():
    source = {_key(m.id): _key(m.string) for m in read_po((CATALOGUE / "messages.po").open("rb"))
              if m.id}
    compiled = {_key(m.id): _key(m.string)
                for m in read_mo(BytesIO((CATALOGUE / "messages.mo").read_bytes())) if m.id}
    assert compiled == source, "run scripts/translations to compile messages.mo"


def test_no_message_breaks_when_formatted():
    """Templates always %-format their messages: a bare % in any text would raise at render."""
    import re

    for message in read_po((CATALOGUE / "messages.po").open("rb")):
        if not message.id:
            continue
        names = {name for text in _texts(message.id) for name in re.findall(r"%\((\w+)\)s", text)}
        for text in _texts(message.id) + _texts(message.string):
            text % {name: "x" for name in names | {"num"}}  # raises on a stray %
