"""What a scanner types, resolved to the right device or refused with a clear reason."""
import pytest

from recond import public_id, scan
from recond.errors import Conflict, InvalidInput, NotFound
from recond.extensions import db

# What a scanner set to QWERTY produces on a computer set to AZERTY, key by key.
QWERTY_ON_AZERTY = str.maketrans("1234567890aqzwmAQZWM", "&é\"'(-è_çàqawz,QAWZ?")


def test_id_as_printed_typed_or_lowercased(world):
    device = world.device()
    tech = world["tech_a"]
    for typed in (device.public_id, device.public_id.lower(), public_id.display(device.public_id),
                  f"{device.public_id[:4]}-{device.public_id[4:]}\t"):
        assert scan.resolve(tech, typed) is device


def test_qr_url_and_its_azerty_garbled_form(world):
    device = world.device()
    url = f"https://recond.test/d/{device.public_id}"
    assert scan.resolve(world["tech_a"], url) is device
    # a 2D scanner in QWERTY mode on an AZERTY machine types ':' as 'M' and '/' as '!'
    assert scan.resolve(world["tech_a"], f"httpsM!!recond:test!d!{device.public_id}") is device


def test_serial_and_serial_typed_in_azerty_mode(world):
    device = world.device()
    garbled = device.serial.translate(QWERTY_ON_AZERTY)
    assert garbled != device.serial
    assert scan.resolve(world["tech_a"], device.serial.lower()) is device
    assert scan.resolve(world["tech_a"], garbled) is device


def test_wrong_check_character_is_refused_never_another_device(world):
    device = world.device()
    code = device.public_id
    wrong = code[:-1] + next(c for c in public_id.ALPHABET if c != code[-1])
    with pytest.raises(NotFound) as refused:
        scan.resolve(world["tech_a"], wrong)
    assert refused.value.code == "bad_check_character"


def test_another_workshops_device_is_not_found(world):
    device = world.device(lot="b")
    with pytest.raises(NotFound):
        scan.resolve(world["tech_a"], device.public_id)
    with pytest.raises(NotFound):
        scan.resolve(world["tech_a"], device.serial)


def test_two_devices_with_one_serial_is_a_conflict_not_a_guess(world):
    first, second = world.device(), world.device()
    second.serial_key = first.serial_key  # e.g. "To be filled by O.E.M." on two boards
    db.session.commit()
    with pytest.raises(Conflict) as conflict:
        scan.resolve(world["tech_a"], first.serial)
    assert set(conflict.value.details["devices"]) == {first.public_id, second.public_id}


@pytest.mark.parametrize("typed", ["", "   ", "X" * 301])
def test_empty_or_absurd_input(world, typed):
    with pytest.raises(InvalidInput):
        scan.resolve(world["tech_a"], typed)
