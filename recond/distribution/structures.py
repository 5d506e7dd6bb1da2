"""The directory of mediation structures: who may read and edit which, and the edit itself.

Coordinators and administrators keep the directory; a structure reads and corrects its own
entry (its help phone and e-mail appear on every handover receipt); the workshop reads the names
it ships to.
"""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from recond import capabilities, scopes, siret as siret_rules
from recond.identity import accounts
from recond.errors import InvalidInput, NotFound, NotPermitted
from recond.extensions import db
from recond.models import Organisation, OrganisationKind, User
from recond.territories import COMMUNES, territory_of

# What a structure may correct on its own entry; the rest is the coordination's.
OWN_FIELDS = frozenset({"address", "postcode", "phone", "email"})
FIELDS = OWN_FIELDS | {"name", "siret", "insee_code", "qpv", "commune"}


def visible_structures(user: User):
    return (select(Organisation)
            .where(Organisation.kind == OrganisationKind.STRUCTURE, scopes.structure_scope(user))
            .order_by(Organisation.name))


def directory(user: User, query: str = "", limit: int = 500) -> list[Organisation]:
    listing = visible_structures(user)
    if query:
        needle = f"%{query.lower()}%"
        listing = listing.where(func.lower(Organisation.name).like(needle)
                                | func.lower(func.coalesce(Organisation.commune, "")).like(needle))
    return db.session.scalars(listing.limit(limit)).all()


def get_structure(user: User, structure_id: int) -> Organisation:
    structure = db.session.scalar(visible_structures(user).where(Organisation.id == structure_id))
    if structure is None:
        raise NotFound(_l("No such structure in what you may see."))
    return structure


def create_structure(actor: User, **values: Any) -> Organisation:
    capabilities.require(actor, "structures.keep")
    name = (values.get("name") or "").strip()
    if not name:
        raise InvalidInput(_l("A structure has a name."))
    _check_name_free(name)
    structure = accounts.create_organisation(name, OrganisationKind.STRUCTURE,
                                             siret=values.get("siret") or None)
    return update_structure(actor, structure, **{k: v for k, v in values.items()
                                                  if k not in ("name", "siret")})


def update_structure(actor: User, structure: Organisation, **values: Any) -> Organisation:
    keeper = capabilities.can(actor, "structures.keep")
    allowed = FIELDS if keeper else OWN_FIELDS
    if not keeper:
        capabilities.require(actor, "structures.edit_own")
        if actor.organisation_id != structure.id:
            raise NotPermitted(_l("You may not edit this structure."))
    unknown = set(values) - allowed
    if unknown:
        raise NotPermitted(_l("You may not change: %(fields)s.", fields=", ".join(sorted(unknown))))
    if "name" in values:
        name = (values["name"] or "").strip()
        if not name:
            raise InvalidInput(_l("A structure has a name."))
        if name != structure.name:
            _check_name_free(name)
        structure.name = name
    if "siret" in values:
        siret = siret_rules.normalise(values["siret"] or "")
        if siret and not siret_rules.is_valid(siret):
            raise InvalidInput(_l("SIRET %(siret)s is not valid (14 digits with a Luhn check).",
                                  siret=siret), code="invalid_siret")
        structure.siret = siret or None
    if "insee_code" in values:
        code = (values["insee_code"] or "").strip() or None
        if code is not None and not (len(code) == 5 and code.isascii() and code[:2].isalnum() and code[2:].isdigit()):
            raise InvalidInput(_l("An INSEE commune code has 5 characters, such as 92050."))
        structure.insee_code = code
        structure.territory = territory_of(code)
        if code in COMMUNES and not values.get("commune"):
            structure.commune = COMMUNES[code][0]
    if "postcode" in values:
        postcode = (values["postcode"] or "").strip() or None
        if postcode is not None and not (len(postcode) == 5 and postcode.isascii() and postcode.isdigit()):
            raise InvalidInput(_l("A postcode has 5 digits."))
        structure.postcode = postcode
    for key in ("address", "phone", "email", "commune"):
        if key in values:
            setattr(structure, key, (values[key] or "").strip() or None)
    if "qpv" in values:
        structure.qpv = bool(values["qpv"])
    db.session.flush()
    return structure


def _check_name_free(name: str) -> None:
    if db.session.scalar(select(Organisation.id).where(Organisation.name == name)) is not None:
        raise InvalidInput(_l("An organisation named “%(name)s” already exists.", name=name))
