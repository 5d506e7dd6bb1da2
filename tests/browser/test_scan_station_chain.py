"""The scan station keeps going: one scan, then receive → wipe → install → grade with the
keyboard only, the card staying between steps. Nothing is clicked; every wait is on the page's
own signals (the card's status, the station's ready flag, the live region's text)."""
from recond.extensions import db
from tests.browser import axe
from tests.browser.test_scan_station_keyboard import _sign_in, station_ready

NEWS = "document.getElementById('scan-news').textContent"


def _until(page, condition: str, arg=None):
    """Wait on a condition given as a function: a bare expression would be evaluated with
    `eval`, which the page's Content-Security-Policy forbids."""
    page.wait_for_function(f"(arg) => {condition}", arg=arg)


def _tab_until(page, condition: str, limit: int = 20):
    """Tab through the step's form until `condition` (JS, on the focused element) holds."""
    for _ in range(limit):
        if page.evaluate(f"(el => {condition})(document.activeElement)"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"never focused: {condition}")


def _step_done(page, device, status):
    """The station after a step: the same card with the new status, the field focused, the
    success said in the live region and heard, the title naming the device."""
    page.wait_for_selector(f"#card-title ~ p .status-{status}")
    station_ready(page, device.public_id)
    _until(page, "document.activeElement.id === 'code'")
    _until(page, f"{NEWS}.includes(arg)", device.public_id)
    shown = page.inner_text(f".status-{status}").strip().lower()
    assert shown in page.evaluate(NEWS).lower()
    assert page.title().startswith(f"{device.public_id[:4]} {device.public_id[4:]} — ")
    assert shown in page.title().lower()
    assert page.evaluate("document.documentElement.dataset.scanTone") == "done"


def test_one_scan_then_receive_wipe_install_grade_by_keyboard(world, live_server, page):
    device = world.register(category="desktop")
    _sign_in(page, live_server)
    page.goto(f"{live_server}/scan/")
    station_ready(page)
    # A station merely opened is silent.
    assert page.evaluate("document.documentElement.dataset.scanTone") is None
    page.keyboard.type(device.public_id)
    page.keyboard.press("Enter")
    station_ready(page, device.public_id)
    _until(page, "document.activeElement.dataset.shortcut === '1'")
    assert f"{device.public_id[:4]} {device.public_id[4:]}" in page.evaluate(
        "document.activeElement.textContent")  # the button names the device
    page.keyboard.press("Enter")  # receive
    _step_done(page, device, "received")

    db.session.refresh(device)
    world.sanitise(device)  # the wiping tool's report arrives while the card is shown
    page.keyboard.press("Enter")  # Enter in the empty field: the next step, wipe
    _step_done(page, device, "wiped")
    assert axe.violations(page) == []  # the card with the next step's details in it

    page.keyboard.press("Enter")  # the next step needs details: its first one gets the focus
    _until(page, "document.activeElement.id === 'install_os-image_id'")
    _tab_until(page, "el.type === 'submit'")  # the offered image, language and keyboard
    page.keyboard.press("Enter")
    _step_done(page, device, "os_installed")

    page.keyboard.press("Enter")
    _until(page, "document.activeElement.name === 'grade'")  # grade A, checked
    page.keyboard.press("Tab")
    while page.evaluate("document.activeElement.name.startsWith('check-')"):
        page.keyboard.press("Space")  # it works
        page.keyboard.press("Tab")
    _tab_until(page, "el.type === 'submit'")
    page.keyboard.press("Enter")
    _step_done(page, device, "ready")

    db.session.refresh(device)
    assert device.status == "ready" and device.grade == "A"
