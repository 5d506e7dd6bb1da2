"""nwipe and ShredOS logs (nwipe's --logfile).

Read as bytes: nwipe prints a drive's serial exactly as the drive returns it, and for some
drives that is not text at all. A serial that is not printable ASCII is kept as hex evidence
and reported as unreadable, so the technician matches that drive by hand.

A log is evidence only when it is whole: its drive-status table, written when nwipe ends,
must be there, closed, with a row for every drive the log found. A log cut before it (a
copy interrupted, a machine switched off) says nothing about how the wipe ended.
"""
from __future__ import annotations

import re
from datetime import datetime

from flask_babel import lazy_gettext as _l

from recond.errors import InvalidInput
from recond.workshop.wipelogs.model import Drive, WipeReport

_STAMP = re.compile(rb"^\[(\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2})\]\s+\w+:\s?(.*)$")
_OPTION = re.compile(rb"^\s+(banner|method|verify|rounds)\s+=\s+(.*)$")
# The bus is padded to four characters: "VIRT", "NVME", " ATA", " USB".
_FOUND = re.compile(rb"^Found (/dev/\S+), \s*(\w*), (.*?),\s+(\d+ \w+), S/N=(.*)$")
_SECTORS = re.compile(rb"^(/dev/\S+), sect/blk/dev \d+/\d+/(\d+)$")
_INVOKING = re.compile(rb"^Invoking method '.*' on (/dev/\S+)$")
_PASS = re.compile(rb"^Starting pass \d+/(\d+), round \d+/\d+, on (/dev/\S+)$")
_BLANKED = re.compile(rb"^\[SUCCESS\] Blanked device (/dev/\S+)$")
_ROW = re.compile(rb"^[! ]\s+(\S+)\s+\|\s*(.*?)\s*\|\s*(.*?)\s*\|\s*(.*?)\s*(?:\|\s*(.*))?$")
_VERIFY = {b"0": "none", b"1": "last_pass", b"2": "all_passes"}
# Overwriting passes per round of each method, as nwipe's src/method.c defines them; the
# log's own "Starting pass i/n" lines win when present. Blanking is not counted here.
METHOD_PASSES = {
    "Fill With Zeros": 1, "Fill With Ones": 1, "Quick Erase": 1, "PRNG Stream": 1,
    "DoD Short": 3, "DoD 5220.22-M": 7, "RCMP TSSIT OPS-II": 8, "Gutmann Wipe": 35,
    "HMG IS5 Enhanced": 3, "Bruce Schneier 7-Pass": 7, "BMB21-2019": 6,
    "Verify Zeros (0x00)": 0, "Verify Ones  (0xFF)": 0,
}


class NwipeLog:
    name = "nwipe"

    def recognises(self, content: bytes) -> bool:
        head = content[:20000]
        return b"nwipe" in head and (b"banner" in head or b"Drive Status" in content)

    def parse(self, content: bytes) -> WipeReport:
        options: dict[bytes, bytes] = {}
        drives: dict[str, Drive] = {}
        statuses: set[str] = set()
        table, closed = None, False
        for line in content.splitlines():
            stamp = _STAMP.match(line)
            if stamp:
                when = datetime.strptime(stamp.group(1).decode(), "%Y/%m/%d %H:%M:%S")
                self._message(stamp.group(2), when, options, drives)
                continue
            if b"Error Summary" in line:
                table = "errors"
            elif b"Drive Status" in line:
                table = "status"
            elif table and line.startswith(b"*"):
                closed = closed or table == "status"
                table = None
            elif table:
                named = self._table_row(table, line, drives)
                if named and table == "status":
                    statuses.add(named)
        if "banner" not in {k.decode() for k in options} or not drives:
            raise _incomplete(_l("Incomplete log: no drive was found in it."))
        # A table cut before its closing line may still lose a row: whole, or refused.
        missing = sorted(set(drives) - statuses) or ([] if closed else sorted(drives))
        if missing:
            raise _incomplete(_l("Incomplete log: it ends before the final status of drive "
                                 "%(drives)s (the drive-status table nwipe writes at the end). "
                                 "Upload the whole log; nothing was recorded.",
                                 drives=", ".join(missing)))
        method = options.get(b"method", b"").decode("utf-8", "replace")
        for drive in drives.values():
            if drive.passes is None:
                drive.passes = METHOD_PASSES.get(method)
        rounds = options.get(b"rounds", b"").strip()
        return WipeReport(
            tool=options[b"banner"].decode("utf-8", "replace"), method=method,
            verification=_VERIFY.get(options.get(b"verify", b"0")[:1], "none"),
            rounds=int(rounds) if rounds.isdigit() else None,
            drives=list(drives.values()))

    @staticmethod
    def _message(message: bytes, when: datetime, options: dict, drives: dict[str, Drive]) -> None:
        option = _OPTION.match(b" " + message)
        if option:
            options[option.group(1)] = option.group(2).strip()
            return
        found = _FOUND.match(message)
        if found:
            drive = drives.setdefault(found.group(1).decode(), Drive(found.group(1).decode()))
            drive.model = found.group(3).decode("utf-8", "replace").strip()
            drive.serial, drive.serial_raw = _serial(found.group(5))
            return
        for pattern in (_SECTORS, _INVOKING, _PASS, _BLANKED):
            matched = pattern.match(message)
            if not matched:
                continue
            name = matched.groups()[-1 if pattern is _PASS else 0].decode()
            drive = drives.get(name)
            if drive is None:
                break
            if pattern is _SECTORS:
                drive.size_bytes = int(matched.group(2))
            elif pattern is _INVOKING:
                drive.started_at = when  # the wipe itself starts here, not at detection
            elif pattern is _PASS:
                drive.passes = max(drive.passes or 0, int(matched.group(1)))
            else:
                drive.blanked = True
            break
        for name, drive in drives.items():
            if re.search(re.escape(name.encode()) + rb"(?![0-9A-Za-z])", message):
                drive.started_at = drive.started_at or when
                drive.finished_at = when

    @staticmethod
    def _table_row(table: str, line: bytes, drives: dict[str, Drive]) -> str | None:
        row = _ROW.match(line)
        if not row or row.group(1) == b"Device":
            return None
        name = f"/dev/{row.group(1).decode('utf-8', 'replace')}"
        drive = drives.get(name)
        if drive is None:
            return None
        if table == "errors":
            numbers = [int(x) if x.strip().isdigit() else 0 for x in row.group(2, 3, 4)]
            drive.pass_errors, drive.verify_errors, drive.sync_errors = numbers
        else:
            drive.status = row.group(2).decode("utf-8", "replace").strip()
            if not drive.status:
                return None
        return name


def _incomplete(message) -> InvalidInput:
    return InvalidInput(message, code="incomplete_log")


def _serial(raw: bytes) -> tuple[str | None, str]:
    text = raw.strip()
    if text and all(0x21 <= b < 0x7F or b == 0x20 for b in text) and len(text) >= 4:
        return text.decode("ascii"), raw.hex()
    return None, raw.hex()
