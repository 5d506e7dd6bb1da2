"""The allocation desk page: one form per line with one beneficiary choice, each device shown
once, a button that cannot act disabled with its reason beside it, and the form still allocating."""
from html.parser import HTMLParser

from recond import lifecycle
from recond.extensions import db
from tests.blueprints.test_accessibility import assert_accessible


class DeskPage(HTMLParser):
    """The desk's forms as a browser would see them: their fields, buttons and the page's texts
    by id (to follow an `aria-describedby`)."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self.texts: dict[str, str] = {}
        self._open: list[list] = []  # [id, text] of the elements with an id being read
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "/allocation/lines/" in attrs.get("action", ""):
            self.forms.append({"action": attrs["action"], "fields": [], "selects": [],
                               "buttons": []})
        elif self.forms and tag in ("input", "select", "button"):
            form = self.forms[-1]
            {"input": form["fields"], "select": form["selects"], "button": form["buttons"]}[tag] \
                .append(attrs)
        elif tag == "option" and self.forms and self.forms[-1]["selects"]:
            self.forms[-1]["selects"][-1].setdefault("options", []).append(attrs["value"])
        if attrs.get("id") and tag not in ("input", "select", "option"):
            self._open.append([attrs["id"], "", tag])

    def handle_endtag(self, tag):
        if self._open and self._open[-1][2] == tag:
            element_id, text, _tag = self._open.pop()
            self.texts[element_id] = text.strip()

    def handle_data(self, data):
        for element in self._open:
            element[1] += data

    def devices(self) -> list[str]:
        return [f["value"] for form in self.forms for f in form["fields"]
                if f.get("type") == "radio" and f.get("name") == "device"]

    def submitted(self, form: dict) -> dict:
        """What pressing the form's button sends: hidden fields, the checked radio, the first
        option of each select."""
        sent = {f["name"]: f.get("value", "") for f in form["fields"]
                if f.get("type") == "hidden" or (f.get("type") == "radio" and "checked" in f)}
        sent |= {s["name"]: s["options"][0] for s in form["selects"]}
        return sent


def _desk(browser) -> tuple[str, DeskPage]:
    html = browser.client.get("/allocation").text
    return html, DeskPage(html)


def test_each_device_and_each_lines_beneficiary_choice_appear_once(world, browser):
    """Three laptops fit three laptop lines: each is shown under one line only, the oldest
    request taking what it still needs first, and each line has one beneficiary choice."""
    first, second, third = (world.device("ready") for _ in range(3))
    older = world.approved_line("structure_s", quantity=1)
    newer = world.approved_line("structure_t", quantity=2)
    third_line = world.approved_line("structure_s", quantity=1)
    world.beneficiary("structure_s")
    world.beneficiary("structure_t")
    browser.login("coordinator@example.org")
    html, page = _desk(browser)
    assert sorted(page.devices()) == sorted(d.public_id for d in (first, second, third))
    by_line = {form["action"]: form for form in page.forms}
    assert len(by_line) == len(page.forms) == 3
    offered = {line.id: [f["value"] for f in by_line[f"/allocation/lines/{line.id}"]["fields"]
                         if f.get("type") == "radio"] for line in (older, newer, third_line)}
    assert offered == {older.id: [first.public_id], newer.id: [second.public_id, third.public_id],
                       third_line.id: []}
    for form in page.forms:
        assert [s["name"] for s in form["selects"]] == ["beneficiary"]
        assert len(form["buttons"]) == 1
    # The device shown under the oldest line names the others it would fit.
    assert f'href="#desk-line-{newer.id}"' in html and f'href="#desk-line-{third_line.id}"' in html
    assert_accessible(html)


def test_a_button_that_cannot_act_is_disabled_and_says_why_beside_it(world, browser):
    world.device("ready")
    served = world.approved_line("structure_s", quantity=1)
    nobody = world.approved_line("structure_t", quantity=1)  # structure T enrolled nobody
    no_device = world.approved_line("structure_s", category="phone", quantity=1)
    world.beneficiary("structure_s")
    browser.login("coordinator@example.org")
    html, page = _desk(browser)
    buttons = {form["action"]: form["buttons"][0] for form in page.forms}
    ready = buttons[f"/allocation/lines/{served.id}"]
    assert "disabled" not in ready and "aria-disabled" not in ready
    for line, reason in ((nobody, "La structure n'a encore enregistré aucun bénéficiaire."),
                         (no_device, "Aucun appareil prêt ne correspond à cette ligne.")):
        button = buttons[f"/allocation/lines/{line.id}"]
        assert "disabled" in button and button["aria-disabled"] == "true"
        assert page.texts[button["aria-describedby"]] == reason
    # Next to it: the reason follows the button inside the same box, not below the table.
    blocked = f'aria-describedby="blocked-{nobody.id}"'
    assert html.index(blocked) < html.index(f'id="blocked-{nobody.id}"') \
        < html.index(blocked) + 300
    assert_accessible(html)


def test_the_line_form_allocates_the_device_and_beneficiary_it_preselects(world, browser):
    first, second = world.device("ready"), world.device("ready")
    line = world.approved_line(quantity=2)
    person, other = world.beneficiary(reference="FJ-0042"), world.beneficiary(reference="FJ-0043")
    browser.login("coordinator@example.org")
    _html, page = _desk(browser)
    (form,) = page.forms
    sent = page.submitted(form)
    assert sent["device"] == first.public_id and sent["beneficiary"] == str(person.id)
    assert browser.client.post(form["action"], data=sent).status_code == 302
    db.session.expire_all()
    assert lifecycle.active_allocation(first).beneficiary_id == person.id
    # The next allocation in a row: the page now preselects the next device and beneficiary.
    _html, page = _desk(browser)
    sent = page.submitted(page.forms[0])
    assert (sent["device"], sent["beneficiary"]) == (second.public_id, str(other.id))
    assert browser.client.post(page.forms[0]["action"], data=sent).status_code == 302
    db.session.expire_all()
    assert lifecycle.active_allocation(second).line_id == line.id


def test_the_line_form_refuses_a_stale_device_version(world, browser):
    device = world.device("ready")
    world.approved_line(quantity=1)
    world.beneficiary()
    browser.login("coordinator@example.org")
    _html, page = _desk(browser)
    sent = page.submitted(page.forms[0])
    sent[f"version-{device.public_id}"] = str(device.version - 1)
    assert browser.client.post(page.forms[0]["action"], data=sent).status_code == 409
    db.session.expire_all()
    assert lifecycle.active_allocation(device) is None
