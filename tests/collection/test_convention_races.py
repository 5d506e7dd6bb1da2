"""A partner's output comes back once, and a device is supplied under one convention, whatever
the concurrency: real transactions on PostgreSQL, one Session per thread, a barrier so that all
start together; one success, the others a conflict or a refusal, never two rows."""
from datetime import date

from sqlalchemy import func, select

from recond.collection import conventions, partner_returns
from recond.extensions import db
from recond.identity import accounts
from recond.models import (
    ConventionReturn, ConventionSupply, DeviceEvent, PartnerReturn,
)
from tests.builders import World
from tests.races import acting, race

RACERS = 4
CERTIFICATE = b"%PDF-1.4 certificat"


def _convention(world, partner, title):
    convention = conventions.create_convention(
        world["coordinator"], partner_id=str(partner.id), title=title,
        starts_on=date(2027, 1, 1), ends_on=date(2027, 12, 31), category_codes=["laptop"],
        supply_promised="10", output_owed="5", price_cap="60")
    db.session.commit()
    return convention


def test_a_device_comes_back_once_under_concurrency(pg_app):
    world = World.build()
    partner = accounts.create_organisation("Ecodair", "partner")
    convention = _convention(world, partner, "Ecodair")
    device = world.register()
    conventions.supply_devices(world["coordinator"], convention.number, device.public_id)
    db.session.commit()
    content = f"N° de série;Grade;OS\r\n{device.serial};A;Debian 12\r\n".encode("cp1252")
    give_back = lambda actor: partner_returns.import_return(  # noqa: E731
        actor, convention.number, manifest_name="r.csv", manifest=content,
        certificate_name="c.pdf", certificate=CERTIFICATE)
    outcomes = race(pg_app, *[acting(world["coordinator"].id, give_back)] * RACERS)
    assert outcomes.count("ok") == 1, outcomes
    assert all(o == "ok" or o.status in (409, 422) for o in outcomes), outcomes
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(ConventionReturn)) == 1
    assert db.session.scalar(select(func.count()).select_from(PartnerReturn)) == 1
    assert db.session.scalar(select(func.count(DeviceEvent.id)).where(
        DeviceEvent.device_id == device.id, DeviceEvent.action == "return_from_partner")) == 1


def test_a_device_is_supplied_under_one_convention_under_concurrency(pg_app):
    world = World.build()
    partner = accounts.create_organisation("Ecodair", "partner")
    numbers = [_convention(world, partner, f"Ecodair {n}").number for n in range(RACERS)]
    device = world.register()
    calls = [lambda actor, number=number: conventions.supply_devices(actor, number, device.public_id)
             for number in numbers]
    outcomes = race(pg_app, *(acting(world["coordinator"].id, call) for call in calls))
    assert outcomes.count("ok") == 1, outcomes
    assert all(o == "ok" or o.status in (409, 422) for o in outcomes), outcomes
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(ConventionSupply)) == 1
