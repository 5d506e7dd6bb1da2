"""Gifts ready for a donation receipt, built as people build them: the issuer's and the
donor's profiles filled in, devices registered, the deposit collected, some devices received
(others missing), the reception closed, the value declared by the donor."""
from __future__ import annotations

from recond import lifecycle
from recond.collection import deposits, donors, reception
from recond.extensions import db
from recond.identity import organisations

PROFILE = {"legal_form": "Association loi 1901", "address": "12 rue des Ateliers",
           "postcode": "92000", "commune": "Nanterre", "rna": "W922001234",
           "tax_status": "interet_general",
           "purpose": "Collecte et reconditionnement d'ordinateurs donnés par les entreprises, "
                      "au profit de l'inclusion numérique",
           "signatory_name": "Claire Dubois", "signatory_position": "Présidente"}
DONOR = {"legal_form": "SAS", "address": "5 avenue Gambetta", "postcode": "92400",
         "commune": "Courbevoie"}
SIDES = {"a": ("collector_a", "donor_x", "tech_a", "workshop_a"),
         "b": ("collector_b", "donor_y", "tech_b", "workshop_b")}


def fill_profiles(world) -> None:
    for side in SIDES.values():
        collector, donor = side[0], side[1]
        organisations.update_receipt_profile(world["coordinator"], world.orgs[collector], **PROFILE)
        donors.update_identity(world[collector], world.orgs[donor], **DONOR)
    db.session.commit()


def new_deposit(world, side: str = "a"):
    collector, donor, _, workshop = SIDES[side]
    deposit = deposits.create_deposit(world[collector], donor=world.orgs[donor],
                                      workshop=world.orgs[workshop], items=[("laptop", 3)])
    db.session.commit()
    return deposit


def received_gift(world, deposit=None, *, side: str = "a", received: int = 2, missing: int = 1,
                  value_cents: int | None = 125050):
    """(deposit, devices received, devices missing)."""
    collector, donor, tech, _ = SIDES[side]
    deposit = deposit or world.deposits[side]
    devices = []
    for i in range(received + missing):
        world.serial += 1
        devices.append(lifecycle.register(
            world[collector], deposit, category="desktop" if i == received else "laptop",
            brand="Lenovo", model=f"ThinkPad T{480 + i}", serial=f"PF{side.upper()}{world.serial:05d}",
            specs={}, media=[]))
    if deposit.collected_at is None:  # the world's deposits came collected
        deposits.mark_collected(world[collector], deposit)
    for device in devices[:received]:
        reception.scan_in(world[tech], deposit, device.serial)
    reception.close(world[tech], deposit)
    if value_cents is not None:
        deposits.record_valuation(world[donor], deposit, valuation_cents=value_cents,
                                  signatory="Sophie Martin, directrice financière",
                                  basis="cost_price")
    db.session.commit()
    return deposit, devices[:received], devices[received:]
