"""The device list: search by ID, serial (the device's or a disk's), asset tag, brand or model;
filters; sorts; pages; always within the reader's scope."""
import pytest

from recond import lifecycle, public_id
from recond.extensions import db
from recond.inventory import listing


def found(actor, **args) -> list[str]:
    query = listing.parse(actor, args)
    assert not query.notices, query.notices
    return [d.public_id for d in listing.search(actor, query).items]


@pytest.fixture
def lenovo(world):
    device = lifecycle.register(world["collector_a"], world.deposits["a"], category="laptop",
                                brand="Lenovo", model="ThinkPad T480", serial="PF-1A2B3C",
                                asset_tag="ASO-1040")
    db.session.commit()
    return device


def test_search_by_id_serial_asset_tag_disk_serial_or_words(world, lenovo):
    dell = world.register()
    coordinator = world["coordinator"]
    for typed in (dell.public_id.lower(), public_id.display(dell.public_id),
                  f"https://recond.test/d/{dell.public_id}", dell.serial.lower(),
                  dell.media[0].serial):
        assert found(coordinator, q=typed) == [dell.public_id], typed
    for typed in ("aso-1040", "ASO-1040", "pf-1a2b3c", " PF-1A2B3C ", "thinkpad t48",
                  "LENOVO", "t480 lenovo"):
        assert found(coordinator, q=typed) == [lenovo.public_id], typed
    assert found(coordinator, q="lenovo latitude") == []
    assert found(coordinator, q="100%") == [] and found(coordinator, q="_") == []


def test_search_and_filters_stay_in_the_readers_scope(world):
    mine, theirs = world.register("a"), world.register("b")
    tech_a = world["tech_a"]
    assert found(tech_a) == [mine.public_id]
    for typed in (theirs.public_id, theirs.serial, theirs.media[0].serial):
        assert found(tech_a, q=typed) == []
    assert found(tech_a, deposit=world.deposits["b"].number) == []
    assert found(tech_a, workshop=str(world.orgs["workshop_b"].id)) == []
    assert found(world["donor_x"], q=mine.serial) == [mine.public_id]
    assert found(world["donor_y"], q=mine.serial) == []


def test_filters(world):
    a = world.device("ready")
    b = world.advance(world.register(), "ready", grade="B")
    waiting = world.advance(world.register(), "received")
    screen = world.register(category="screen")
    other_lot = world.register("b")
    held_by_t = world.device("reserved", structure="structure_t")
    c = world["coordinator"]
    assert set(found(c, status="ready")) == {a.public_id, b.public_id}
    assert found(c, grade="B") == [b.public_id]
    assert set(found(c, grade="none")) == {waiting.public_id, screen.public_id, other_lot.public_id}
    assert found(c, category="screen") == [screen.public_id]
    assert other_lot.public_id not in found(c, deposit=world.deposits["a"].number.lower())
    assert found(c, workshop=str(world.orgs["workshop_b"].id)) == [other_lot.public_id]
    assert found(c, structure=str(world.orgs["structure_t"].id)) == [held_by_t.public_id]
    assert found(c, status="ready", grade="A") == [a.public_id]


def test_only_readers_of_allocations_filter_by_structure(world):
    world.device("reserved", structure="structure_t")
    donor = world["donor_x"]
    query = listing.parse(donor, {"structure": str(world.orgs["structure_t"].id)})
    assert [name for name, _ in query.notices] == ["structure"] and query.structure is None
    assert listing.structures_offered(donor) == []
    assert listing.structures_offered(world["coordinator"]) == []  # one structure: no choice
    world.device("reserved", structure="structure_s")
    assert [s.name for s in listing.structures_offered(world["coordinator"])] == \
        ["Structure S", "Structure T"]


@pytest.mark.parametrize("sort", list(listing.SORTS))
def test_every_column_sorts_both_ways_with_pages_that_never_overlap(world, sort):
    devices = [world.advance(world.register(), status, grade="B")
               for status in ("received", "ready", "registered")]
    screen = lifecycle.register(world["collector_a"], world.deposits["a"], category="screen",
                                brand="Iiyama")
    db.session.commit()
    c = world["coordinator"]
    up = found(c, sort=sort, order="asc")
    down = found(c, sort=sort, order="desc")
    assert len(up) == len(down) == 4 and set(up) == set(down)
    pages = [found(c, sort=sort, order="asc", per_page="3", page=str(n)) for n in (1, 2)]
    assert pages[0] + pages[1] == up
    if sort == "serial":  # a device without one comes last, both ways
        assert up[-1] == down[-1] == screen.public_id
    elif sort == "grade":
        assert up[0] == down[0] == devices[1].public_id
    else:  # ties are broken by the id, the other way round too
        assert up == down[::-1]


def test_a_page_past_the_end(world):
    for _ in range(3):
        world.register()
    c = world["coordinator"]
    query = listing.parse(c, {"per_page": "2", "page": "9"})
    assert listing.search(c, query).items == []  # the API: an empty page, with the total
    last = listing.search(c, query, past_the_end="last")
    assert last.page == last.pages == 2 and len(last.items) == 1 and last.total == 3


@pytest.mark.parametrize("args,name", [
    ({"status": "lost"}, "status"), ({"category": "toaster"}, "category"),
    ({"grade": "Z"}, "grade"), ({"page": "0"}, "page"), ({"page": "²"}, "page"),
    ({"per_page": "1000"}, "per_page"), ({"sort": "price"}, "sort"), ({"order": "up"}, "order"),
    ({"workshop": "abc"}, "workshop"), ({"q": "x" * 301}, "q"), ({"deposit": "D" * 41}, "deposit"),
])
def test_values_that_cannot_be_used_are_named(world, args, name):
    query = listing.parse(world["coordinator"], args)
    assert [n for n, _ in query.notices] == [name]
    assert query == listing.Query(notices=query.notices)  # the rest as if not asked


def test_a_long_list_is_counted_only_as_far_as_it_is_read(world):
    for _ in range(5):
        world.register()
    c = world["coordinator"]
    first = listing.search(c, listing.parse(c, {"per_page": "2"}), count_up_to=3)
    assert (first.total, first.exact, len(first.items), first.has_next) == (3, False, 2, True)
    third = listing.search(c, listing.parse(c, {"per_page": "2", "page": "3"}), count_up_to=3)
    assert (third.total, third.exact, len(third.items), third.has_next) == (5, True, 1, False)
    assert listing.count(listing.conditions(c, listing.Query()), 5) == (5, True)
