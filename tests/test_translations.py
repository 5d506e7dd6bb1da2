"""French is the default language: every message of the code has its French translation."""
from io import BytesIO
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "recond" / "translations" / "fr" / "LC_MESSAGES"


def _key(message) -> tuple:
    """(context, id): a plural's id is its singular; "Grade" the noun and ("action", "Grade")
    the verb are two messages."""
    ident = message.id if isinstance(message.id, str) else message.id[0]
    return message.context, ident


def _text(string):
    return string if isinstance(string, str) else tuple(string)


def _messages_in_code() -> set[tuple]:
    method_map = [("recond/**.py", "python"), ("recond/templates/**.html", "jinja2")]
    keywords = {"_": None, "_l": None, "lazy_gettext": None, "gettext": None,
                "ngettext": (1, 2), "lazy_pgettext": ((1, "c"), 2), "pgettext": ((1, "c"), 2)}
    return {(context, message if isinstance(message, str) else message[0])
            for _f, _l, message, _c, context in
            extract_from_dir(str(ROOT), method_map, keywords=keywords)}


def test_every_message_is_translated_into_french():
    catalogue = read_po((CATALOGUE / "messages.po").open("rb"))
    translated = {_key(m) for m in catalogue
                  if m.id and m.string and all(_text(m.string)) and not m.fuzzy}
    missing = sorted(_messages_in_code() - translated, key=str)
    assert not missing, f"run scripts/translations and translate: {missing}"


def test_the_compiled_catalogue_matches_its_source():
    source = {_key(m): _text(m.string) for m in read_po((CATALOGUE / "messages.po").open("rb"))
              if m.id}
    compiled = {_key(m): _text(m.string)
                for m in read_mo(BytesIO((CATALOGUE / "messages.mo").read_bytes())) if m.id}
    assert compiled == source, "run scripts/translations to compile messages.mo"


def test_no_message_breaks_when_formatted():
    """Templates always %-format their messages: a bare % in any text would raise at render."""
    import re

    for message in read_po((CATALOGUE / "messages.po").open("rb")):
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        names = {name for text in ids for name in re.findall(r"%\((\w+)\)[sd]", text)}
        for text in ids + strings:
            text % {name: 1 for name in names}  # raises on a stray %
