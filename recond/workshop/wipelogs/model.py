"""What a wipe log says, whatever the tool that wrote it."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any


@dataclass
class Drive:
    device: str                  # as the tool names it: /dev/sda
    model: str = ""
    serial: str | None = None    # None when the log's bytes are not a readable serial
    serial_raw: str = ""         # the bytes as logged, hex, for the evidence
    size_bytes: int | None = None
    status: str = ""             # the tool's own word: Erased, -FAILED-, …
    pass_errors: int = 0
    verify_errors: int = 0
    sync_errors: int = 0
    passes: int | None = None    # overwriting passes per round, as the tool ran them
    blanked: bool = False        # a final blanking pass (zeros) was written and checked
    # The wiping machine's own clock, as logged: local time of wherever it stood, no zone.
    started_at: datetime | None = None
    finished_at: datetime | None = None

    @property
    def passed(self) -> bool:
        return self.status == "Erased" and not (self.pass_errors or self.verify_errors or self.sync_errors)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("started_at", "finished_at"):
            data[key] = data[key].isoformat() if data[key] else None
        data["passed"] = self.passed
        return data


@dataclass
class WipeReport:
    tool: str                    # "nwipe 0.33"
    method: str                  # "PRNG Stream"
    verification: str            # none, last_pass, all_passes
    rounds: int | None
    drives: list[Drive] = field(default_factory=list)
