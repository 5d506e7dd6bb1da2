"""The device list: what a reader searches, filters, sorts and pages through, always within
their scope (`recond.scopes.device_scope`). The HTML list, its exports and the API read one
query, parsed here from a query string.

A value that cannot be used is left out with a message saying so (`Query.notices`): the page
shows the list without that filter, the API refuses with 422. A page past the end is the last
page on the HTML list and an empty page in the API (a client reading pages until one comes
back empty stops there).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, case, func, literal_column, or_, select, union

from recond import capabilities, categories, public_id, scan
from recond.errors import InvalidInput
from recond.extensions import db
from recond.lifecycle import Status
from recond.models import (
    Allocation, AllocationStatus, Deposit, Device, Organisation, OrganisationKind, StorageMedium,
    TransferItem, TransferNote, User,
)
from recond.scopes import deposit_scope, device_scope
from recond.whole_numbers import whole_number

MAX_PER_PAGE = 100
MAX_PAGE = 10**6
PER_PAGE_CHOICES = (25, 50, 100)
MAX_SEARCH = scan.MAX_CODE_LENGTH
COUNTED = 10_000  # the HTML list counts this far, then says "more than"
NO_GRADE = "none"
GRADE_CHOICES = (*categories.GRADES, NO_GRADE)
_STATUS_ORDER = case({s.value: i for i, s in enumerate(Status)}, value=Device.status)

# Sortable columns: what each sorts by (the id breaks ties, so pages never overlap).
SORTS: dict[str, tuple[Any, ...]] = {
    "id": (Device.public_id,),
    "category": (Device.category,),
    "model": (Device.brand, Device.model),
    "serial": (Device.serial_key,),
    "status": (_STATUS_ORDER,),
    "grade": (Device.grade,),
    "updated": (Device.updated_at,),
}
_NULLABLE_SORTS = {"serial", "grade"}  # devices without one come last, either way


@dataclass(frozen=True)
class Query:
    q: str = ""
    status: str = ""
    category: str = ""
    grade: str = ""
    deposit: str = ""
    workshop: int | None = None
    structure: int | None = None
    sort: str = "updated"
    descending: bool = True
    page: int = 1
    per_page: int = 50
    # What was left out of the query string, and why: (parameter, message) pairs.
    notices: tuple[tuple[str, Any], ...] = ()

    def args(self, **changes: Any) -> dict[str, Any]:
        """The query string that gives this list again (with `changes`), defaults left out."""
        query = replace(self, **changes)
        values = {"q": query.q, "status": query.status, "category": query.category,
                  "grade": query.grade, "deposit": query.deposit, "workshop": query.workshop,
                  "structure": query.structure}
        if (query.sort, query.descending) != (Query.sort, Query.descending):
            values |= {"sort": query.sort, "order": "desc" if query.descending else "asc"}
        if query.per_page != Query.per_page:
            values["per_page"] = query.per_page
        if query.page != 1:
            values["page"] = query.page
        return {k: v for k, v in values.items() if v not in ("", None)}

    @property
    def filtered(self) -> bool:
        return any((self.q, self.status, self.category, self.grade, self.deposit,
                    self.workshop, self.structure))


@dataclass
class Page:
    items: list[Device]
    page: int
    per_page: int
    total: int  # every device found; when not `exact`, at least this many
    query: Query = field(default_factory=Query)
    exact: bool = True

    @property
    def pages(self) -> int:
        """How many pages (when the total is not exact: at least this many)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages or not self.exact


@dataclass
class Listing:
    """The HTML list: the page, the query it answers, and the filters this reader is offered."""
    page: Page
    query: Query
    workshops: list[Organisation]
    structures: list[Organisation]


