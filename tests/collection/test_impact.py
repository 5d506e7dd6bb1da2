"""The donor impact report against a hand-built scenario: devices given through a deposit, some
handed over, some only refurbished, some recycled (weighed or not), one dismantled, one still
waiting, one recycled the year before, another donor's device beside them; certificates
issued; the emission factors as published, then edited by an administrator."""
import csv
import io
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from recond import lifecycle
from recond.clock import utcnow
from recond.collection import emission_factors, impact, impact_pdf
from recond.errors import Conflict, InvalidInput, NotFound, NotPermitted
from recond.extensions import db
from recond.lifecycle import engine
from recond.workshop import certificates


@pytest.fixture
def scenario(world, monkeypatch):
    w, tech = world, world["tech_a"]
    released = [w.device("released", category=c) for c in ("laptop", "laptop", "phone", "desktop")]
    ready = w.device("ready", category="tablet")
    weighed = w.advance(w.register(), "received")
    lifecycle.perform(tech, weighed, "recycle", {"reason": "carte mère HS", "weight_kg": "2,1"})
    screen = w.register(category="screen")
    lifecycle.perform(tech, screen, "recycle", {"reason": "dalle HS", "weight_kg": "4,35"})
    unweighed = w.register()
    lifecycle.perform(tech, unweighed, "recycle", {"reason": "écran cassé"})
    parts = w.register()
    lifecycle.perform(tech, parts, "dismantle", {"reason": "pièces détachées"})
    w.register()  # given, still waiting at the workshop
    db.session.commit()
    last_year = w.register()
    with monkeypatch.context() as m:
        m.setattr(engine, "utcnow", lambda: utcnow() - timedelta(days=400))
        lifecycle.perform(tech, last_year, "recycle", {"reason": "HS", "weight_kg": "3"})
        db.session.commit()
    other = w.device("released", lot="b")  # Donateur Y's: never in Donateur X's report
    certificates.issue_for_device(tech, released[0])
    certificates.issue_for_device(tech, ready)
    certificates.issue_for_device(w["tech_b"], other)
    db.session.commit()
    return w


def _this_week() -> impact.Period:
    today = emission_factors.today()
    return impact.Period(today - timedelta(days=7), today)


def _report(world, who="donor_x", donor="donor_x", period=None):
    return impact.report(world[who], world.orgs[donor].id, period or _this_week())


def _figures(line):
    return (line.given, line.refurbished, line.handed_over, line.recycled, line.weee_grams,
            line.weighed, line.dismantled, line.avoided_grams)


def test_the_figures_of_the_scenario(scenario):
    found = _report(scenario)
    by = {line.category: _figures(line) for line in found.lines}
    assert by == {
        # given, refurbished, handed over, recycled, WEEE g, weighed, dismantled, CO2e g
        "laptop": (7, 2, 2, 2, 2100, 1, 1, 2 * 27_000),
        "desktop": (1, 1, 1, 0, 0, 0, 0, 0),  # no published factor: not counted
        "tablet": (1, 1, 0, 0, 0, 0, 0, 0),  # refurbished, not handed over yet
        "phone": (1, 1, 1, 0, 0, 0, 0, 24_600),
        "screen": (1, 0, 0, 1, 4350, 1, 0, 0),
    }
    assert _figures(found.total) == (11, 5, 4, 3, 6450, 2, 1, 78_600)
    assert (found.certificates, found.certified_devices) == (2, 2)
    assert [line.category for line in found.uncounted] == ["desktop"]


def test_a_step_counts_in_the_period_it_happened(scenario):
    today = emission_factors.today()
    last_year = impact.report(scenario["coordinator"], scenario.orgs["donor_x"].id,
                              impact.Period(today - timedelta(days=430), today - timedelta(days=370)))
    assert [(line.category, line.given, line.recycled, line.weee_grams) for line in last_year.lines] \
        == [("laptop", 0, 1, 3000)]
    assert last_year.certificates == 0
    future = impact.Period(today + timedelta(days=1), today + timedelta(days=9))
    assert _report(scenario, period=future).lines == []


