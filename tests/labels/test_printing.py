"""Who may print which labels, and the batch job on the real worker."""

import pypdfium2
import pytest
import zxingcpp

from recond.identity import accounts
from recond.errors import InvalidInput, NotFound, NotPermitted
from recond.extensions import db
from recond.labels import printing


def test_labels_only_for_devices_in_scope(world):
    mine, theirs = world.register(), world.register(lot="b")
    labels = printing.labels_for(world["tech_a"], public_ids=[mine.public_id, theirs.public_id])
    assert [l.code for l in labels] == [mine.public_id]
    assert labels[0].url == f"https://recond.test/d/{mine.public_id}"
    with pytest.raises(NotFound):  # another workshop's device: not found, as on its pages
        printing.labels_for(world["tech_a"], public_ids=[theirs.public_id])
    with pytest.raises(NotPermitted):
        printing.labels_for(world["donor_x"], public_ids=[mine.public_id])


def test_a_product_label_waits_for_the_grade(world):
    device = world.device("os_installed")
    with pytest.raises(InvalidInput) as refused:
        printing.labels_for(world["tech_a"], public_ids=[device.public_id], kind="product")
    assert refused.value.code == "not_graded"
    world.advance(device, "ready")
    [label] = printing.labels_for(world["tech_a"], public_ids=[device.public_id], kind="product")
    assert any("Grade A" in line for line in label.lines)


def test_options_are_checked(world):
    label = printing.labels_for(world["tech_a"], public_ids=[world.register().public_id])
    media = printing.choose("a4-3x7", "id")
    for kwargs in ({"copies": 0}, {"copies": 51}, {"start": 22}, {"fmt": "bmp"}, {"fmt": "zpl", "dpi": 600}):
        with pytest.raises(InvalidInput):
            printing.document(label, media, "id", **kwargs)
    with pytest.raises(InvalidInput):
        printing.choose("a3-poster", "id")


def test_a_device_label_from_its_page(world, browser):
    device = world.register()
    browser.login("tech_a@example.org")
    response = browser.client.get(f"/d/{device.public_id}/label?kind=id&media=roll-62x29")
    assert response.mimetype == "application/pdf"
    page = pypdfium2.PdfDocument(response.data)[0].render(scale=300 / 72).to_pil()
    assert {r.text for r in zxingcpp.read_barcodes(page)} == {
        device.public_id, f"https://recond.test/d/{device.public_id}"}
    png = browser.client.get(f"/d/{device.public_id}/label?format=png&media=roll-57x32")
    assert png.mimetype == "image/png"
    zpl = browser.client.get(f"/d/{device.public_id}/label?format=zpl&dpi=300")
    assert zpl.mimetype == "application/zpl" and device.public_id in zpl.text
    assert browser.client.get(f"/d/{device.public_id}/label?format=bmp").status_code == 422


def test_a_deposit_batch_runs_on_the_worker(app, world, client, redis_url):
    from tests.test_jobs import _run_worker

    devices = [world.register() for _ in range(70)]
    token = accounts.create_token(world["tech_a"])
    db.session.commit()
    auth = {"Authorization": f"Bearer {token}"}
    queued = client.post("/api/v1/labels", headers=auth, json={
        "deposit": world.deposits["a"].number, "media": "a4-3x7", "copies": 3})
    assert queued.status_code == 202
    url = queued.json["job"]["url"]
    assert client.get(url, headers=auth).status_code == 202
    assert _run_worker(app, redis_url).returncode == 0
    ready = client.get(url, headers=auth)
    assert ready.mimetype == "application/pdf"
    document = pypdfium2.PdfDocument(ready.data)
    assert len(document) == 10  # 210 labels, 21 a sheet
    first = {r.text for r in zxingcpp.read_barcodes(document[0].render(scale=300 / 72).to_pil())}
    assert devices[0].public_id in first
    other = accounts.create_token(world["tech_b"])
    db.session.commit()
    assert client.get(url, headers={"Authorization": f"Bearer {other}"}).status_code == 404


def test_small_batches_come_back_at_once(world, client):
    world.register()
    token = accounts.create_token(world["collector_a"])
    db.session.commit()
    answer = client.post("/api/v1/labels", headers={"Authorization": f"Bearer {token}"},
                         json={"deposit": world.deposits["a"].number, "format": "zpl"})
    assert answer.status_code == 200 and answer.mimetype == "application/zpl"
