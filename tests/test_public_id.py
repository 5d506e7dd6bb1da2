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
