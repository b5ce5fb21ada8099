"""Messages on the internal topic from the Faust worker to the ClickHouse sink (JSON, one per source event).

``{"j": "e", ...}`` — one processed source event: its outcome (ledger) and the new absolute value of every
aggregate group it changed. ``{"j": "s", ...}`` — a full snapshot of one source partition's aggregates, sent
after (re)assignment or a change of reference date; groups of that partition absent from it are zero.
Values are absolute, and versions are (reference date, source offset), so the sink is idempotent.
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
class PesanStatistik:
    jenis: Literal["e", "s"]
    topik: str
    partisi: int
    offset: int
    acuan: dt.date
    grup: dict[Grup, int] = field(default_factory=dict)
    # ledger fields (jenis "e" only)
    hasil: str = APPLIED
    alasan: str = ""
    berubah: bool = False
    kode_kelurahan: str = ""
    ts_sumber_ms: int = 0
    ts_proses_ms: int = 0

    def ke_bytes(self) -> bytes:
        body: dict[str, Any] = {
            "j": self.jenis, "t": self.topik, "p": self.partisi, "o": self.offset,
            "acuan": self.acuan.toordinal(), "g": [[*g, n] for g, n in self.grup.items()],
        }
        if self.jenis == "e":
            body |= {"h": self.hasil, "a": self.alasan, "b": int(self.berubah), "kel": self.kode_kelurahan,
                     "ts": self.ts_sumber_ms, "tp": self.ts_proses_ms}
        return json.dumps(body, separators=(",", ":")).encode()

    @classmethod
    def dari_bytes(cls, data: bytes) -> PesanStatistik:
        b = json.loads(data)
        grup = {(g[0], g[1], g[2], int(g[3])): int(g[4]) for g in b["g"]}
        pesan = cls(b["j"], b["t"], int(b["p"]), int(b["o"]), dt.date.fromordinal(b["acuan"]), grup)
        if pesan.jenis == "e":
            pesan.hasil, pesan.alasan, pesan.berubah = b["h"], b["a"], bool(b["b"])
            pesan.kode_kelurahan, pesan.ts_sumber_ms, pesan.ts_proses_ms = b["kel"], int(b["ts"]), int(b["tp"])
        return pesan
