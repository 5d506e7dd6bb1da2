"""SIRET, the 14-digit French establishment number, and its Luhn check."""

# La Poste's establishments share one SIREN and follow their own rule (digit sum divisible by 5).
_LA_POSTE_SIREN = "356000000"


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def normalise(raw: str) -> str:
    """Drop the spaces and dots people type between the groups ("552 100 554 00019")."""
    return "".join(ch for ch in raw if not ch.isspace() and ch != ".")


def is_valid(siret: str) -> bool:
    if len(siret) != 14 or not (siret.isascii() and siret.isdigit()):
        return False
    if siret.startswith(_LA_POSTE_SIREN) and siret != "35600000000048":
        return sum(int(c) for c in siret) % 5 == 0
    return luhn_valid(siret)
