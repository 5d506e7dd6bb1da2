"""Builds real objects through Recond's own domain functions, as people would create them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from recond import lifecycle
from recond.identity import accounts
from recond.distribution import (
    beneficiaries, deliveries, equipment_requests, payments, pricing, training,
)
from recond.collection import deposits, donors
from recond.workshop import os_catalogue, sanitisation
from recond.categories import CATEGORIES, GRADES
from recond.extensions import db
from recond.models import Device, Tier, User
from tests.conftest import PASSWORD

WORKSHOP_PATH = ["receive", "wipe", "install_os", "grade"]
PATH = {"registered": 0, "received": 1, "wiped": 2, "os_installed": 3, "ready": 4}
PRICE_CENTS = 4000  # every cell of the test grid


@dataclass
class World:
    orgs: dict = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    deposits: dict = field(default_factory=dict)
    images: dict = field(default_factory=dict)
    serial: int = 0

    @classmethod
    def build(cls) -> "World":
        w = cls()
        for key, name, kind, siret, insee in [
            ("coordination", "Coordination 92", "coordination", None, "92050"),
            ("collector_a", "Collecte A", "collector", "33987654300044", "92036"),
            ("collector_b", "Collecte B", "collector", None, "92012"),
            ("workshop_a", "Atelier A", "workshop", "88776655400018", "92050"),
            ("workshop_b", "Atelier B", "workshop", None, "92002"),
            ("structure_s", "Structure S", "structure", "44200133700017", "92025"),
            ("structure_t", "Structure T", "structure", None, "92007"),
        ]:
            w.orgs[key] = accounts.create_organisation(name, kind, siret=siret, insee_code=insee)
        for key, collector, name, siret, insee in [
            ("donor_x", "collector_a", "Donateur X", "84123456700011", "92026"),
            ("donor_y", "collector_b", "Donateur Y", "79234567800025", "92062"),
        ]:
            w.users[collector] = accounts.create_user(
                f"{collector}@example.org", role="collector", organisation=w.orgs[collector],
                password=PASSWORD, name=collector.replace("_", " ").title())
            w.orgs[key] = donors.create_donor(w.users[collector], name=name, siret=siret,
                                              insee_code=insee)
        for key, role, org in [
            ("admin", "admin", "coordination"), ("coordinator", "coordinator", "coordination"),
            ("tech_a", "technician", "workshop_a"), ("tech_b", "technician", "workshop_b"),
            ("donor_x", "donor", "donor_x"), ("donor_y", "donor", "donor_y"),
            ("structure_s", "structure", "structure_s"), ("structure_t", "structure", "structure_t"),
        ]:
            w.users[key] = accounts.create_user(f"{key}@example.org", role=role,
                                                organisation=w.orgs[org], password=PASSWORD,
                                                name=key.replace("_", " ").title())
        w.deposits["a"] = deposits.create_deposit(
            w.users["collector_a"], donor=w.orgs["donor_x"], workshop=w.orgs["workshop_a"])
        w.deposits["b"] = deposits.create_deposit(
            w.users["collector_b"], donor=w.orgs["donor_y"], workshop=w.orgs["workshop_b"])
        for lot, collector in (("a", "collector_a"), ("b", "collector_b")):
            # Collected, as a van brings them: the workshop receives only collected deposits.
            deposits.mark_collected(w.users[collector], w.deposits[lot])
        w.images["computers"] = os_catalogue.add_image(
            w.users["admin"], name="Linux Mint", version="22", family="computers")
        w.images["phones"] = os_catalogue.add_image(
            w.users["admin"], name="/e/OS", version="2.0", family="phones")
        training.seed_default_topics()
        pricing.publish_grid(w.users["coordinator"], [
            {"category": c, "grade": g, "tier": t, "amount_cents": PRICE_CENTS}
            for c in CATEGORIES for g in GRADES for t in Tier])
        db.session.commit()
        return w

    def __getitem__(self, key: str) -> User:
        return self.users[key]

    # --- devices ----------------------------------------------------------------------------

    def register(self, lot: str = "a", category: str = "laptop", disks: int = 1,
                 capacity_gb: int | None = 256) -> Device:
        """capacity_gb=None: a disk whose size was not recorded (nothing for a log to contradict)."""
        self.serial += 1
        collector = self.users["collector_a" if lot == "a" else "collector_b"]
        has_storage = CATEGORIES[category].has_storage
        device = lifecycle.register(
            collector, self.deposits[lot], category=category, brand="Dell", model="Latitude 5490",
            serial=f"SN{lot.upper()}{self.serial:05d}", specs={"ram_gb": 8},
            media=[{"kind": "ssd", "serial": f"DISK{self.serial:05d}-{i}", "capacity_gb": capacity_gb}
                   for i in range(disks if has_storage else 0)])
        db.session.commit()
        return device

    def tech_for(self, device: Device) -> User:
        return self.users["tech_a" if device.workshop_id == self.orgs["workshop_a"].id else "tech_b"]

    def sanitise(self, device: Device, passed: bool = True, method: str = "clear") -> None:
        for medium in device.media:
            sanitisation.record(self.tech_for(device), medium, method=method, passed=passed,
                                tool="nwipe 0.36")
        db.session.commit()

    def advance(self, device: Device, until: str, grade: str = "A") -> Device:
        """Take a device along the workshop path up to `until` (a status)."""
        category = CATEGORIES[device.category]
        tech = self.tech_for(device)
        for step in WORKSHOP_PATH[PATH[device.status]:]:
            if device.status == until:
                break
            if step == "wipe" and not category.has_storage or step == "install_os" and not category.has_os:
                continue
            if step == "wipe":
                self.sanitise(device)
            lifecycle.perform(tech, device, step, self.payload(step, device, grade))
            db.session.commit()
        assert device.status == until, device.status
        return device

    def payload(self, step: str, device: Device, grade: str = "A") -> dict:
        if step == "install_os":
            family = CATEGORIES[device.category].os_family
            return {"image_id": self.images[family].id, "language": "fr", "keyboard": "fr-azerty"}
        if step == "grade":
            checklist = CATEGORIES[device.category].checklist
            return {"grade": grade, "checklist": {k: True for k in checklist}} | (
                {"battery_health": 87} if "battery" in checklist else {})
        return {}

    def device(self, status: str = "registered", lot: str = "a", category: str = "laptop",
               structure: str = "structure_s", own_use: bool = False) -> Device:
        device = self.register(lot, category)
        if status in ("recycled", "dismantled"):
            way_out = "recycle" if status == "recycled" else "dismantle"
            lifecycle.perform(self.tech_for(device), device, way_out, {"reason": "HS"})
            db.session.commit()
            return device
        self.advance(device, status if status in PATH else "ready")
        if status in PATH:
            return device
        self.allocate(device, structure, own_use)
        if status == "reserved":
            return device
        self.deliver(device, structure)
        if status == "delivered":
            return device
        self.fulfil_release_conditions(device, structure)
        lifecycle.perform(self.users[structure], device, "release")
        db.session.commit()
        assert status == "released"
        return device

    def ship(self, devices: list[Device], structure: str = "structure_s", kind: str = "shipment"):
        """The workshop puts reserved devices on a note for the structure and ships it."""
        tech = self.tech_for(devices[0])
        note = deliveries.open_note(tech, self.orgs[structure].id, kind)
        for device in devices:
            deliveries.add_device(tech, note, device.public_id)
        deliveries.ship(tech, note)
        db.session.commit()
        return note

    def deliver(self, device: Device, structure: str = "structure_s"):
        """Delivered as the design says: shipped on a note, scanned on arrival."""
        note = self.ship([device], structure)
        deliveries.receive_scan(self.users[structure], note, device.public_id)
        db.session.commit()
        return note

    # --- structures --------------------------------------------------------------------------

    def approved_line(self, structure: str = "structure_s", category: str = "laptop",
                      quantity: int = 5, own_use: bool = False):
        request = equipment_requests.submit(
            self.users[structure], purpose="own_use" if own_use else "beneficiaries",
            lines=[(category, quantity)])
        equipment_requests.approve(self.users["coordinator"], request)
        db.session.commit()
        return request.lines[0]

    def beneficiary(self, structure: str = "structure_s", reference: str | None = None,
                    tier: str = Tier.MINIMA_SOCIAUX):
        self.serial += 1
        person = beneficiaries.enrol(self.users[structure], reference or f"REF-{self.serial}", tier)
        db.session.commit()
        return person

    def allocate(self, device: Device, structure: str = "structure_s", own_use: bool = False):
        line = self.approved_line(structure, device.category, own_use=own_use)
        payload = {"line_id": line.id}
        if not own_use:
            payload["beneficiary_id"] = self.beneficiary(structure).id
        lifecycle.perform(self.users["coordinator"], device, "allocate", payload)
        db.session.commit()
        return lifecycle.active_allocation(device)

    def pay(self, device: Device, structure: str = "structure_s", amount: int | None = None):
        allocation = lifecycle.active_allocation(device)
        payments.record_payment(self.users[structure], allocation,
                                amount_cents=amount or allocation.price_cents, method="cash")
        db.session.commit()

    def train(self, structure: str = "structure_s", present=(), absent=(), staff=(),
              held_on: date | None = None, minutes: int = 120):
        session = training.record_session(self.users[structure], held_on=held_on or date.today(),
                                          trainer="Formatrice", beneficiaries=list(present),
                                          absent=list(absent), staff=list(staff),
                                          duration_minutes=minutes)
        db.session.commit()
        return session

    def fulfil_release_conditions(self, device: Device, structure: str = "structure_s") -> None:
        allocation = lifecycle.active_allocation(device)
        self.pay(device, structure)
        if allocation.for_own_use:
            self.train(structure, staff=["Agent d'accueil"])
        else:
            self.train(structure, present=[allocation.beneficiary])
