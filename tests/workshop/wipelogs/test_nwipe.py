"""nwipe logs produced by running nwipe on loop devices (tests/fixtures/nwipe/make_fixtures.sh)
and on a qemu machine's disks (tests/fixtures/hardware/make_vm_capture.sh)."""
from pathlib import Path

import pytest

from recond.workshop import wipelogs
from recond.errors import InvalidInput

LOGS = Path(__file__).parents[2] / "fixtures" / "nwipe"


def _read(name):
    return wipelogs.parse((LOGS / name).read_bytes())


def test_one_drive_zeros_verified():
    parser, report = _read("zero-one-drive.log")
    assert parser == "nwipe" and report.tool == "nwipe 0.33"
    assert (report.method, report.verification, report.rounds) == ("Fill With Zeros", "last_pass", 1)
    [drive] = report.drives
    assert drive.device == "/dev/loop0" and drive.model == "Loopback device"
    assert drive.size_bytes == 8 * 1024 * 1024 and drive.status == "Erased" and drive.passed
    assert drive.started_at <= drive.finished_at


def test_several_drives_and_a_failed_one():
    _, report = _read("prng-three-drives-one-failed.log")
    assert report.verification == "all_passes" and report.method == "PRNG Stream"
    status = {d.device: (d.status, d.passed, d.sync_errors) for d in report.drives}
    assert status == {"/dev/loop0": ("Erased", True, 0), "/dev/loop1": ("Erased", True, 0),
                      "/dev/loop2": ("-FAILED-", False, 2)}


def test_rounds_and_another_method():
    _, report = _read("dodshort-two-rounds.log")
    assert (report.method, report.rounds) == ("DoD Short", 2)


def test_real_drives_give_their_serials_as_text():
    """Two SATA disks and an NVMe disk of a qemu machine, wiped in one run
    (tests/fixtures/hardware/make_vm_capture.sh): nwipe cuts the model to 16 characters, the
    serial is whole."""
    _, report = _read("qemu-two-sata-nvme-zero.log")
    assert (report.tool, report.method, report.verification, report.rounds) == (
        "nwipe 0.33", "Fill With Zeros", "none", 1)
    assert {d.device: (d.model, d.serial, d.size_bytes, d.status, d.blanked)
            for d in report.drives} == {
        "/dev/sda": ("WDC WD5000AAKX-0", "WD-WCC2EHN42891", 2 * 2**30, "Erased", True),
        "/dev/sdb": ("Samsung SSD 860", "S3YHNX0M507218W", 2**30, "Erased", True),
        "/dev/nvme0n1": ("QEMU NVMe Ctrl", "S4EWNX0R402117", 3 * 2**30, "Erased", True)}


def test_serial_bytes_that_are_not_text_are_kept_as_evidence_not_trusted():
    content = (LOGS / "zero-one-drive.log").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")  # the fixture really is not valid UTF-8
    _, report = wipelogs.parse(content)
    drive = report.drives[0]
    assert drive.serial is None and drive.serial_raw  # unreadable: matched by hand


@pytest.mark.parametrize("content", [b"hello", b"%PDF-1.6 ...", bytes(range(256))])
def test_what_is_not_an_nwipe_log(content):
    with pytest.raises(InvalidInput):
        wipelogs.parse(content)


def test_a_truncated_log_is_refused():
    head = (LOGS / "zero-one-drive.log").read_bytes()[:300]
    with pytest.raises(InvalidInput):
        wipelogs.parse(head)


def test_passes_per_round_and_blanking_as_nwipe_ran_them():
    _, report = _read("dodshort-two-rounds.log")
    [drive] = report.drives
    assert (drive.passes, report.rounds, drive.blanked) == (3, 2, True)  # DoD Short: 3 passes + blanking
    _, report = _read("zero-one-drive.log")
    assert (report.drives[0].passes, report.drives[0].blanked) == (1, True)


@pytest.mark.parametrize("name", ["zero-one-drive-cut-before-status.log",
                                  "prng-three-drives-cut-in-status.log"])
def test_a_log_without_every_drive_status_is_incomplete(name):
    with pytest.raises(InvalidInput) as refused:
        _read(name)
    assert refused.value.code == "incomplete_log"
