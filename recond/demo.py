"""A realistic demo data set, built through the same domain functions people use.

Four territories of the Hauts-de-Seine, donor companies with valid SIRETs, a collection
partner, two workshops (a laptop on its way from one to the other), structures, devices in
every status with their history, and one user per role. Passwords are generated per
installation, never written in the code.
"""
from __future__ import annotations

import secrets
from datetime import date, timedelta

from sqlalchemy import select

from recond import lifecycle
from recond.identity import accounts, organisations
from recond.distribution import (
    beneficiaries, deliveries, equipment_requests, payments, pricing, public_help, structures,
    training,
)
from recond.collection import conventions, deposits, donors, pickups, reception
from recond.workshop import certificates, os_catalogue, recycling, sanitisation, transfers
from recond.categories import CATEGORIES, GRADES
from recond.extensions import db
from recond.models import Organisation, OrganisationKind as K, Role, Tier

COORDINATION = "Département des Hauts-de-Seine — France Numérique Ensemble"

ORGANISATIONS = [
    (COORDINATION, K.COORDINATION, None, "92050"),
    ("Collecte Solidaire 92", K.COLLECTOR, "33987654300044", "92036"),
    ("Atelier Réemploi Nanterre", K.WORKSHOP, "88776655400018", "92050"),
    ("ESAT Numérique Vallée Sud", K.WORKSHOP, None, "92002"),
    ("Assurances Seine Ouest", K.DONOR, "84123456700011", "92026"),
    ("Banque du Parvis", K.DONOR, "79234567800025", "92062"),
    ("Énergies Boucle Nord", K.DONOR, "53109876500039", "92036"),
    ("Centre social Les Fossés-Jean", K.STRUCTURE, "44200133700017", "92025"),
    ("France Services Bagneux", K.STRUCTURE, None, "92007"),
    ("Médiathèque d'Issy-les-Moulineaux", K.STRUCTURE, None, "92040"),
    ("Association Lien Numérique Puteaux", K.STRUCTURE, "90123456700120", "92062"),
]

USERS = [
    ("admin@recond.demo", Role.ADMIN, COORDINATION, "Camille Admin"),
    ("coordination@recond.demo", Role.COORDINATOR, COORDINATION, "Nadia Coordination"),
    ("collecte@recond.demo", Role.COLLECTOR, "Collecte Solidaire 92", "Karim Collecte"),
    ("atelier@recond.demo", Role.TECHNICIAN, "Atelier Réemploi Nanterre", "Léa Atelier"),
    ("structure@recond.demo", Role.STRUCTURE, "Centre social Les Fossés-Jean", "Julien Médiation"),
    ("structure-issy@recond.demo", Role.STRUCTURE, "Médiathèque d'Issy-les-Moulineaux", "Inès Médiathèque"),
    ("donateur@recond.demo", Role.DONOR, "Assurances Seine Ouest", "Sophie RSE"),
]

# Social prices in cents, by grade, for a laptop; other categories scale from it.
_BASE = {"A": 6000, "B": 4500, "C": 3000}
_TIER_FACTOR = {Tier.MINIMA_SOCIAUX: 0.5, Tier.JOB_SEEKER: 0.6, Tier.YOUNG_OR_STUDENT: 0.6,
                Tier.LOW_INCOME: 0.8, Tier.OWN_USE: 1.0}
_CATEGORY_FACTOR = {"laptop": 1.0, "desktop": 0.8, "tablet": 0.7, "phone": 0.6, "screen": 0.4,
                    "peripheral": 0.2}

LAPTOPS = [("Dell", "Latitude 5490", "i5-8350U", 8, 256), ("Lenovo", "ThinkPad T480", "i5-8250U", 8, 256),
           ("HP", "EliteBook 840 G5", "i5-8250U", 16, 512), ("Dell", "Latitude 7400", "i7-8665U", 16, 256),
           ("Lenovo", "ThinkPad X280", "i5-8350U", 8, 256), ("HP", "ProBook 450 G6", "i3-8145U", 8, 256)]


def already_loaded() -> bool:
    return db.session.scalar(select(Organisation.id).where(Organisation.name == COORDINATION)) is not None


