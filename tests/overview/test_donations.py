"""A donor's home: its deposits with what became of their devices, and the certificates of
sanitisation covering them — its own only."""
from recond.extensions import db
from recond.overview import donations, todo_for
from recond.workshop import certificates


def test_a_donor_reads_its_deposits_and_their_certificates_only(world):
    mine, theirs = world.device("wiped"), world.device("wiped", lot="b")
    world.device("released")
    mine_certificate = certificates.issue_for_device(world["tech_a"], mine)
    certificates.issue_for_device(world["tech_b"], theirs)
    db.session.commit()
    [(lot, summary)] = donations.deposits(world["donor_x"])
    assert lot == world.deposits["a"] and (summary["registered"], summary["released"]) == (2, 1)
    assert donations.certificates(world["donor_x"]) == [(mine_certificate, None, mine.public_id)]
    whole = certificates.issue_for_deposit(world["tech_a"], world.deposits["a"])
    db.session.commit()
    assert donations.certificates(world["donor_x"])[0] == (whole, world.deposits["a"].number, None)


def test_a_donor_reads_only_its_donations(world):
    assert set(todo_for(world["donor_x"])) == {"donations", "certificates"}
