"""Payload fields an action declares: parsed from JSON or from an HTML form by the same code."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from recond.categories import Category
from recond.errors import InvalidInput
from recond.weights import parse_kg
from recond.whole_numbers import whole_number


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # text | int | percent | weight | choice | checklist | bool | os_image
    label: Any
    required: bool = True
    choices: tuple[str, ...] = ()
    max_length: int = 500
    # Required for the categories whose checklist has this check, not asked of the others
    # (the battery's health: a laptop has a battery, a desktop has none).
    needed_by: str | None = None

    def applies_to(self, category: Category | None) -> bool:
        return self.needed_by is None or (category is not None
                                          and self.needed_by in category.checklist)

    def required_for(self, category: Category | None) -> bool:
        return self.required or (self.needed_by is not None and self.applies_to(category))

    def parse(self, raw: Any, category: Category | None) -> Any:
        """Return the clean value, or raise ValueError with a message for a person."""
        if self.kind == "text":
            if not isinstance(raw, str):
                raise ValueError(_l("must be text"))
            value = raw.strip()
            if len(value) > self.max_length:
                raise ValueError(_l("is longer than %(n)s characters", n=self.max_length))
            if self.required and not value:
                raise ValueError(_l("is required"))
            return value
        if self.kind == "bool":
            if not isinstance(raw, bool):
                raise ValueError(_l("must be true or false"))
            return raw
        if self.kind in ("int", "os_image"):
            if isinstance(raw, bool):
                raise ValueError(_l("must be a whole number"))
            number = whole_number(raw, maximum=2**31 - 1)
            if number is None:
                raise ValueError(_l("must be a whole number"))
            return number
        if self.kind == "percent":
            number = whole_number(raw, minimum=0, maximum=100)
            if number is None:
                raise ValueError(_l("must be a percentage from 0 to 100"))
            return number
        if self.kind == "weight":
            try:
                return parse_kg(raw if isinstance(raw, (str, int, float)) and
                                not isinstance(raw, bool) else "")
            except InvalidInput:
                raise ValueError(_l("must be a weight in kg, like 7,4 (at most three "
                                    "decimals)")) from None
        if self.kind == "choice":
            if raw not in self.choices:
                raise ValueError(_l("must be one of %(choices)s", choices=", ".join(self.choices)))
            return raw
        if self.kind == "checklist":
            items = category.checklist if category else ()
            if not isinstance(raw, dict):
                raise ValueError(_l("must map each check to true or false"))
            if category is None:  # a batch, before each device's own checklist is known
                if not all(isinstance(v, bool) for v in raw.values()):
                    raise ValueError(_l("must map each check to true or false"))
                return dict(raw)
            unknown = sorted(set(raw) - set(items))
            if unknown:
                raise ValueError(_l("has unknown checks: %(items)s", items=", ".join(unknown)))
            missing = [item for item in items if item not in raw]
            if missing:
                raise ValueError(_l("lacks the checks: %(items)s", items=", ".join(missing)))
            if not all(isinstance(v, bool) for v in raw.values()):
                raise ValueError(_l("must map each check to true or false"))
            return {item: raw[item] for item in items}
        raise AssertionError(f"unknown field kind {self.kind}")


def from_form(fields: tuple[Field, ...], category: Category | None, form) -> dict[str, Any]:
    """Turn an HTML form into the same payload shape the JSON API takes."""
    payload: dict[str, Any] = {}
    for field in fields:
        if field.kind == "checklist":
            items = category.checklist if category else ()
            payload[field.name] = {item: form.get(f"check-{item}") == "yes" for item in items}
        elif field.kind == "bool":
            payload[field.name] = form.get(field.name) == "yes"
        elif form.get(field.name, "") != "" or field.required_for(category):
            payload[field.name] = form.get(field.name, "")
    return payload
