"""What Grafana does to a ClickHouse panel's SQL before ClickHouse sees it — so tests and benchmarks can run a
dashboard's queries without a Grafana server.

In order, as the plugin does it: ``$__conditionalAll(cond, $var)`` (the plugin's front end, before
variables: ``1=1`` when ``$var`` is "All"), then Grafana's template variables (``$var``, ``${var}``,
``${var:singlequote}``), then the plugin's back-end macros (``pkg/macros/macros.go``: ``$__timeFilter``,
``$__fromTime``, ``$__toTime``, ``$__dateFilter``, ``$__timeInterval``, ``$__interval_s`` …) for a fixed time
range. Anything left that looks like a macro or variable is an error, not silently sent on.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

SEMUA = "$__all"
"""The value Grafana gives a variable when "All" ("Semua") is selected."""


class EkspansiError(ValueError):
    """A panel query that Grafana would not expand (unknown variable or macro, wrong arguments)."""


@dataclass(frozen=True)
class Konteks:
    """The dashboard state a query is expanded for: time range, interval and each variable's selection
    (a list of values, or :data:`SEMUA`) with the options "All" stands for."""

    dari: dt.datetime
    sampai: dt.datetime
    interval_detik: int = 60
    pilihan: Mapping[str, Sequence[str] | str] = field(default_factory=dict)
    opsi: Mapping[str, Sequence[str]] = field(default_factory=dict)

    def nilai(self, nama: str) -> list[str]:
        if nama not in self.pilihan:
            raise EkspansiError(f"variable ${nama} has no value in this context")
        v = self.pilihan[nama]
        if v == SEMUA:
            return list(self.opsi.get(nama, ()))
        return [v] if isinstance(v, str) else list(v)


def _argumen(teks: str, buka: int) -> tuple[list[str], int]:
    """Arguments of the call whose ``(`` is at ``buka``, split on top-level commas; and the index after ``)``."""
    depth, start, args = 0, buka + 1, []
    quote: str | None = None
    for i in range(buka, len(teks)):
        c = teks[i]
        if quote:
            if c == "\\":
                continue
            if c == quote:
                quote = None
            continue
        if c in "'\"":
            quote = c
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                args.append(teks[start:i])
                return args, i + 1
        elif c == "," and depth == 1:
            args.append(teks[start:i])
            start = i + 1
    raise EkspansiError(f"unclosed macro call at {teks[buka - 20 : buka + 20]!r}")


_VAR_REF = re.compile(r"^\$\{?(\w+)\}?$")


def conditional_all(sql: str, ctx: Konteks) -> str:
    macro = "$__conditionalAll("
    while (i := sql.rfind(macro)) != -1:
        args, end = _argumen(sql, i + len(macro) - 1)
        if len(args) != 2:
            raise EkspansiError(f"$__conditionalAll takes 2 arguments, got {len(args)}")
        m = _VAR_REF.match(args[1].strip())
        if not m:
            raise EkspansiError(f"$__conditionalAll's second argument must be a plain variable: {args[1]!r}")
        semua = ctx.pilihan.get(m.group(1)) in (SEMUA, "")
        sql = sql[:i] + ("1=1" if semua else args[0]) + sql[end:]
    return sql


def _singlequote(v: str) -> str:
    return "'" + v.replace("'", "\\'") + "'"


_VARIABEL = re.compile(r"\$\{(\w+)(?::(\w+))?\}|\$(?!__)(\w+)")


def variabel(sql: str, ctx: Konteks) -> str:
    def ganti(m: re.Match[str]) -> str:
        nama = m.group(1) or m.group(3)
        fmt = m.group(2)
        nilai = ctx.nilai(nama)
        if fmt == "singlequote":
            return ",".join(_singlequote(v) for v in nilai)
        if fmt not in (None, "raw", "csv"):
            raise EkspansiError(f"format :{fmt} is not used by these boards")
        return ",".join(nilai)

    return _VARIABEL.sub(ganti, sql)


def _tanggal(t: dt.datetime) -> str:
    return f"toDate('{t.astimezone(dt.UTC):%Y-%m-%d}')"


def _detik(t: dt.datetime) -> str:
    return f"toDateTime({int(t.timestamp())})"


def _milidetik(t: dt.datetime) -> str:
    return f"fromUnixTimestamp64Milli({int(t.timestamp() * 1000)})"


def makro(sql: str, ctx: Konteks) -> str:
    """The plugin's back-end macros (sqlds: ``$__name`` or ``$__name(args)``), longest names first."""
    f, t = ctx.dari, ctx.sampai
    tanpa_arg = {
        "fromTime_ms": _milidetik(f),
        "toTime_ms": _milidetik(t),
        "fromTime": _detik(f),
        "toTime": _detik(t),
        "interval_s": str(max(ctx.interval_detik, 1)),
    }
    dengan_arg = {
        "timeFilter_ms": lambda a: f"{a[0]} >= {_milidetik(f)} AND {a[0]} <= {_milidetik(t)}",
        "timeFilter": lambda a: f"{a[0]} >= {_detik(f)} AND {a[0]} <= {_detik(t)}",
        "dateFilter": lambda a: f"{a[0]} >= {_tanggal(f)} AND {a[0]} <= {_tanggal(t)}",
        "timeInterval_ms": lambda a: (
            f"toStartOfInterval(toDateTime64({a[0]}, 3), INTERVAL {max(ctx.interval_detik, 1) * 1000} millisecond)"
        ),
        "timeInterval": lambda a: (
            f"toStartOfInterval(toDateTime({a[0]}), INTERVAL {max(ctx.interval_detik, 1)} second)"
        ),
    }
    jumlah_arg = {
        "timeFilter_ms": 1,
        "timeFilter": 1,
        "dateFilter": 1,
        "timeInterval_ms": 1,
        "timeInterval": 1,
    }
    pola = re.compile(r"\$__(\w+)")
    pos = 0
    while m := pola.search(sql, pos):
        nama = m.group(1)
        if nama in dengan_arg:
            if m.end() >= len(sql) or sql[m.end()] != "(":
                raise EkspansiError(f"macro $__{nama} needs arguments")
            args, end = _argumen(sql, m.end())
            args = [a.strip() for a in args]
            if len(args) != jumlah_arg[nama]:
                raise EkspansiError(
                    f"$__{nama}: expected {jumlah_arg[nama]} argument(s), received {len(args)}"
                )
            ganti = dengan_arg[nama](args)
            sql = sql[: m.start()] + ganti + sql[end:]
            pos = m.start() + len(ganti)
        elif nama in tanpa_arg:
            sql = sql[: m.start()] + tanpa_arg[nama] + sql[m.end() :]
            pos = m.start() + len(tanpa_arg[nama])
        else:
            raise EkspansiError(f"unknown macro $__{nama}")
    return sql


def ekspansi(sql: str, ctx: Konteks) -> str:
    """The SQL ClickHouse receives from Grafana for ``sql`` in ``ctx``."""
    hasil = makro(variabel(conditional_all(sql, ctx), ctx), ctx)
    if "$" in re.sub(r"'(?:[^'\\]|\\.)*'", "", hasil):
        raise EkspansiError(f"unexpanded reference left in {hasil[:200]!r}")
    return hasil
