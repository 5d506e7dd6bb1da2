import pytest

from recond import siret


@pytest.mark.parametrize("value", ["84123456700011", "73282932000074", "35600000000048"])
def test_valid_sirets(value):
    assert siret.is_valid(value)


@pytest.mark.parametrize("value", ["84123456700012", "8412345670001", "8412345670001A", "", "²" * 14, "٣" * 14])
def test_invalid_sirets(value):
    assert not siret.is_valid(value)


def test_la_poste_establishments_follow_their_own_rule():
    assert siret.is_valid("35600000049837")  # digit sum divisible by 5, Luhn would refuse
    assert not siret.luhn_valid("35600000049837")


def test_normalise_drops_spaces_and_dots():
    assert siret.normalise("841 234 567 000.11") == "84123456700011"
