"""Import of the national open-data file of "lieux de médiation numérique" (schema
LaMednum/standard-mediation-num v1) into the structures directory.

Only the places of one département are kept. A place already known by its open-data `id`, or
else by its SIRET (`pivot`), is updated in place, never duplicated; what the coordination set
by hand (the QPV flag) survives every import. The import is all or nothing: one bad row in the
département and nothing is written, with every bad row listed by line, column and reason. A
value left out of a good row (a broken SIRET, a text cut to fit) is reported as a warning.
The report tells added, updated (something really changed) and unchanged places apart.
Imports run one at a time (the nightly command and the page may meet): the second waits, then
finds the first one's places known.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select, text

from recond import capabilities, siret as siret_rules
from recond.errors import InvalidInput
from recond.extensions import db
from recond.collection.manifests import reading
from recond.models import Organisation, OrganisationKind, User
from recond.territories import territory_of

REQUIRED = ("id", "nom", "commune", "code_postal", "adresse")
# Versions of the schema and its examples separate several values with `|`, `;` or `,`.
_MULTI = re.compile(r"\s*[|;,]\s*")
_SERVICES = re.compile(r"\s*[|;]\s*")
# value -> (column of the file, longest text the directory keeps)
_LENGTHS = {"lieu_id": ("id", 120), "name": ("nom", 200), "commune": ("commune", 120),
            "address": ("adresse", 300), "typologies": ("typologie", 300), "phone": ("telephone", 30)}
# What an import may change on a known place; a re-import that changes none of them is "unchanged".
_COPIED = ("commune", "postcode", "insee_code", "address", "latitude", "longitude",
           "typologies", "services", "phone", "email")
_LOCK_KEY = 0x72636E645F6F64  # PostgreSQL advisory lock of the directory import ("rcnd_od")


@dataclass
class RowProblem:
    """One cell of the file: a reason it was refused (error) or left out (warning)."""
    line: int  # as the spreadsheet shows it
    column: str
    reason: str

    def __str__(self) -> str:
        return str(_l("Line %(line)s, column “%(column)s”: %(reason)s",
                      line=self.line, column=self.column, reason=self.reason))

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "reason": self.reason}


@dataclass
class LieuxReport:
    departement: str = ""
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    out_of_area: int = 0
    warnings: list[RowProblem] = field(default_factory=list)
    errors: list[RowProblem] = field(default_factory=list)

    @property
    def imported(self) -> int:
        """Places of the département in the file, each now in the directory."""
        return len(self.created) + len(self.updated) + len(self.unchanged)

    def summary(self) -> str:
        """One line, the same on the page and from the command line."""
        return str(_l("Département %(dep)s: %(created)s added, %(updated)s updated, %(unchanged)s "
                      "unchanged; %(out)s places of other départements left aside; %(warnings)s "
                      "warnings.", dep=self.departement, created=len(self.created),
                      updated=len(self.updated), unchanged=len(self.unchanged),
                      out=self.out_of_area, warnings=len(self.warnings)))


def in_departement(code_insee: str, code_postal: str, departement: str) -> bool:
    reference = code_insee or code_postal
    return reference.upper().startswith(departement.upper())


def _headers(cells: list[str]) -> list[str]:
    return [h.strip().lower().lstrip("\ufeff") for h in cells]


def _is_lieux_header(cells: list[str]) -> bool:
    return set(REQUIRED) <= set(_headers(cells))


def import_places(actor: User | None, filename: str, content: bytes, departement: str = "92",
                  max_bytes: int | None = None) -> LieuxReport:
    """actor None: the server's own command line (`recond import-structures`), run by whoever
    administers the server, as `recond init` is. max_bytes: the upload limit unless given."""
    if actor is not None:
        capabilities.require(actor, "structures.keep",
                             _l("Only coordinators and administrators import the directory."))
    departement = departement.strip().upper()
    if not re.fullmatch(r"\d{2,3}|2[AB]", departement):
        raise InvalidInput(_l("A département is written with 2 or 3 characters, such as 92."))
    try:
        table = reading.read(filename, content, max_bytes or current_app.config["MAX_CONTENT_LENGTH"],
                             is_header=_is_lieux_header)
    except InvalidInput as error:
        if error.code == "no_rows":
            raise InvalidInput(_l("The file has a header line but no place."), code="no_rows") from None
        raise
    headers = _headers(table.headers)
    missing = [name for name in REQUIRED if name not in headers]
    if missing:
        raise InvalidInput(
            _l("This is not a file of the “lieux de médiation numérique” schema: the columns "
               "%(columns)s are missing.", columns=", ".join(missing)), code="not_lieux_schema")
    index = {name: i for i, name in enumerate(headers)}
    report = LieuxReport(departement=departement)
    seen: set[str] = set()
    pending = []
    for line, row in zip(table.lines, table.rows):
        cell = lambda name: row[index[name]].strip() if name in index and index[name] < len(row) else ""  # noqa: E731
        if not in_departement(cell("code_insee"), cell("code_postal"), departement):
            report.out_of_area += 1
            continue
        values, problems, warnings = _values(cell)
        if values["lieu_id"] in seen:
            problems.append(("id", str(_l("the id %(id)s appears twice", id=values["lieu_id"]))))
        seen.add(values["lieu_id"])
        report.errors += [RowProblem(line, column, reason) for column, reason in problems]
        report.warnings += [RowProblem(line, column, reason) for column, reason in warnings]
        if not problems:
            pending.append((line, values))
    if report.errors:
        bad_rows = len({problem.line for problem in report.errors})
        raise InvalidInput(
            _l("1 row of the file is wrong; nothing was imported.") if bad_rows == 1 else
            _l("%(n)s rows of the file are wrong; nothing was imported.", n=bad_rows),
            code="invalid_rows",
            details={"rows": [p.as_dict() for p in report.errors],
                     "reasons": [str(p) for p in report.errors]})
    _one_import_at_a_time()
    for line, values in pending:
        _upsert(line, values, report)
    db.session.flush()
    return report


def _one_import_at_a_time() -> None:
    """Held until the caller commits or rolls back: a second import waits here, then reads
    what the first one wrote instead of adding the same places again."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
    else:  # SQLite has one writer at a time: become it now, before reading what is known
        db.session.execute(text("UPDATE organisation SET id = id WHERE 0 = 1"))


