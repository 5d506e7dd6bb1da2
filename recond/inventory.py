"""Finding devices: filtered, paginated, always within the actor's scope."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from recond import categories
from recond.scopes import device_scope, visible_devices
from recond.errors import InvalidInput
from recond.extensions import db
from recond.lifecycle import Status
from recond.models import Device, DeviceEvent, User
from recond.whole_numbers import whole_number

MAX_PER_PAGE = 100
MAX_PAGE = 10**6


@dataclass
class Page:
    items: list[Device]
    page: int
    per_page: int
    total: int


def _positive_int(raw: str | None, default: int, name: str, maximum: int) -> int:
    if raw in (None, ""):
        return default
    number = whole_number(raw, maximum=maximum)
    if number is None:
        raise InvalidInput(_l("“%(name)s” must be a whole number from 1 to %(max)s.",
                              name=name, max=maximum), details={"fields": {name: raw[:20]}})
    return number


def search(actor: User, *, status: str | None = None, category: str | None = None,
           page: str | None = None, per_page: str | None = None) -> Page:
    if status and status not in set(Status):
        raise InvalidInput(_l("Unknown status “%(status)s”.", status=status))
    if category and category not in categories.CATEGORIES:
        raise InvalidInput(_l("Unknown category “%(category)s”.", category=category))
    page_n = _positive_int(page, 1, "page", MAX_PAGE)
    size = _positive_int(per_page, 50, "per_page", MAX_PER_PAGE)
    condition = [device_scope(actor)]
    if status:
        condition.append(Device.status == status)
    if category:
        condition.append(Device.category == category)
    total = db.session.scalar(select(func.count(Device.id)).where(*condition))
    items = db.session.scalars(
        visible_devices(actor).where(*condition[1:]).order_by(Device.id)
        .limit(size).offset((page_n - 1) * size)).all()
    return Page(items, page_n, size, total)


def search_by_query(actor: User, args) -> Page:
    """The same filters for the HTML list and the API: status, category, page, per_page."""
    return search(actor, status=args.get("status") or None, category=args.get("category") or None,
                  page=args.get("page"), per_page=args.get("per_page"))


def history(device: Device) -> list[DeviceEvent]:
    # actor and organisation come in the same query: a timeline must not cost a query per row
    return db.session.scalars(
        select(DeviceEvent).where(DeviceEvent.device_id == device.id)
        .options(joinedload(DeviceEvent.actor), joinedload(DeviceEvent.organisation))
        .order_by(DeviceEvent.at, DeviceEvent.id)).all()
