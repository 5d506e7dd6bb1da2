"""Registering one device at a table of laptops: the same checks as a manifest row."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from recond import lifecycle
from recond.errors import InvalidInput
from recond.collection.manifests import rows as row_rules
from recond.collection.manifests.importer import device_values
from recond.models import Deposit, Device, User


# A device registered alone, each value read as a manifest's cell: text, and sizes that may
# also come as a number of GB.
TEXT_CELLS = ("category", "brand", "model", "serial", "asset_tag", "cpu")
SIZE_CELLS = ("ram_gb", "storage_gb")


def register_one(actor: User, deposit: Deposit, cells: dict[str, str]) -> Device:
    """cells: category (code or word), brand, model, serial, asset_tag, cpu, ram_gb, storage_gb."""
    lifecycle.check_can_register(actor, deposit)
    [row] = row_rules.check(list(cells), [list(cells.values())],
                            {name: i for i, name in enumerate(cells)})
    if row.errors:
        raise InvalidInput(_l("This device cannot be registered: %(errors)s.",
                              errors="; ".join(row.errors)), details={"errors": row.errors})
    values = device_values(row)
    return lifecycle.register(actor, deposit, category=values["category"], brand=values["brand"],
                              model=values["model"], serial=values["serial"],
                              asset_tag=values["asset_tag"], specs=values["specs"],
                              media=values["media"])
