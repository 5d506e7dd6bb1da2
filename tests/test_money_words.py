"""Amounts in French words, as a receipt writes them (traditional spelling)."""
import pytest

from recond.money_words import euros_in_words, number_in_words


@pytest.mark.parametrize("n,words", [
    (0, "zéro"), (1, "un"), (16, "seize"), (17, "dix-sept"), (20, "vingt"),
    (21, "vingt et un"), (22, "vingt-deux"), (31, "trente et un"), (61, "soixante et un"),
    (70, "soixante-dix"), (71, "soixante et onze"), (77, "soixante-dix-sept"),
    (80, "quatre-vingts"), (81, "quatre-vingt-un"), (90, "quatre-vingt-dix"),
    (91, "quatre-vingt-onze"), (99, "quatre-vingt-dix-neuf"), (100, "cent"), (101, "cent un"),
    (180, "cent quatre-vingts"), (200, "deux cents"), (201, "deux cent un"),
    (280, "deux cent quatre-vingts"), (1000, "mille"), (1001, "mille un"),
    (1250, "mille deux cent cinquante"), (2000, "deux mille"), (21_000, "vingt et un mille"),
    (80_000, "quatre-vingt mille"), (200_000, "deux cent mille"),
    (180_080, "cent quatre-vingt mille quatre-vingts"), (1_000_000, "un million"),
    (2_000_000, "deux millions"), (200_000_000, "deux cents millions"),
    (80_000_000, "quatre-vingts millions"), (1_000_000_000, "un milliard"),
    (3_201_001_071, "trois milliards deux cent un millions mille soixante et onze"),
])
def test_numbers(n, words):
    assert number_in_words(n) == words


@pytest.mark.parametrize("cents,words", [
    (0, "zéro euro"), (1, "un centime"), (99, "quatre-vingt-dix-neuf centimes"),
    (80, "quatre-vingts centimes"), (100, "un euro"), (101, "un euro et un centime"),
    (200, "deux euros"), (125050, "mille deux cent cinquante euros et cinquante centimes"),
    (500000, "cinq mille euros"), (8000, "quatre-vingts euros"),
    (100_000_000, "un million d'euros"), (200_000_000, "deux millions d'euros"),
    (100_010_000, "un million cent euros"), (100_000_001, "un million d'euros et un centime"),
])
def test_euros(cents, words):
    assert euros_in_words(cents) == words


@pytest.mark.parametrize("wrong", [-1, 1.5, True, "12", 10 ** 15])
def test_what_is_no_amount_is_refused(wrong):
    with pytest.raises(ValueError):
        euros_in_words(wrong)