def _values(cell) -> tuple[dict, list[tuple[str, str]], list[tuple[str, str]]]:
    """The row's values, its errors and its warnings, each as (column, reason)."""
    problems: list[tuple[str, str]] = []
    warnings: list[tuple[str, str]] = []
    lieu_id = cell("id")
    name = cell("nom")
    if not lieu_id:
        problems.append(("id", str(_l("no id"))))
    if not name:
        problems.append(("nom", str(_l("no name"))))
    postcode = cell("code_postal")
    if not re.fullmatch(r"\d{5}", postcode):
        problems.append(("code_postal", str(_l("the postcode “%(value)s” is not 5 digits",
                                               value=postcode[:20]))))
    insee = cell("code_insee").upper()
    if insee and not re.fullmatch(r"(\d{2}|2[AB])\d{3}", insee):
        problems.append(("code_insee", str(_l("the INSEE code “%(value)s” is not a commune code",
                                              value=insee[:20]))))
    coordinates = []
    for name_ in ("latitude", "longitude"):
        raw = cell(name_).replace(",", ".")
        try:
            coordinates.append(float(raw) if raw else None)
        except ValueError:
            problems.append((name_, str(_l("“%(value)s” is not a number", value=raw[:20]))))
            coordinates.append(None)
    pivot = siret_rules.normalise(cell("pivot"))
    # The schema writes fourteen zeros for "no SIRET"; anything else that is not one is lost.
    siret = pivot if siret_rules.is_valid(pivot) and set(pivot) != {"0"} else None
    if pivot and siret is None and set(pivot) != {"0"}:
        warnings.append(("pivot", str(_l("“%(value)s” is not a valid SIRET: the place is imported "
                                         "without it", value=cell("pivot")[:30]))))
    address = cell("adresse")
    if cell("complement_adresse"):
        address = f"{address}, {cell('complement_adresse')}"
    emails = _MULTI.split(cell("courriels") or cell("courriel"))
    values = {
        "lieu_id": lieu_id, "name": name, "commune": cell("commune"),
        "postcode": postcode, "insee_code": insee or None, "address": address,
        "latitude": coordinates[0], "longitude": coordinates[1], "siret": siret,
        "typologies": "|".join(t for t in _MULTI.split(cell("typologie")) if t),
        "services": "|".join(s for s in _SERVICES.split(cell("services")) if s),
        "phone": cell("telephone") or None,
        "email": (emails[0] if emails and emails[0] else None),
    }
    if values["email"] and len(values["email"]) > 254:  # no address is that long: not one
        values["email"] = None
        warnings.append(("courriels", str(_l("not an e-mail address (over 254 characters): left out"))))
    for key, (column, longest) in _LENGTHS.items():
        if values[key] and len(values[key]) > longest:
            values[key] = values[key][:longest]
            warnings.append((column, str(_l("longer than %(n)s characters: cut", n=longest))))
    return values, problems, warnings


def _upsert(line: int, values: dict, report: LieuxReport) -> None:
    known = or_(Organisation.lieu_id == values["lieu_id"],
                Organisation.siret == values["siret"]) if values["siret"] else \
        Organisation.lieu_id == values["lieu_id"]
    matches = db.session.scalars(select(Organisation).where(known)).all()
    # The open-data id wins over the SIRET: a SIRET may be shared by a town's several places.
    structure = next((o for o in matches if o.lieu_id == values["lieu_id"]), None) or \
        next((o for o in matches if o.kind == OrganisationKind.STRUCTURE and o.lieu_id is None), None)
    if structure is None:
        holder = next((o for o in matches if o.siret == values["siret"]), None)
        if holder is not None:
            report.warnings.append(RowProblem(line, "pivot", str(_l(
                "the SIRET %(siret)s already belongs to %(name)s: the place is imported without it",
                siret=values["siret"], name=holder.name))))
        structure = Organisation(kind=OrganisationKind.STRUCTURE,
                                 siret=None if holder is not None else values["siret"])
        structure.name = _free_name(values["name"], values["commune"], values["lieu_id"], None)
        db.session.add(structure)
        report.created.append(structure.name)
        before = None
    else:
        before = _snapshot(structure)
        structure.name = _free_name(values["name"], values["commune"], values["lieu_id"], structure.id)
    structure.lieu_id = values["lieu_id"]
    structure.territory = territory_of(values["insee_code"])
    for key in _COPIED:
        setattr(structure, key, values[key])
    if before is not None:
        (report.updated if _snapshot(structure) != before else report.unchanged).append(structure.name)
    db.session.flush()


def _snapshot(structure: Organisation) -> tuple:
    return tuple(getattr(structure, key) for key in ("name", "lieu_id", "territory", *_COPIED))


def _free_name(name: str, commune: str, lieu_id: str, own_id: int | None) -> str:
    """Organisation names are unique; two "Médiathèque" in two communes are told apart."""
    for candidate in (name, f"{name} ({commune})", f"{name} ({commune}, {lieu_id})"):
        holder = db.session.scalar(select(Organisation.id).where(Organisation.name == candidate[:200]))
        if holder is None or holder == own_id:
            return candidate[:200]
    return f"{name} ({lieu_id})"[:200]