def test_editing_a_factor_changes_the_report_and_keeps_the_earlier_value(scenario):
    admin = scenario["admin"]
    assert _report(scenario).total.avoided_grams == 78_600
    factor = emission_factors.record(admin, "laptop", kg="30,5", source="Étude test, 2025 : 30,5 kg",
                                     source_date="2025-03-01", seen_version=0)
    emission_factors.record(admin, "desktop", kg="50", source="Autre source, 2024",
                            source_date="2024-06-30", seen_version=0)
    db.session.commit()
    found = _report(scenario)
    assert found.factors["laptop"].grams_co2e == 30_500 and factor.version == 1
    assert [line.avoided_grams for line in found.lines if line.category in ("laptop", "desktop")] \
        == [61_000, 50_000]
    assert found.total.avoided_grams == 61_000 + 50_000 + 24_600 and not found.uncounted
    # A version recorded over one the page did not show is refused; nothing overwritten.
    with pytest.raises(Conflict):
        emission_factors.record(admin, "laptop", kg="1", source="x", source_date="2025-01-01",
                                seen_version=0)
    db.session.rollback()
    emission_factors.record(admin, "laptop", kg="", source="Retiré : pas de source fiable",
                            source_date="2025-04-01", seen_version=1)
    db.session.commit()
    assert [(f.version, f.grams_co2e) for f in emission_factors.history() if f.category == "laptop"] \
        == [(2, None), (1, 30_500)]
    assert _report(scenario).lines[0].uncounted  # no factor any more: laptops count nothing


@pytest.mark.parametrize("values, code", [
    ({"kg": "abc"}, "invalid_weight"), ({"kg": "27,1234"}, "invalid_weight"),
    ({"source": "  "}, "source_required"), ({"source": "x" * 501}, "source_too_long"),
    ({"source_date": "30/11/2026"}, "invalid_date"), ({"source_date": "2999-01-01"}, "invalid_date"),
    ({"category": "toaster"}, "invalid_category"),
])
def test_a_wrong_factor_is_refused(world, values, code):
    typed = {"category": "laptop", "kg": "27", "source": "ADEME 2022", "source_date": "2022-09-09"}
    typed |= values
    with pytest.raises(InvalidInput) as refused:
        emission_factors.record(world["admin"], typed.pop("category"), seen_version=0, **typed)
    assert refused.value.code == code
    db.session.rollback()
    assert emission_factors.history() == []


@pytest.mark.parametrize("who", ["coordinator", "collector_a", "tech_a", "structure_s", "donor_x"])
def test_only_administrators_edit_factors(world, who):
    with pytest.raises(NotPermitted):
        emission_factors.record(world[who], "laptop", kg="1", source="x", source_date="2022-01-01",
                                seen_version=0)


def test_the_published_factors_and_those_left_to_fill():
    assert {code: f.grams_co2e for code, f in
            ((c, emission_factors.published(c)) for c in
             ("laptop", "phone", "tablet", "desktop", "screen", "peripheral"))} == {
        "laptop": 27_000, "phone": 24_600, "tablet": 20_000,
        "desktop": None, "screen": None, "peripheral": None}
    assert "ADEME" in emission_factors.published("phone").source


def test_who_reads_which_report(scenario):
    x, y = scenario.orgs["donor_x"].id, scenario.orgs["donor_y"].id
    assert impact.report(scenario["donor_x"], x, _this_week()).donor.name == "Donateur X"
    for who in ("coordinator", "admin"):
        assert impact.report(scenario[who], y, _this_week()).total.handed_over == 1
    with pytest.raises(NotFound):  # another organisation's donor: not found
        impact.report(scenario["donor_x"], y, _this_week())
    with pytest.raises(NotFound):  # an organisation that is no donor
        impact.report(scenario["coordinator"], scenario.orgs["structure_s"].id, _this_week())
    for who in ("collector_a", "tech_a", "structure_s"):
        with pytest.raises(NotPermitted):
            impact.report(scenario[who], x, _this_week())


def test_the_period_as_typed(app):
    assert impact.parse_period({"from": "2026-01-01", "to": "2026-03-31"}) \
        == impact.Period(date(2026, 1, 1), date(2026, 3, 31))
    today = emission_factors.today()
    assert impact.parse_period({}) == impact.Period(date(today.year, 1, 1), today)
    for bad in ({"from": "2026-13-01"}, {"from": "2026-03-01", "to": "2026-02-01"}):
        with pytest.raises(InvalidInput):
            impact.parse_period(bad)


