"""Messages on the internal topic from the Faust worker to the ClickHouse sink (JSON).

``{"j": "b", ...}`` — one batch of processed source events of one partition: each event's outcome (the
ledger), every record version it added, and the absolute value, after the batch, of every (group, day) the
batch changed.
``{"j": "s", ...}`` — one chunk of a full snapshot of one source partition (its aggregates and every record
version it holds), sent after (re)assignment; ``{"j": "S"}`` ends the snapshot: every group of that
partition that the snapshot did not write is zero from then on.
Values are absolute and versioned by (generation, source offset), so the sink is idempotent. A generation
starts each time a worker (re)builds a partition's aggregates from its table (assignment, restart after a
crash); it is a counter kept in the table itself and made durable before the snapshot is
sent, so every value of a newer generation supersedes every value of an older one. That matters after a
crash: the recovered table may hold some writes of the last unfinished batch and not others, so its snapshot
is not "the state at some offset" and must not be ordered against the old generation by offset. Within a
generation a value with version v is "the group's count after the partition's events up to offset v".
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from streams.agregat import KunciHarian

APPLIED = "applied"
DEAD_LETTERED = "dead_lettered"


def versi(generasi: int, offset: int) -> int:
    """Row version: later generations win, then later source offsets (offsets < 2**40, generations < 2**23)."""
    return (generasi << 40) | max(offset, 0)


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
    """``jenis``: "b" a batch, "s" one chunk of a snapshot, "S" the end of a snapshot (after its chunks)."""

    jenis: Literal["b", "s", "S"]
    rekaman: str  # record type (satudata.jenis), e.g. "penduduk"
    topik: str
    partisi: int
    offset: int  # the last source offset the values reflect
    generasi: int
    grup: dict[KunciHarian, int] = field(default_factory=dict)
    versi: list[list[Any]] = field(default_factory=list)  # [kel, id, offset, berlaku, lapor, version, citra]
    ledger: list[CatatanEvent] = field(default_factory=list)

    def ke_bytes(self) -> bytes:
        body: dict[str, Any] = {
            "j": self.jenis,
            "r": self.rekaman,
            "t": self.topik,
            "p": self.partisi,
            "o": self.offset,
            "gen": self.generasi,
            "g": [[*g, t, n] for (g, t), n in self.grup.items()],
            "v": self.versi,
            "e": [c.ke_list() for c in self.ledger],
        }
        return json.dumps(body, separators=(",", ":")).encode()

    @classmethod
    def dari_bytes(cls, data: bytes) -> PesanStatistik:
        b = json.loads(data)
        grup = {((g[0], g[1], g[2], int(g[3]), int(g[4])), int(g[5])): int(g[6]) for g in b["g"]}
        ledger = [CatatanEvent.dari_list(e) for e in b["e"]]
        return cls(b["j"], b["r"], b["t"], int(b["p"]), int(b["o"]), int(b["gen"]), grup, b["v"], ledger)
