"""Money in one module: typed amounts read to the cent, amounts written for people and for form
fields in the reader's language, and no other module formatting or parsing money itself."""
import re
from pathlib import Path

import pytest
from flask_babel import force_locale

from recond import money
from recond.errors import InvalidInput

ROOT = Path(__file__).resolve().parent.parent / "recond"


@pytest.mark.parametrize("cents, french, english", [
    (123450, "1\u202f234,50\u00a0€", "€1,234.50"), (5, "0,05\u00a0€", "€0.05"),
    (4000, "40,00\u00a0€", "€40.00"), (-500, "-5,00\u00a0€", "-€5.00"),
])
def test_money_for_people_in_their_language(app, cents, french, english):
    with force_locale("fr"):
        assert money.format_money(cents) == french
        with force_locale("en"):
            assert money.format_money(cents) == english
            assert money.format_money(cents, "fr") == french  # paperwork is French


@pytest.mark.parametrize("cents", [0, 1, 5, 99, 100, 3550, 123456, 99_999_99, 100_000_00])
def test_a_prefilled_field_reads_back_to_the_same_cents(app, cents):
    with force_locale("fr"):
        for language in ("fr", "en"):
            with force_locale(language):
                typed = money.format_euros(cents)
                assert money.parse_euros(typed) == cents
        assert money.format_euros(123450) == "1234,50"
        assert money.format_euros(123450, "en") == "1234.50"


def test_more_than_the_ceiling_is_refused_and_says_the_ceiling(app):
    with force_locale("en"):
        with pytest.raises(InvalidInput) as refused:
            money.parse_euros("100 000,01")
        assert "€100,000.00" in str(refused.value.message)
        assert money.parse_euros("1 000 000", ceiling_cents=1_000_000_000) == 100_000_000


def test_a_french_pdf_prints_plain_spaces(app):
    """The PDFs' built-in fonts lack the narrow no-break space: the paperwork prints plain ones."""
    from recond.documents import pdf

    with force_locale("fr"):
        paragraph = pdf.text(money.format_money(125050, "fr"))
    assert paragraph.text == "1 250,50 €"


# What formatting money by hand looks like: cents divided by 100 into a string, a currency
# formatter, a two-decimal format.
_BY_HAND = re.compile(r"format_currency|cents\s*/\s*100|/\s*100\s*:\s*,?\.2f|'%\.2f'")


def test_no_other_module_formats_or_parses_money():
    found = []
    for path in sorted(ROOT.rglob("*")):
        if path.suffix not in (".py", ".html") or path.name == "money.py" or "static" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if _BY_HAND.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "money formatted by hand (use recond.money):\n" + "\n".join(found)
