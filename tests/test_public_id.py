import itertools

import pytest

from recond import public_id


def test_alphabet_has_nothing_ambiguous_nor_layout_dependent():
    # O/0 and I/1 are misread; A/Q, Z/W and M move between QWERTY and AZERTY; digits need
    # shift on AZERTY. None of them may appear in an ID.
    assert not set(public_id.ALPHABET) & set("OI0123456789AQZWM")
    assert public_id.ALPHABET == public_id.ALPHABET.upper()


def test_generated_ids_are_valid_and_short():
    for _ in range(500):
        code = public_id.generate()
        assert len(code) == 8 and public_id.is_valid(code)


@pytest.mark.parametrize("seed", range(30))
def test_every_single_substitution_is_caught(seed):
    code = public_id.generate()
    for position, other in itertools.product(range(len(code)), public_id.ALPHABET):
        if other != code[position]:
            assert not public_id.is_valid(code[:position] + other + code[position + 1:])


@pytest.mark.parametrize("seed", range(30))
def test_every_swap_of_two_characters_is_caught(seed):
    code = public_id.generate()
    for i, j in itertools.combinations(range(len(code)), 2):
        if code[i] != code[j]:
            chars = list(code)
            chars[i], chars[j] = chars[j], chars[i]
            assert not public_id.is_valid("".join(chars))


def test_normalise_accepts_what_people_and_printers_add():
    code = public_id.generate()
    assert public_id.normalise(f" {code[:4].lower()} {code[4:]}-") == code
    assert public_id.display(code) == f"{code[:4]} {code[4:]}"


def test_ids_generated_in_bulk_are_valid_and_use_the_whole_alphabet():
    codes = public_id.generate_many(5000)
    assert len(codes) == 5000 and all(public_id.is_valid(c) for c in codes)
    assert len(set(codes)) > 4990
    assert set("".join(c[:-1] for c in codes)) == set(public_id.ALPHABET)


# --- a device's public URL: one builder, one reader ----------------------------------------------

def test_the_public_url_is_built_in_one_place(app):
    app.config["PUBLIC_URL"] = "https://recond.example.org"
    assert public_id.url_of("BCDFGHJK") == "https://recond.example.org/d/BCDFGHJK"
    assert public_id.url_of("BCDFGHJK", "https://other.test/") == "https://other.test/d/BCDFGHJK"
    assert public_id.path_of("BCDFGHJK") == "/d/BCDFGHJK"


@pytest.mark.parametrize("scanned", [
    "BCDFGHJK", "bcdf-ghjk", " BCDF GHJK ", "https://recond.example.org/d/BCDFGHJK",
    "http://127.0.0.1:5000/d/bcdfghjk/", "https://old.host/d/BCDFGHJK?src=qr", "/d/BCDFGHJK#top",
])
def test_the_id_is_read_back_from_what_was_scanned(scanned):
    assert public_id.from_scanned(scanned) == "BCDFGHJK"


def test_a_url_that_is_not_a_device_page_is_read_as_typed():
    assert public_id.from_scanned("https://recond.example.org/deposits/D-2026-0001") != "D20260001"
    assert not public_id.looks_like_id(public_id.from_scanned("https://x.test/d/BCDFGHJKX"))


def test_no_other_module_builds_or_parses_a_device_url():
    import re
    from pathlib import Path

    root = Path(public_id.__file__).parent
    by_hand = re.compile(r"/d/\{|/d/\(")  # an f-string of the URL, or a pattern reading one
    found = [f"{path.relative_to(root)}:{number}"
             for path in sorted(root.rglob("*.py")) if path.name != "public_id.py"
             for number, line in enumerate(path.read_text().splitlines(), 1)
             if by_hand.search(line)]
    assert not found, f"device URLs made by hand (use public_id.url_of / from_scanned): {found}"