def load(password: str | None = None) -> dict[str, str]:
    """Create the demo; return {email: password}. The caller commits."""
    password = password or secrets.token_urlsafe(9)
    orgs = {name: accounts.create_organisation(name, kind, siret=siret, insee_code=insee)
            for name, kind, siret, insee in ORGANISATIONS if kind != K.DONOR}
    users = {}
    for email, role, org, name in USERS:
        if role == Role.DONOR:
            continue
        users[email] = accounts.create_user(email, role=role, organisation=orgs[org],
                                            password=password, name=name)
    # Donor companies come in through the collection partner that manages them.
    for name, kind, siret, insee in ORGANISATIONS:
        if kind == K.DONOR:
            orgs[name] = donors.create_donor(users["collecte@recond.demo"], name=name,
                                             siret=siret, insee_code=insee)
    donor_site = donors.add_site(users["collecte@recond.demo"], orgs["Assurances Seine Ouest"],
                                 label="Siège La Défense", address="1 place des Saisons",
                                 postcode="92400")
    donors.add_contact(users["collecte@recond.demo"], orgs["Assurances Seine Ouest"],
                       name="Sophie Martin", title="Responsable RSE", email="rse@aso.example")
    for email, role, org, name in USERS:
        if role == Role.DONOR:
            users[email] = accounts.create_user(email, role=role, organisation=orgs[org],
                                                password=password, name=name)
    coordinator, collector = users["coordination@recond.demo"], users["collecte@recond.demo"]
    technician, structure = users["atelier@recond.demo"], users["structure@recond.demo"]
    structure_issy = users["structure-issy@recond.demo"]
    workshop = orgs["Atelier Réemploi Nanterre"]

    admin = users["admin@recond.demo"]
    mint = os_catalogue.add_image(admin, name="Linux Mint", version="22 Cinnamon", family="computers")
    for name, version, family in (("Ubuntu", "24.04 LTS", "computers"), ("Debian", "12", "computers"),
                                  ("Emmabuntüs", "DE5", "computers"), ("PrimTux", "8", "computers"),
                                  ("/e/OS", "2", "phones"), ("LineageOS", "21", "phones")):
        os_catalogue.add_image(admin, name=name, version=version, family=family)
    pricing.publish_grid(coordinator, [
        {"category": c, "grade": g, "tier": t,
         "amount_cents": max(pricing.floor_cents(), round(_BASE[g] * _CATEGORY_FACTOR[c] * f / 100) * 100)}
        for c in CATEGORIES for g in GRADES for t, f in _TIER_FACTOR.items()])

    lot_a = deposits.create_deposit(collector, donor=orgs["Assurances Seine Ouest"], workshop=workshop,
                                    items=[("laptop", 12)], site_id=donor_site.id)
    lot_b = deposits.create_deposit(collector, donor=orgs["Banque du Parvis"], workshop=workshop,
                                    items=[("laptop", 6), ("screen", 1), ("desktop", 1)])
    for lot in (lot_a, lot_b):
        deposits.plan_pickup(collector, lot, on=date.today() - timedelta(days=10), slot="9 h – 12 h")
        deposits.mark_collected(collector, lot)
    pledge = deposits.create_deposit(collector, donor=orgs["Énergies Boucle Nord"], workshop=workshop,
                                     items=[("laptop", 25), ("screen", 10)],
                                     available_from=date.today() + timedelta(days=14))
    deposits.plan_pickup(collector, pledge, on=date.today() + timedelta(days=15), slot="14 h – 17 h")
    _pickup_and_convention(orgs, coordinator, collector, donor_site, pledge)
    devices = []
    for i in range(18):
        brand, model, cpu, ram, disk = LAPTOPS[i % len(LAPTOPS)]
        devices.append(lifecycle.register(
            collector, lot_a if i < 12 else lot_b, category="laptop", brand=brand, model=model,
            serial=f"5CG{8120 + i}{'XKQ'[i % 3]}{i:02d}", asset_tag=f"ASO-{1040 + i}",
            specs={"cpu": cpu, "ram_gb": ram, "storage_gb": disk},
            media=[{"kind": "ssd", "brand": "Samsung", "model": "PM981", "serial": f"S4EWNX0M{30000 + i}",
                    "capacity_gb": disk}]))
    screen = lifecycle.register(collector, lot_b, category="screen", brand="Dell", model="P2419H",
                                serial="CN0D2K3X12345", specs={"size_in": 24})
    desktop = lifecycle.register(collector, lot_b, category="desktop", brand="HP",
                                 model="ProDesk 400 G5", serial="CZC9341ABC",
                                 specs={"cpu": "i5-9500", "ram_gb": 8, "storage_gb": 256},
                                 media=[{"kind": "nvme", "serial": "2031E4A1B2C3", "capacity_gb": 256}])

    def bench(device, until: str, grade: str = "A") -> None:
        """Take a device through the workshop, as a technician would."""
        steps = ["receive", "wipe", "install_os", "grade"]
        for step in steps[: steps.index(until) + 1]:
            if step == "wipe":
                for medium in device.media:
                    sanitisation.record(technician, medium, method="clear", passed=True,
                                        technique="DoD short, last pass verified", tool="nwipe 0.36")
            payload = ({"image_id": mint.id, "language": "fr", "keyboard": "fr-azerty",
                        "screen_reader": False, "magnifier": False} if step == "install_os" else {})
            if step == "grade":
                items = CATEGORIES[device.category].checklist
                payload = {"grade": grade, "checklist": {k: True for k in items}}
                if "battery" in items:
                    payload["battery_health"] = 78 + len(device.public_id) % 7 * 3
            lifecycle.perform(technician, device, step, payload)

    # devices[0..1] stay registered; then received, wiped, OS installed, and ready ones.
    bench(devices[2], "receive")
    bench(devices[3], "wipe")
    bench(devices[4], "install_os")
    for d, grade in zip(devices[5:16], "AABBABCABAB"):
        bench(d, "grade", grade)
    lifecycle.perform(technician, screen, "receive")
    lifecycle.perform(technician, screen, "grade", {"grade": "B", "checklist": {"display": True, "inputs": True}})
    # The south of the département has its own workshop: a laptop on its way there.
    transfer = transfers.open_note(technician, orgs["ESAT Numérique Vallée Sud"].id,
                                   "Rééquilibrage de la charge entre ateliers")
    transfers.add_device(technician, transfer, devices[2].public_id)
    transfers.ship(technician, transfer)
    # A failed disk: recorded as failed, so the laptop leaves through the WEEE channel.
    bench(devices[16], "receive")
    sanitisation.record(technician, devices[16].media[0], method="clear", passed=False,
                        technique="DoD short", tool="nwipe 0.36")
    lifecycle.perform(technician, devices[16], "recycle", {"reason": "Disque défaillant, carte mère HS",
                                                           "weight_kg": "2,3"})
    recycling.hand_over(technician, devices[16].recycling_lot_id, weight_kg="2,4",
                        organisation="Ecologic (éco-organisme DEEE)")
    # Another has a dead motherboard: its screen, keyboard and memory serve as spare parts.
    bench(devices[17], "receive")
    lifecycle.perform(technician, devices[17], "dismantle",
                      {"reason": "Carte mère HS ; écran, clavier et mémoire gardés en pièces"})
    bench(desktop, "grade", "B")
    # The donor's certificate of sanitisation for what its deposit has had wiped so far.
    certificates.issue_for_deposit(technician, lot_a)

    request = equipment_requests.submit(structure, purpose="beneficiaries", lines=[("laptop", 4)],
                                        justification="Ateliers d'autonomie numérique du mardi")
    equipment_requests.approve(coordinator, request)
    own_use = equipment_requests.submit(structure_issy, purpose="own_use", lines=[("desktop", 1)],
                                        justification="Poste de l'espace public numérique")
    equipment_requests.approve(coordinator, own_use)
    equipment_requests.submit(structure_issy, purpose="beneficiaries", lines=[("laptop", 2)],
                              justification="Prêt pour des lycéens boursiers")
    people = [beneficiaries.enrol(structure, ref, tier) for ref, tier in
              (("FJ-2026-014", Tier.MINIMA_SOCIAUX), ("FJ-2026-022", Tier.JOB_SEEKER),
               ("FJ-2026-031", Tier.YOUNG_OR_STUDENT), ("FJ-2026-040", Tier.LOW_INCOME),
               ("FJ-2026-047", Tier.MINIMA_SOCIAUX))]
    structures.update_structure(coordinator, orgs["Centre social Les Fossés-Jean"], qpv=True,
                                address="2 rue de la Paix", postcode="92700", phone="01 47 00 00 00",
                                email="numerique@fosses-jean.example")
    # What a device's public page (its label's QR code) offers whoever holds it.
    public_help.update(coordinator, {
        "support_phone": "01 99 00 12 34", "support_hours": "du lundi au vendredi, 9 h – 17 h",
        "places_url": "https://cartographie.societenumerique.gouv.fr/",
        "guide:Linux Mint": "https://linuxmint-user-guide.readthedocs.io/fr/latest/",
        "guide:Ubuntu": "https://doc.ubuntu-fr.org/debutant"})
    line = request.lines[0]
    allocated = []
    for device, person in zip(devices[5:9], people):
        lifecycle.perform(coordinator, device, "allocate", {"line_id": line.id, "beneficiary_id": person.id})
        allocated.append((device, person))
    note = deliveries.open_note(technician, structure.organisation_id)
    for device, _ in allocated[:3]:
        deliveries.add_device(technician, note, device.public_id)
    deliveries.ship(technician, note)
    for device, _ in allocated[:3]:
        deliveries.receive_scan(structure, note, device.public_id)
    training.seed_default_topics()
    training.record_session(structure, held_on=date.today() - timedelta(days=3),
                            trainer="Julien Médiation", topics=[t.id for t in training.topics()[:2]],
                            place="Salle informatique", beneficiaries=[people[0], people[1]],
                            absent=[people[2]])
    for device, person in allocated[:2]:
        allocation = lifecycle.active_allocation(device)
        payments.record_payment(structure, allocation, amount_cents=allocation.price_cents, method="cash")
        lifecycle.perform(structure, device, "release")
    # One comes back: the battery no longer holds; it is wiped again before any new allocation.
    lifecycle.perform(technician, allocated[1][0], "return", {"reason": "Batterie défaillante"})
    lifecycle.perform(coordinator, desktop, "allocate", {"line_id": own_use.lines[0].id})
    _receipt_ready(orgs, coordinator, collector, technician, lot_b)
    db.session.flush()
    return {email: password for email in users}


