"""The allocation desk in a real Chromium: a button that cannot act looks unlike one that can
(not by opacity alone, its text still readable) with its reason beside it, and a line's
preselected device and beneficiary are allocated with the keyboard alone."""
from recond import lifecycle
from recond.extensions import db
from tests.conftest import PASSWORD


def _luminance(rgb: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (int(v) for v in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3])
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(one: str, other: str) -> float:
    light, dark = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


STYLE = """b => { const s = getComputedStyle(b);
    return {bg: s.backgroundColor, fg: s.color, border: s.borderTopStyle,
            opacity: s.opacity, cursor: s.cursor}; }"""


def test_a_disabled_button_looks_disabled_and_the_desk_works_by_keyboard(world, live_server, page):
    device = world.device("ready")
    served = world.approved_line("structure_s", quantity=1)
    nobody = world.approved_line("structure_t", quantity=1)  # T enrolled nobody
    person = world.beneficiary("structure_s")
    page.goto(f"{live_server}/login")
    page.fill("#email", "coordinator@example.org")
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url(f"{live_server}/")
    page.goto(f"{live_server}/allocation")

    enabled = page.locator(f"#desk-line-{served.id} button[type=submit]")
    disabled = page.locator(f"#desk-line-{nobody.id} button[type=submit]")
    assert enabled.is_enabled() and disabled.is_disabled()
    on, off = enabled.evaluate(STYLE), disabled.evaluate(STYLE)
    assert off["opacity"] == "1" and off["cursor"] == "not-allowed"
    assert (off["bg"], off["border"]) != (on["bg"], on["border"])
    assert _contrast(off["fg"], off["bg"]) >= 4.5
    reason = page.locator(f"#{disabled.get_attribute('aria-describedby')}")
    assert reason.is_visible()
    assert reason.inner_text() == "La structure n'a encore enregistré aucun bénéficiaire."
    box, beside = disabled.bounding_box(), reason.bounding_box()
    assert abs(beside["y"] - box["y"]) < box["height"] and beside["x"] > box["x"]

    page.focus(f"#device-{device.id}")  # the preselected device; Tab on to the line's button
    for _ in range(5):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "submit":
            break
    assert page.evaluate("document.activeElement.closest('form').action").endswith(
        f"/allocation/lines/{served.id}")
    page.keyboard.press("Enter")
    page.wait_for_selector(".flash-success")
    db.session.expire_all()
    assert lifecycle.active_allocation(device).beneficiary_id == person.id
