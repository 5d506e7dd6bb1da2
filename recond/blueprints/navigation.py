"""The main navigation: each entry names the capability that opens its page, so a user sees
the pages they may open and nothing else (tests check each entry against its view)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask_babel import lazy_gettext as _l

from recond import capabilities
from recond.identity import organisations, users


@dataclass(frozen=True)
class Entry:
    capability: str
    endpoint: str
    label: object
    # Where the capability is not the whole rule (a structure's *manager* keeps its people).
    also: Callable[[object], bool] | None = None


ENTRIES: tuple[Entry, ...] = (
    Entry("signed_in", "home.index", _l("Home")),
    Entry("devices.read", "devices.index", _l("Devices")),
    Entry("deposits.read", "deposits.index", _l("Deposits")),
    Entry("donation_receipts.read", "donation_receipts.index", _l("Donation receipts")),
    Entry("devices.act", "scan_station.index", _l("Scan")),
    Entry("wipe_logs", "wipe_logs.index", _l("Wipe logs")),
    Entry("hardware.read", "hardware_captures.index", _l("Hardware captures")),
    Entry("recycling.read", "recycling.index", _l("Recycling")),
    Entry("conventions.read", "conventions.index", _l("Conventions")),
    Entry("pickups.read", "pickups.week", _l("Pickups")),
    Entry("transfers.read", "transfers.index", _l("Transfers")),
    Entry("donors.manage", "donors.index", _l("Donor companies")),
    Entry("requests.read", "requests.index", _l("Requests")),
    Entry("allocation.desk", "allocation.desk", _l("Allocation")),
    Entry("structures.keep", "structures.index", _l("Structures")),
    Entry("pricing.publish", "allocation.price_grid", _l("Prices")),
    Entry("public_help.edit", "public_help.edit", _l("Public help")),
    Entry("reports.dashboard", "reports.dashboard", _l("Dashboard")),
    Entry("reports.programme", "reports.indicators", _l("Indicators")),
    Entry("deliveries.read", "deliveries.index", _l("Deliveries")),
    Entry("beneficiaries.keep", "beneficiaries.index", _l("Beneficiaries")),
    Entry("training.record", "training.sessions", _l("Training")),
    Entry("organisations.keep", "organisations.index", _l("Organisations"),
          also=lambda actor: bool(organisations.kept_kinds(actor))),
    Entry("people.keep", "people.index", _l("People"), also=users.manages_staff),
    Entry("security.admin", "security_admin.log", _l("Security log")),
    Entry("security.admin", "security_admin.tokens", _l("API tokens")),
    Entry("webhooks.manage", "webhooks.index", _l("Webhooks")),
    Entry("account.own", "account.tokens", _l("My tokens")),
    Entry("account.own", "account.two_factor", _l("Two-factor sign-in")),
)


def entries_for(actor) -> list[Entry]:
    return [entry for entry in ENTRIES if capabilities.can(actor, entry.capability)
            and (entry.also is None or entry.also(actor))]
