"""Import of the national open-data file of "lieux de médiation numérique" (schema
LaMednum/standard-mediation-num v1) into the structures directory.

Only the places of one département are kept. A place already known by its open-data `id`, or
else by its SIRET (`pivot`), is updated in place, never duplicated; what the coordination set
by hand (the QPV flag) survives every import. The import is all or nothing: one bad row in the
département and nothing is written, with every bad row listed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from recond import siret as siret_rules
from recond.errors import InvalidInput, NotPermitted
from recond.extensions import db
from recond.manifests import reading
from recond.models import Organisation, OrganisationKind, Role, User
from recond.territories import territory_of

REQUIRED = ("id", "nom", "commune", "code_postal", "adresse")
# Versions of the schema and its examples separate several values with `|`, `;` or `,`.
_MULTI = re.compile(r"\s*[|;,]\s*")
_SERVICES = re.compile(r"\s*[|;]\s*")


@dataclass
class LieuxReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    out_of_area: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return len(self.created) + len(self.updated)


def in_departement(code_insee: str, code_postal: str, departement: str) -> bool:
    reference = code_insee or code_postal
    return reference.upper().startswith(departement.upper())


def import_places(actor: User, filename: str, content: bytes, departement: str = "92") -> LieuxReport:
    if actor.role not in (Role.COORDINATOR, Role.ADMIN):
        raise NotPermitted(_l("Only coordinators import the directory."))
    departement = departement.strip().upper()
    if not re.fullmatch(r"\d{2,3}|2[AB]", departement):
        raise InvalidInput(_l("A département is written with 2 or 3 characters, such as 92."))
    try:
        table = reading.read(filename, content, current_app.config["MAX_CONTENT_LENGTH"])
    except InvalidInput as error:
        if error.code == "no_rows":
            raise InvalidInput(_l("The file has a header line but no place."), code="no_rows") from None
        raise
    headers = [h.strip().lower().lstrip("\ufeff") for h in table.headers]
    missing = [name for name in REQUIRED if name not in headers]
    if missing:
        raise InvalidInput(
            _l("This is not a file of the “lieux de médiation numérique” schema: the columns "
               "%(columns)s are missing.", columns=", ".join(missing)), code="not_lieux_schema")
    index = {name: i for i, name in enumerate(headers)}
    report = LieuxReport()
    seen: set[str] = set()
    pending = []
    for line, row in enumerate(table.rows, start=2):
        cell = lambda name: row[index[name]].strip() if name in index and index[name] < len(row) else ""  # noqa: E731
        if not in_departement(cell("code_insee"), cell("code_postal"), departement):
            report.out_of_area += 1
            continue
        values, problems = _values(cell)
        if values["lieu_id"] in seen:
            problems.append(str(_l("the id %(id)s appears twice", id=values["lieu_id"])))
        seen.add(values["lieu_id"])
        if problems:
            report.errors.append((line, "; ".join(problems)))
        else:
            pending.append(values)
    if report.errors:
        raise InvalidInput(
            _l("%(n)s rows of the file are wrong; nothing was imported.", n=len(report.errors)),
            code="invalid_rows", details={"rows": [{"line": n, "problem": p} for n, p in report.errors]})
    for values in pending:
        _upsert(values, report)
    db.session.flush()
    return report


def _values(cell) -> tuple[dict, list[str]]:
    problems = []
    lieu_id = cell("id")
    name = cell("nom")
    if not lieu_id:
        problems.append(str(_l("no id")))
    if not name:
        problems.append(str(_l("no name (nom)")))
    postcode = cell("code_postal")
    if not re.fullmatch(r"\d{5}", postcode):
        problems.append(str(_l("the postcode “%(value)s” is not 5 digits", value=postcode[:20])))
    insee = cell("code_insee").upper()
    if insee and not re.fullmatch(r"(\d{2}|2[AB])\d{3}", insee):
        problems.append(str(_l("the INSEE code “%(value)s” is not a commune code", value=insee[:20])))
    coordinates = []
    for name_ in ("latitude", "longitude"):
        raw = cell(name_).replace(",", ".")
        try:
            coordinates.append(float(raw) if raw else None)
        except ValueError:
            problems.append(str(_l("the %(column)s “%(value)s” is not a number",
                                   column=name_, value=raw[:20])))
            coordinates.append(None)
    pivot = siret_rules.normalise(cell("pivot"))
    address = cell("adresse")
    if cell("complement_adresse"):
        address = f"{address}, {cell('complement_adresse')}"
    emails = _MULTI.split(cell("courriels") or cell("courriel"))
    return {
        "lieu_id": lieu_id[:120], "name": name[:200], "commune": cell("commune")[:120],
        "postcode": postcode, "insee_code": insee or None, "address": address[:300],
        "latitude": coordinates[0], "longitude": coordinates[1],
        # A pivot that is not a valid SIRET (an RNA number, zeros) identifies nothing.
        "siret": pivot if siret_rules.is_valid(pivot) and set(pivot) != {"0"} else None,
        "typologies": "|".join(t for t in _MULTI.split(cell("typologie")) if t)[:300],
        "services": "|".join(s for s in _SERVICES.split(cell("services")) if s),
        "phone": cell("telephone")[:30] or None,
        "email": (emails[0] if emails and emails[0] else None),
    }, problems


def _upsert(values: dict, report: LieuxReport) -> None:
    known = or_(Organisation.lieu_id == values["lieu_id"],
                Organisation.siret == values["siret"]) if values["siret"] else \
        Organisation.lieu_id == values["lieu_id"]
    matches = db.session.scalars(select(Organisation).where(known)).all()
    # The open-data id wins over the SIRET: a SIRET may be shared by a town's several places.
    structure = next((o for o in matches if o.lieu_id == values["lieu_id"]), None) or \
        next((o for o in matches if o.kind == OrganisationKind.STRUCTURE and o.lieu_id is None), None)
    if structure is None:
        siret_taken = any(o.siret == values["siret"] for o in matches)
        structure = Organisation(kind=OrganisationKind.STRUCTURE,
                                 siret=None if siret_taken else values["siret"])
        structure.name = _free_name(values["name"], values["commune"], values["lieu_id"], None)
        db.session.add(structure)
        report.created.append(structure.name)
    else:
        structure.name = _free_name(values["name"], values["commune"], values["lieu_id"], structure.id)
        report.updated.append(structure.name)
    structure.lieu_id = values["lieu_id"]
    structure.territory = territory_of(values["insee_code"])
    for key in ("commune", "postcode", "insee_code", "address", "latitude", "longitude",
                "typologies", "services", "phone", "email"):
        setattr(structure, key, values[key])
    db.session.flush()


def _free_name(name: str, commune: str, lieu_id: str, own_id: int | None) -> str:
    """Organisation names are unique; two "Médiathèque" in two communes are told apart."""
    for candidate in (name, f"{name} ({commune})", f"{name} ({commune}, {lieu_id})"):
        holder = db.session.scalar(select(Organisation.id).where(Organisation.name == candidate[:200]))
        if holder is None or holder == own_id:
            return candidate[:200]
    return f"{name} ({lieu_id})"[:200]
