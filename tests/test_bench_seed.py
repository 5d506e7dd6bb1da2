"""The benchmark's seed (scripts/bench/seed.py) writes what the application accepts: its rows,
copied as the script copies them, pass `verify` (each link as the engine computes it), scan, and
take the next action on the chain."""
import importlib.util
import random
import sys
from pathlib import Path

import pytest

from recond import public_id
from recond.extensions import db
from recond.lifecycle import chain
from recond.models import Device, StagePassage

BENCH = Path(__file__).resolve().parents[1] / "scripts" / "bench"


@pytest.fixture(scope="module")
def seed():
    sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location("bench_seed", BENCH / "seed.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("app", ["postgresql"], indirect=True)  # COPY: PostgreSQL
def test_seeded_devices_verify_scan_and_act(app, world, api, seed):
    lot = world.deposits["a"]
    places = [{"workshop": lot.workshop_id, "tech": world["tech_a"].id,
               "deposits": [(lot.id, lot.number)]}]
    code, rng, first = seed.public_ids(7), random.Random(7), 1000
    raw = db.session.connection().connection.driver_connection
    with raw.cursor() as cur, \
            cur.copy(f"COPY device ({seed.DEVICE_COLUMNS}) FROM STDIN") as devices:
        rows = [seed.device_rows(i, rng, code, places, chain.key()) for i in range(first, first + 300)]
        for device, _, _ in rows:
            devices.write_row(device)
    with raw.cursor() as cur:
        with cur.copy(f"COPY device_event ({seed.EVENT_COLUMNS}) FROM STDIN") as events:
            for _, history, _ in rows:
                for row in history:
                    events.write_row(row)
        with cur.copy(f"COPY stage_passage ({seed.PASSAGE_COLUMNS}) FROM STDIN") as passages:
            for _, _, stages in rows:
                for row in stages:
                    passages.write_row(row)
    seed.advance_sequences(raw)
    db.session.commit()

    report = chain.verify(seal_margin=None)
    assert report.intact, report.breaks + report.problems
    assert report.devices == 300 and report.events == sum(len(h) for _, h, _ in rows)
    assert db.session.scalar(db.select(db.func.count(StagePassage.id))) == report.events - 300
    codes = [device[1] for device, _, _ in rows]
    assert len(set(codes)) == 300 and all(public_id.looks_like_id(c) and
                                          public_id.check_character(c[:-1]) == c[-1] for c in codes)
    statuses = {device[10] for device, _, _ in rows}
    assert {"registered", "released", "recycled"} <= statuses

    released = next(device for device, _, _ in rows if device[10] == "released")
    scanned = api("tech_a", "get", f"/api/v1/scan?code={released[1]}")
    assert scanned.status_code == 200 and scanned.json["device"]["status"] == "released"
    registered = next(device for device, _, _ in rows if device[10] == "registered")
    acted = api("tech_a", "post", f"/api/v1/devices/{registered[1]}/actions",
                json={"action": "receive"})
    assert acted.status_code == 200, acted.json
    db.session.expire_all()
    device = db.session.get(Device, registered[0])
    assert device.status == "received" and chain.first_break(device) is None