def parse(actor: User, args) -> Query:
    """Read a query string (a MultiDict or a dict). Each value that cannot be used is left out
    and named in `notices`."""
    notices: list[tuple[str, Any]] = []
    values: dict[str, Any] = {}

    def left_out(name: str, message) -> None:
        notices.append((name, message))

    q = " ".join(str(args.get("q") or "").split())
    if len(q) > MAX_SEARCH:
        left_out("q", _l("The search is longer than %(n)s characters: it was left out.",
                         n=MAX_SEARCH))
    elif q:
        values["q"] = q
    for name, known, label in (("status", {s.value for s in Status}, _l("Status")),
                               ("category", set(categories.CATEGORIES), _l("Category")),
                               ("grade", set(GRADE_CHOICES), _l("Grade"))):
        raw = str(args.get(name) or "").strip()
        if raw and raw not in known:
            left_out(name, _unknown(label, raw))
        elif raw:
            values[name] = raw
    deposit = str(args.get("deposit") or "").strip().upper()
    if len(deposit) > 40:
        left_out("deposit", _unknown(_l("Deposit"), deposit))
    elif deposit:
        values["deposit"] = deposit
    for name, label in (("workshop", _l("Workshop")), ("structure", _l("Structure"))):
        raw = str(args.get(name) or "").strip()
        number = whole_number(raw) if raw else None
        if raw and number is None:
            left_out(name, _unknown(label, raw))
        elif raw and name == "structure" and not may_filter_by_structure(actor):
            left_out(name, _l("Your role may not filter devices by structure; that filter was "
                              "left out."))
        elif raw:
            values[name] = number
    sort = str(args.get("sort") or "").strip()
    order = str(args.get("order") or "").strip()
    if sort and sort not in SORTS or order and order not in ("asc", "desc"):
        left_out("sort" if sort and sort not in SORTS else "order",
                 _l("The list cannot be sorted that way: it is sorted by last change, newest "
                    "first."))
    elif sort or order:
        values["sort"] = sort or Query.sort
        # Without an order, the last change reads newest first and any other column A to Z.
        values["descending"] = order == "desc" if order else values["sort"] == "updated"
    for name, maximum in (("page", MAX_PAGE), ("per_page", MAX_PER_PAGE)):
        raw = str(args.get(name) or "").strip()
        number = whole_number(raw, maximum=maximum) if raw else None
        if raw and number is None:
            left_out(name, _l("“%(name)s” must be a whole number from 1 to %(max)s: “%(value)s” "
                              "was left out.", name=name, max=maximum, value=raw[:20]))
        elif raw:
            values[name] = number
    return Query(**values, notices=tuple(notices))


def _unknown(label, raw: str):
    return _l("%(filter)s: “%(value)s” is not a value Recond knows; that filter was left out.",
              filter=label, value=raw[:40])


def may_filter_by_structure(actor: User) -> bool:
    """Which structure holds a device is allocation history: not for every reader."""
    return capabilities.can(actor, "allocation.history")


def conditions(actor: User, query: Query) -> list[ColumnElement[bool]]:
    """The WHERE clause of the list: the reader's scope and the query's filters."""
    where = [device_scope(actor)]
    if query.q:
        where.append(_matches(query.q))
    if query.status:
        where.append(Device.status == query.status)
    if query.category:
        where.append(Device.category == query.category)
    if query.grade == NO_GRADE:
        where.append(Device.grade.is_(None))
    elif query.grade:
        where.append(Device.grade == query.grade)
    if query.deposit:
        where.append(Device.deposit_id.in_(select(Deposit.id).where(Deposit.number == query.deposit)))
    if query.workshop is not None:
        where.append(Device.workshop_id == query.workshop)
    if query.structure is not None and may_filter_by_structure(actor):
        where.append(Device.id.in_(select(Allocation.device_id).where(
            Allocation.structure_id == query.structure,
            Allocation.status == AllocationStatus.ACTIVE)))
    return where


def order_by(query: Query) -> list:
    keys = []
    for column in SORTS[query.sort]:
        key = column.desc() if query.descending else column.asc()
        keys.append(key.nulls_last() if query.sort in _NULLABLE_SORTS else key)
    return [*keys, Device.id.desc() if query.descending else Device.id.asc()]


def search(actor: User, query: Query, *, past_the_end: str = "empty",
           count_up_to: int | None = None) -> Page:
    """One page of the list. `past_the_end`: "empty" (the API) or "last" (the HTML list).
    `count_up_to`: count the devices found only that far (and as far as this page reaches);
    past it the total is "more than" — counting a million devices costs more than the page."""
    where = conditions(actor, query)
    total, exact = count(where, None if count_up_to is None
                         else max(count_up_to, query.page * query.per_page))
    page = Page([], query.page, query.per_page, total, query, exact)
    if exact and query.page > page.pages and past_the_end == "last":
        page.page = page.pages
    if (page.page - 1) * page.per_page < total:
        page.items = db.session.scalars(
            select(Device).where(*where).order_by(*order_by(query))
            .limit(page.per_page).offset((page.page - 1) * page.per_page)).all()
    return page


