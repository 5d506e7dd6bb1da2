"""nwipe and ShredOS logs (nwipe's --logfile).

Read as bytes: nwipe prints a drive's serial exactly as the drive returns it, and for some
drives that is not text at all. A serial that is not printable ASCII is kept as hex evidence
and reported as unreadable, so the technician matches that drive by hand.
"""
from __future__ import annotations

import re
from datetime import datetime

from flask_babel import lazy_gettext as _l

from recond.errors import InvalidInput
from recond.wipelogs.model import Drive, WipeReport

_STAMP = re.compile(rb"^\[(\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2})\]\s+\w+:\s?(.*)$")
_OPTION = re.compile(rb"^\s+(banner|method|verify|rounds)\s+=\s+(.*)$")
_FOUND = re.compile(rb"^Found (/dev/\S+), (\w*), (.*?),\s+(\d+ \w+), S/N=(.*)$")
_SECTORS = re.compile(rb"^(/dev/\S+), sect/blk/dev \d+/\d+/(\d+)$")
_ROW = re.compile(rb"^[! ]\s+(\S+)\s+\|\s*(.*?)\s*\|\s*(.*?)\s*\|\s*(.*?)\s*(?:\|\s*(.*))?$")
_VERIFY = {b"0": "none", b"1": "last_pass", b"2": "all_passes"}


class NwipeLog:
    name = "nwipe"

    def recognises(self, content: bytes) -> bool:
        head = content[:20000]
        return b"nwipe" in head and (b"banner" in head or b"Drive Status" in content)

    def parse(self, content: bytes) -> WipeReport:
        options: dict[bytes, bytes] = {}
        drives: dict[str, Drive] = {}
        table = None
        for line in content.splitlines():
            stamp = _STAMP.match(line)
            if stamp:
                when = datetime.strptime(stamp.group(1).decode(), "%Y/%m/%d %H:%M:%S")
                message = stamp.group(2)
                option = _OPTION.match(b" " + message)
                if option:
                    options[option.group(1)] = option.group(2).strip()
                    continue
                found = _FOUND.match(message)
                if found:
                    drive = drives.setdefault(found.group(1).decode(), Drive(found.group(1).decode()))
                    drive.model = found.group(3).decode("utf-8", "replace").strip()
                    drive.serial, drive.serial_raw = _serial(found.group(5))
                    continue
                sectors = _SECTORS.match(message)
                if sectors and sectors.group(1).decode() in drives:
                    drives[sectors.group(1).decode()].size_bytes = int(sectors.group(2))
                for name, drive in drives.items():
                    if name.encode() in message:
                        drive.started_at = drive.started_at or when
                        drive.finished_at = when
                continue
            if b"Error Summary" in line:
                table = "errors"
            elif b"Drive Status" in line:
                table = "status"
            elif table and line.startswith(b"*"):
                table = None
            elif table:
                self._table_row(table, line, drives)
        if "banner" not in {k.decode() for k in options} or not drives:
            raise InvalidInput(_l("This nwipe log is incomplete: no drive was found in it."),
                               code="incomplete_log")
        rounds = options.get(b"rounds", b"").strip()
        return WipeReport(
            tool=options[b"banner"].decode("utf-8", "replace"),
            method=options.get(b"method", b"").decode("utf-8", "replace"),
            verification=_VERIFY.get(options.get(b"verify", b"0")[:1], "none"),
            rounds=int(rounds) if rounds.isdigit() else None,
            drives=list(drives.values()))

    @staticmethod
    def _table_row(table: str, line: bytes, drives: dict[str, Drive]) -> None:
        row = _ROW.match(line)
        if not row or row.group(1) == b"Device":
            return
        drive = drives.get(f"/dev/{row.group(1).decode('utf-8', 'replace')}")
        if drive is None:
            return
        if table == "errors":
            numbers = [int(x) if x.strip().isdigit() else 0 for x in row.group(2, 3, 4)]
            drive.pass_errors, drive.verify_errors, drive.sync_errors = numbers
        else:
            drive.status = row.group(2).decode("utf-8", "replace").strip()


def _serial(raw: bytes) -> tuple[str | None, str]:
    text = raw.strip()
    if text and all(0x21 <= b < 0x7F or b == 0x20 for b in text) and len(text) >= 4:
        return text.decode("ascii"), raw.hex()
    return None, raw.hex()
