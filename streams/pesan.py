"""Messages on the internal topic from the Faust worker to the ClickHouse sink (JSON).

``{"j": "b", ...}`` — one batch of processed source events of one partition: each event's outcome (the
ledger) and the absolute value, after the batch, of every aggregate group the batch changed.
``{"j": "s", ...}`` — a full snapshot of one source partition's aggregates, sent after (re)assignment or a
change of reference date; groups of that partition absent from it are zero.
Values are absolute and versioned by (reference date, source offset), so the sink is idempotent: a value
with version v is always "the group's count after applying the partition's events up to offset v".
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any, Literal

from satudata.statistik import Grup

APPLIED = "applied"
DEAD_LETTERED = "dead_lettered"


def versi(acuan: dt.date, offset: int) -> int:
    """Row version: later reference dates win, then later source offsets (offsets < 2**40)."""
    return (acuan.toordinal() << 40) | max(offset, 0)


@dataclass(slots=True)
class CatatanEvent:
    """The ledger entry of one source event."""

    offset: int
    hasil: str = APPLIED
    alasan: str = ""
    berubah: bool = False
    kode_kelurahan: str = ""
    ts_sumber_ms: int = 0
    ts_proses_ms: int = 0

    def ke_list(self) -> list[Any]:
        return [
            self.offset,
            self.hasil,
            self.alasan,
            int(self.berubah),
            self.kode_kelurahan,
            self.ts_sumber_ms,
            self.ts_proses_ms,
        ]

    @classmethod
    def dari_list(cls, v: list[Any]) -> CatatanEvent:
        return cls(int(v[0]), v[1], v[2], bool(v[3]), v[4], int(v[5]), int(v[6]))


@dataclass(slots=True)
class PesanStatistik:
    jenis: Literal["b", "s"]
    topik: str
    partisi: int
    offset: int  # the last source offset the values reflect
    acuan: dt.date
    grup: dict[Grup, int] = field(default_factory=dict)
    ledger: list[CatatanEvent] = field(default_factory=list)

    def ke_bytes(self) -> bytes:
        body: dict[str, Any] = {
            "j": self.jenis,
            "t": self.topik,
            "p": self.partisi,
            "o": self.offset,
            "acuan": self.acuan.toordinal(),
            "g": [[*g, n] for g, n in self.grup.items()],
            "e": [c.ke_list() for c in self.ledger],
        }
        return json.dumps(body, separators=(",", ":")).encode()

    @classmethod
    def dari_bytes(cls, data: bytes) -> PesanStatistik:
        b = json.loads(data)
        grup = {(g[0], g[1], g[2], int(g[3])): int(g[4]) for g in b["g"]}
        ledger = [CatatanEvent.dari_list(e) for e in b["e"]]
        return cls(b["j"], b["t"], int(b["p"]), int(b["o"]), dt.date.fromordinal(b["acuan"]), grup, ledger)