def count(where: list, up_to: int | None = None) -> tuple[int, bool]:
    """How many devices meet `where`, and whether that is exact (False: at least that many)."""
    if up_to is None:
        return db.session.scalar(select(func.count()).select_from(Device).where(*where)), True
    found = db.session.scalar(select(func.count()).select_from(
        select(Device.id).where(*where).limit(up_to + 1).subquery()))
    return min(found, up_to), found <= up_to


# What the list reads from a query string; the API refuses anything else, as its document says.
PARAMETERS = ("q", "status", "category", "grade", "deposit", "workshop", "structure", "sort",
              "order", "page", "per_page")


def search_by_query(actor: User, args) -> Page:
    """The API's list: every value must be usable and every parameter known (422 otherwise);
    past the end, empty."""
    unknown = sorted(set(args) - set(PARAMETERS))
    if unknown:
        raise InvalidInput(_l("Unknown parameter: %(names)s.", names=", ".join(unknown)[:100]),
                           details={"fields": {name[:40]: "unknown" for name in unknown[:10]}})
    query = parse(actor, args)
    if query.notices:
        raise InvalidInput(" ".join(str(message) for _, message in query.notices),
                           details={"fields": {name: str(args.get(name))[:20]
                                               for name, _ in query.notices}})
    return search(actor, query)


def device_list(actor: User, args) -> Listing:
    """The HTML list: what could not be used is left out with a message; past the end, the
    last page; and the workshops and structures this reader may filter by."""
    query = parse(actor, args)
    return Listing(search(actor, query, past_the_end="last", count_up_to=COUNTED), query,
                   workshops=workshops_offered(actor), structures=structures_offered(actor))


def workshops_offered(actor: User) -> list[Organisation]:
    """Workshops of the deposits in the reader's scope, and those their devices were
    transferred to; none when there is only one."""
    routed = select(Deposit.workshop_id).where(deposit_scope(actor))
    transferred = select(TransferNote.to_workshop_id).join(TransferItem).where(
        TransferNote.from_workshop_id.in_(routed), TransferItem.received_at.is_not(None))
    found = db.session.scalars(select(Organisation).where(
        Organisation.kind == OrganisationKind.WORKSHOP,
        or_(Organisation.id.in_(routed), Organisation.id.in_(transferred)))
        .order_by(Organisation.name)).all()
    return found if len(found) > 1 else []


def structures_offered(actor: User) -> list[Organisation]:
    """Structures holding devices in the reader's scope; none when only one could be."""
    if not may_filter_by_structure(actor):
        return []
    holding = select(Allocation.structure_id).join(Device, Device.id == Allocation.device_id) \
        .where(Allocation.status == AllocationStatus.ACTIVE, device_scope(actor))
    found = db.session.scalars(select(Organisation).where(
        Organisation.kind == OrganisationKind.STRUCTURE, Organisation.id.in_(holding))
        .order_by(Organisation.name)).all()
    return found if len(found) > 1 else []


def _matches(text: str) -> ColumnElement[bool]:
    """A device's ID, serial, asset tag or one of its disks' serials, as typed or as a
    QWERTY scanner on an AZERTY computer meant it (each from an index); when none matches
    anywhere, the devices whose brand and model hold every word typed."""
    ids, keys, tags = set(), set(), set()
    for typed in scan.candidates(text):
        code = public_id.from_scanned(typed)
        if public_id.looks_like_id(code):
            ids.add(code)
        key = "".join(typed.split())
        keys.add(key.upper())
        tags |= {typed, typed.upper(), typed.lower(), key, key.upper()}
    # One indexed look-up per kind of code (an OR of them would read the whole table).
    lookups = [select(Device.id).where(Device.serial_key.in_(keys)),
               select(Device.id).where(Device.asset_tag.in_(tags)),
               select(StorageMedium.device_id).where(StorageMedium.serial.in_(tags))]
    if ids:
        lookups.append(select(Device.id).where(Device.public_id.in_(ids)))
    found = db.session.scalars(union(*lookups).limit(MAX_PER_PAGE + 1)).all()
    if found:
        return Device.id.in_(select(union(*lookups).subquery().c[0])) \
            if len(found) > MAX_PER_PAGE else Device.id.in_(found)
    words = text.lower().split()
    # The very expression of the statistics PostgreSQL keeps on it (migration 0018).
    described = func.lower(Device.brand + literal_column("' '") + Device.model)
    return and_(*(described.contains(word, autoescape=True) for word in words))