def _pickup_and_convention(orgs, coordinator, collector, donor_site, pledge) -> None:
    """A pickup planned in detail today (the week's calendar shows it), and a convention with a
    reconditioning partner that does not use Recond, already behind its pace."""
    renewal = deposits.create_deposit(collector, donor=orgs["Assurances Seine Ouest"],
                                      workshop=orgs["Atelier Réemploi Nanterre"],
                                      items=[("laptop", 30), ("screen", 8)], site_id=donor_site.id)
    contact = orgs["Assurances Seine Ouest"].contacts[0]
    pickups.schedule(collector, renewal.number, day=date.today(), start="14:00", end="17:00",
                     contact_id=str(contact.id), expected_devices="38", vehicle_capacity="30",
                     crew="Karim, Yanis")
    partner = accounts.create_organisation("Ecodair", K.PARTNER, insee_code="92050")
    convention = conventions.create_convention(
        coordinator, partner_id=str(partner.id), title="Reconditionnement Ecodair",
        starts_on=date.today() - timedelta(days=60), ends_on=date.today() + timedelta(days=305),
        category_codes=["laptop", "desktop"], supply_promised="40", output_owed="20",
        price_cap="50")
    conventions.supply_deposit(coordinator, convention.number, pledge.number)


def _receipt_ready(orgs, coordinator, collector, technician, lot) -> None:
    """The profiles a donation receipt prints, and one gift whose receipt the coordination can
    issue: everything of the Banque du Parvis arrived, the reception is closed, the value
    declared."""
    organisations.update_receipt_profile(
        coordinator, orgs["Collecte Solidaire 92"], legal_form="Association loi 1901",
        address="14 rue Salvador Allende", postcode="92000", commune="Nanterre",
        tax_status="interet_general", signatory_name="Martine Leroy", signatory_position="Présidente",
        purpose="Collecte et reconditionnement de matériel informatique donné par les entreprises, "
                "au profit de l'inclusion numérique")
    for name, form, address, postcode, commune in (
            ("Assurances Seine Ouest", "SA", "1 place des Saisons", "92400", "Courbevoie"),
            ("Banque du Parvis", "SA", "3 parvis de la Défense", "92800", "Puteaux"),
            ("Énergies Boucle Nord", "SAS", "27 quai du Président Paul Doumer", "92400", "Courbevoie")):
        donors.update_identity(collector, orgs[name], legal_form=form, address=address,
                               postcode=postcode, commune=commune)
    reception.close(technician, lot)
    deposits.record_valuation(coordinator, lot, valuation_cents=184000, basis="cost_price",
                              signatory="Paul Girard, directeur administratif et financier")