def test_the_csv_parsed_back(scenario):
    content = impact.csv_bytes(_report(scenario))
    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    summary = {r[0]: r[1] for r in rows[1:12]}
    assert summary["Donor company"] == "Donateur X"
    assert summary["Greenhouse gases avoided by reuse, kg CO2e"] == "78.6"
    assert summary["WEEE weight, kg (devices weighed)"] == "6.45 (2 of 3)"
    assert summary["Certificates of sanitisation issued (devices covered)"] == "2 (2)"
    header = rows.index(impact.columns())
    table = {r[0]: r[1:] for r in rows[header + 1:header + 7]}
    assert table["Laptop"] == ["7", "2", "2", "2", "2.1", "1", "27", "54"]
    assert table["Desktop"][-2:] == ["no factor", "not counted"]
    assert table["Total"] == ["11", "5", "4", "3", "6.45", "1", "", "78.6"]
    factors = {r[0]: r for r in rows[rows.index(impact.factor_columns()) + 1:][:6]}
    assert factors["Phone"][1] == "24.6" and "ADEME" in factors["Phone"][2]
    assert factors["Phone"][3] == "09/09/2022"
    assert rows[-1][0] == "Method" and "one year of use" in rows[-1][1]
    _no_beneficiary_data(content.decode("utf-8-sig"), scenario)


def test_the_pdf_shows_the_figures_the_sources_and_the_method(scenario):
    text = _pdf_text(impact_pdf.build(_report(scenario)))
    for expected in ("Donor impact report", "Donateur X", "84123456700011", "78.6", "6.45 (2 of 3)",
                     "2 (2)", "Évaluation de l'impact environnemental d'un ensemble de produits",
                     "24,6 kg CO2e", "09/09/2022", "no factor", "not counted",
                     " ".join(str(s) for s in impact.METHOD)):
        assert expected in text, expected
    _no_beneficiary_data(text, scenario)


def _pdf_text(content: bytes) -> str:
    raw = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return re.sub(r"\s+", " ", raw)


def _no_beneficiary_data(text: str, world) -> None:
    """Counts only: no beneficiary reference, no structure, no price."""
    assert "REF-" not in text and "Structure S" not in text and "40,00" not in text \
        and "40.00" not in text


def test_two_administrators_saving_at_once_one_wins(pg_app):
    """Both saw version 0 and both pass the check; the unique (category, version) lets one
    version 1 in and turns the other into a conflict, never two versions 1 nor a lost edit."""
    from recond.identity import accounts
    from recond.models import User
    from tests.builders import World
    from tests.races import race

    world = World.build()
    second = accounts.create_user(
        "admin2@example.org", role="admin", organisation=world.orgs["coordination"],
        password="correct horse battery", name="Admin Deux")
    db.session.commit()

    def attempt(user_id, kg):
        def run(ready):
            actor = db.session.get(User, user_id)
            ready()
            return emission_factors.record(actor, "laptop", kg=kg, source=f"Source {kg}",
                                           source_date="2024-01-01", seen_version=0).version
        return run

    outcomes = race(pg_app, attempt(world["admin"].id, "28"), attempt(second.id, "29"))
    assert sorted(type(o).__name__ for o in outcomes) == ["Conflict", "int"], outcomes
    assert [(f.version, f.source) for f in emission_factors.history()] \
        == [(1, f"Source {28 if outcomes[0] == 1 else 29}")]


def test_a_device_handed_over_then_taken_back_and_recycled_avoids_nothing(world):
    """Handed over, taken back, recycled, all in the period: recycled, not handed over, and no
    emissions avoided. The same device's hand-over still counts in a period that ends before
    it was recycled."""
    device = world.device("released")
    kept = world.device("released")
    lifecycle.perform(world["tech_a"], device, "return", {"reason": "ne démarre plus"})
    lifecycle.perform(world["tech_a"], device, "recycle", {"reason": "carte mère HS"})
    db.session.commit()
    [line] = _report(world).lines
    assert (line.category, line.refurbished, line.handed_over, line.recycled) \
        == ("laptop", 2, 1, 1)
    assert line.avoided_grams == 27_000  # the device kept only
    assert "not recycled or dismantled afterwards" in str(impact.METHOD[0])


@pytest.mark.parametrize("args", [{"to": "9999-12-31"}, {"from": "0001-01-01"},
                                  {"from": "1999-12-31", "to": "2000-01-05"}])
def test_a_period_out_of_bounds_is_refused(app, args):
    with pytest.raises(InvalidInput) as refused:
        impact.parse_period(args)
    assert refused.value.code == "invalid_period"
