"""A technician with a USB scanner and the keyboard only: scan, Enter, scan the next one.

The scanner is a keyboard: Playwright types the code character by character and presses
Enter, as a keyboard-wedge scanner does; nothing is clicked. Each step waits on the page's own
signals — the station says it is ready (its script has run), a result page is the one of the
code just typed — never on a delay: a busy machine only makes the test slower.
"""
from recond.extensions import db
from tests.conftest import PASSWORD


def _focus_on(page, element_id):
    page.wait_for_function(f"document.activeElement && document.activeElement.id === '{element_id}'")


def station_ready(page, code=None):
    """The station's result for `code` (or the empty station) is loaded and its script runs:
    keystrokes now reach the field wherever the focus is, and Tab submits."""
    page.wait_for_function(
        "([code]) => document.documentElement.dataset.scanStation === 'ready'"
        " && new URL(location.href).searchParams.get('code') === code", arg=[code])
    if code is None:  # the empty station: the field has the focus
        _focus_on(page, "code")


def _sign_in(page, base):
    page.goto(f"{base}/login")
    _focus_on(page, "email")
    page.keyboard.type("tech_a@example.org")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")


def test_scan_enter_next_scan(world, live_server, page):
    first, second = world.register(), world.register()
    _sign_in(page, live_server)
    page.goto(f"{live_server}/scan/")
    station_ready(page)
    page.keyboard.type(first.serial)
    page.keyboard.press("Enter")
    station_ready(page, first.serial)
    page.wait_for_selector("[data-feedback='found']")
    page.wait_for_function("document.activeElement.dataset.shortcut === '1'")  # Enter confirms
    page.keyboard.press("Enter")
    page.wait_for_selector(".flash-success")
    station_ready(page)
    page.keyboard.press("Shift+Tab")  # focus leaves the field, as it does when people click around
    # the next scan lands in the field even though focus is elsewhere
    page.keyboard.type(second.public_id)
    page.keyboard.press("Tab")  # a scanner set to end with Tab
    station_ready(page, second.public_id)
    page.wait_for_selector("[data-feedback='found']")
    assert second.public_id[:4] in page.inner_text("#card-title")
    page.keyboard.press("Alt+1")
    page.wait_for_selector(".flash-success")
    for device in (first, second):
        db.session.refresh(device)
        assert device.status == "received"


def test_a_code_starting_with_a_digit_never_triggers_an_action(world, live_server, page):
    device = world.register()
    other = world.register()
    other.serial, other.serial_key = "1ABC2345", "1ABC2345"
    db.session.commit()
    _sign_in(page, live_server)
    page.goto(f"{live_server}/scan/")
    station_ready(page)
    page.keyboard.type(device.serial)
    page.keyboard.press("Enter")
    station_ready(page, device.serial)
    page.wait_for_selector("[data-feedback='found']")
    page.wait_for_function("document.activeElement.dataset.shortcut === '1'")
    page.keyboard.type("1ABC2345")  # focus is on the first action: "1" must not press it
    page.keyboard.press("Enter")
    station_ready(page, "1ABC2345")  # the page of this code, not the one before
    page.wait_for_selector("[data-feedback='found']")
    db.session.refresh(device)
    assert device.status == "registered"
    assert other.public_id[:4] in page.inner_text("#card-title")
