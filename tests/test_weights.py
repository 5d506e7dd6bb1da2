"""Weights in one module: kilograms typed with a comma or a point, read to the gram and never
rounded; weights written for people in their language ("7,4 kg"); no other module dividing
grams by hand."""
import re
from pathlib import Path

import pytest
from flask_babel import force_locale

from recond import weights
from recond.errors import InvalidInput

ROOT = Path(__file__).resolve().parent.parent / "recond"


@pytest.mark.parametrize("typed, grams", [
    ("7,4", 7400), ("7.4", 7400), (" 7,4 kg ", 7400), ("12", 12000), ("0,850", 850),
    ("0,001", 1), ("1 250", 1_250_000), ("100000", 100_000_000), (7.4, 7400), (3, 3000),
])
def test_kilograms_as_people_type_them(typed, grams):
    assert weights.parse_kg(typed) == grams


@pytest.mark.parametrize("typed", ["", "0", "0,0", "-2", "7,4567", "1e3", "NaN", "Infinity",
                                   "sept", "7,4,1", "100000,001", "9" * 5000, None, "²"])
def test_anything_else_is_refused_never_rounded(app, typed):
    with pytest.raises(InvalidInput) as refused:
        weights.parse_kg(typed)
    assert refused.value.code == "invalid_weight"


@pytest.mark.parametrize("grams, french, english", [
    (7400, "7,4\u00a0kg", "7.4\u00a0kg"), (850, "0,85\u00a0kg", "0.85\u00a0kg"),
    (1_250_000, "1\u202f250\u00a0kg", "1,250\u00a0kg"), (2345, "2,345\u00a0kg", "2.345\u00a0kg"),
    (None, "—", "—"),
])
def test_weights_for_people_in_their_language(app, grams, french, english):
    with force_locale("en"):
        assert weights.format_kg(grams) == english
        assert weights.format_kg(grams, "fr") == french  # paperwork is French


# What writing a weight by hand looks like: grams divided by 1000, or rounded for display.
_BY_HAND = re.compile(r"grams\s*/\s*1000|weight_grams\s*/|/\s*1000\)\|round")


def test_no_other_module_formats_weights():
    found = []
    for path in sorted(ROOT.rglob("*")):
        if path.suffix not in (".py", ".html") or path.name == "weights.py" or "static" in path.parts:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if _BY_HAND.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "weight formatted by hand (use recond.weights):\n" + "\n".join(found)
