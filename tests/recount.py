"""An independent recount of the statistics and the monthly report from record histories (the tests' oracle).

Deliberately shares no code with ``satudata.kontribusi`` / ``satudata.statistik`` / ``satudata.laporan`` /
``streams``: code lists and age bands are read from the JSON files, ages are plain date arithmetic, and every
rule below is written from what the API promises (docs/rekaman.md, the category titles), not from the stream.

Input: per record type, every record's history, a list of ``(berlaku, image)`` versions in the SOURCE image
shape of docs/rekaman.md (``None`` = deleted), effective dates non-decreasing. A record counts as of ``per``
through its version valid on ``per``: the last one with ``berlaku <= per``.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

_DATA = Path(__file__).parent.parent / "satudata" / "data"
_KODE: dict[str, dict[str, str]] = json.loads((_DATA / "kode_opensid.json").read_text("utf-8"))["daftar"]
_RENTANG: dict[str, list[dict[str, Any]]] = {
    nama: s["rentang"]
    for nama, s in json.loads((_DATA / "rentang_umur.json").read_text("utf-8"))["set"].items()
}

Citra = Mapping[str, Any]
Riwayat = Sequence[tuple[dt.date, Citra | None]]
Kunci = tuple[str, str, str, int]  # (kode_kelurahan, slug, row code, jenis_kelamin 0/1/2)

# Resident categories that are one code column: slug → (image column, code list).
KODE_PENDUDUK = {
    "jenis-kelamin": ("sex", "jenis_kelamin"),
    "agama": ("agama_id", "agama"),
    "pendidikan-dalam-kk": ("pendidikan_kk_id", "pendidikan_kk"),
    "pendidikan-sedang-ditempuh": ("pendidikan_sedang_id", "pendidikan_sedang"),
    "pekerjaan": ("pekerjaan_id", "pekerjaan"),
    "status-perkawinan": ("status_kawin", "status_kawin"),
    "hubungan-dalam-kk": ("kk_level", "hubungan_kk"),
    "warga-negara": ("warganegara_id", "warganegara"),
    "status-penduduk": ("status", "status_penduduk"),
    "golongan-darah": ("golongan_darah_id", "golongan_darah"),
    "penyandang-cacat": ("cacat_id", "cacat"),
    "penyakit-menahun": ("sakit_menahun_id", "sakit_menahun"),
    "akseptor-kb": ("cara_kb_id", "cara_kb"),
    "asuransi-kesehatan": ("id_asuransi", "asuransi"),
}
# Age-band categories: slug → band set of rentang_umur.json.
UMUR = {
    "rentang-umur": "opensid-rentang",
    "kategori-umur": "opensid-kategori",
    "kelompok-umur": "bps-5-tahun",
    "umur-opendk": "opendk",
}
SLUG_PENDUDUK = (*UMUR, *KODE_PENDUDUK, "akta-kelahiran", "ktp", "suku", "bpjs-ketenagakerjaan",
                 "status-kehamilan", "akta-perkawinan")  # fmt: skip
SLUG = (*SLUG_PENDUDUK, "keluarga", "kelas-sosial", "bantuan", "bantuan-sasaran")  # every stock category


def _tanggal(v: Any) -> dt.date | None:
    if v is None or isinstance(v, dt.date):
        return v
    return dt.date.fromisoformat(str(v))


def _lahir(v: Any) -> dt.date | None:
    """Birth dates on or before 1 January 1900 are OpenSID placeholders for "unknown"."""
    lahir = _tanggal(v)
    return None if lahir is None or lahir <= dt.date(1900, 1, 1) else lahir


def umur(lahir: dt.date | None, per: dt.date) -> int | None:
    """Whole years on ``per``; None when unknown or not yet born."""
    if lahir is None or lahir > per:
        return None
    tahun = per.year - lahir.year
    if (per.month, per.day) < (lahir.month, lahir.day):
        tahun -= 1
    return tahun


def band(nama_set: str, lahir: dt.date | None, per: dt.date) -> str:
    """Label of the band of set ``nama_set`` holding the age on ``per``; ``""`` when there is none."""
    u = umur(lahir, per)
    if u is None:
        return ""
    for r in _RENTANG[nama_set]:
        if r["dari"] <= u and (r["sampai"] is None or u <= r["sampai"]):
            return str(r["label"])
    return ""


def kode(v: Any, nama_daftar: str) -> str:
    """The code as text when it is in the list, else ``""`` (BELUM MENGISI)."""
    if isinstance(v, bool) or not isinstance(v, int):
        return ""
    return str(v) if str(v) in _KODE[nama_daftar] else ""


def jk(v: Any) -> int:
    return v if v in (1, 2) and not isinstance(v, bool) else 0


def ada(v: Any) -> str:
    """A document number: ``"1"`` filled, ``"0"`` empty / ``-`` / ``0``, ``""`` never sent."""
    if v is None:
        return ""
    return "0" if str(v).strip() in ("", "-", "0") else "1"


def _penduduk(c: Citra, per: dt.date) -> Iterator[tuple[str, str]]:
    if c.get("status_dasar") != 1:
        return
    lahir = _lahir(c.get("tanggallahir"))
    for slug, nama_set in UMUR.items():
        yield slug, band(nama_set, lahir, per)
    for slug, (kolom, nama_daftar) in KODE_PENDUDUK.items():
        yield slug, kode(c.get(kolom), nama_daftar)
    yield "akta-kelahiran", band("opensid-rentang", lahir, per) if ada(c.get("akta_lahir")) == "1" else ""
    u, kawin = umur(lahir, per), c.get("status_kawin")
    if ((u is not None and u >= 17) or kawin in (2, 3, 4)) and c.get("ktp_el") != 3:
        yield "ktp", kode(c.get("status_rekam"), "status_rekam")
    yield "suku", " ".join(str(c.get("suku") or "").split()).upper()
    yield "bpjs-ketenagakerjaan", ada(c.get("bpjs_ketenagakerjaan"))
    if c.get("sex") == 2:
        yield "status-kehamilan", kode(c.get("hamil"), "hamil")
    if kawin == 2:
        yield "akta-perkawinan", ada(c.get("akta_perkawinan"))


def _keluarga(c: Citra, _per: dt.date) -> Iterator[tuple[str, str]]:
    if c.get("status_dasar") in (None, 1):
        yield "keluarga", "1"
        yield "kelas-sosial", kode(c.get("kelas_sosial"), "kelas_sosial")


def _peserta(c: Citra, _per: dt.date) -> Iterator[tuple[str, str]]:
    yield "bantuan", str(c.get("program_id"))
    yield "bantuan-sasaran", kode(c.get("sasaran"), "sasaran_bantuan")


# record type → (rows of one valid image, the column holding the sex the table splits by)
_JENIS: dict[str, tuple[Callable[[Citra, dt.date], Iterator[tuple[str, str]]], str]] = {
    "penduduk": (_penduduk, "sex"),
    "keluarga": (_keluarga, "jenis_kelamin_kepala"),
    "bantuan-peserta": (_peserta, "jenis_kelamin"),
}


def berlaku_pada(riwayat: Riwayat, per: dt.date) -> Citra | None:
    """The image of the version valid on ``per`` (None: deleted or not yet existing)."""
    assert all(a[0] <= b[0] for a, b in itertools.pairwise(riwayat)), "dates must not go back"
    citra: Citra | None = None
    for berlaku, c in riwayat:
        if berlaku > per:
            break
        citra = c
    return citra


def _kel(c: Citra) -> str:
    return str(c["kode_kelurahan"]).replace(".", "")


def hitung_ulang(rekaman: Mapping[str, Iterable[Riwayat]], per: dt.date) -> Counter[Kunci]:
    """Every stock category as of ``per``: (kode_kelurahan, slug, row, jenis_kelamin) → records."""
    out: Counter[Kunci] = Counter()
    for jenis, semua in rekaman.items():
        baris, kolom_jk = _JENIS[jenis]
        for riwayat in semua:
            c = berlaku_pada(riwayat, per)
            if c is not None:
                for slug, row in baris(c, per):
                    out[(_kel(c), slug, row, jk(c.get(kolom_jk)))] += 1
    return out


def recount(images: Iterable[Citra | None], acuan: dt.date) -> Counter[Kunci]:
    """Residents' statistics from final images only (each valid since ever)."""
    return hitung_ulang({"penduduk": [[(dt.date.min, c)] for c in images]}, acuan)


def rollup(counts: Mapping[Kunci, int], wilayah: str, kategori: str) -> Counter[tuple[str, int]]:
    """Counts of one category for a kota (4 digits), kecamatan (6) or kelurahan (10) code."""
    out: Counter[tuple[str, int]] = Counter()
    for (kel, kat, kode_, jk_), n in counts.items():
        if kat == kategori and kel.startswith(wilayah) and n:
            out[(kode_, jk_)] += n
    return out


# -- laporan bulanan (Permendagri 47/2016), event-date basis --

KOLOM_LAPORAN = ("wni_l", "wni_p", "wna_l", "wna_p", "l", "p", "jumlah", "kk_l", "kk_p", "kk_jumlah")
# row → (log_penduduk kode_peristiwa, log_keluarga id_peristiwa, sign in the balance)
MUTASI = {
    "lahir": ({1}, {1, 12}, 1),  # LAHIR; Keluarga Baru, Anggota Keluarga Pecah
    "mati": ({2}, {2}, -1),  # MATI; Kepala Keluarga Mati
    "datang": ({5}, {5}, 1),  # PINDAH MASUK; Keluarga Baru Datang
    "pindah": ({3, 6}, {3, 6}, -1),  # PINDAH KELUAR, PERGI; Kepala Keluarga Pindah / Pergi
    "hilang": ({4}, {4}, -1),  # HILANG; Kepala Keluarga Hilang
}


def laporan_bulanan(
    rekaman: Mapping[str, Iterable[Riwayat]], tahun: int, bulan: int, wilayah: str = ""
) -> dict[str, dict[str, int]]:
    """Rows awal, lahir, mati, datang, pindah, hilang, akhir, selisih → column → count, for the kelurahan whose
    code starts with ``wilayah``. Stocks: living residents (WNA = warganegara_id 2, others WNI) and active
    families the day before the month and on its last day; flows: events (as last known) by tgl_peristiwa."""
    awal = dt.date(tahun, bulan, 1)
    akhir = (awal + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
    rows = {k: dict.fromkeys(KOLOM_LAPORAN, 0) for k in ("awal", *MUTASI, "akhir", "selisih")}

    def tambah(row: str, wn: str, sex: Any) -> None:
        sisi = {1: "l", 2: "p"}.get(jk(sex))
        if wn == "kk":
            rows[row]["kk_jumlah"] += 1
            if sisi:
                rows[row][f"kk_{sisi}"] += 1
            return
        rows[row]["jumlah"] += 1
        if sisi:
            rows[row][sisi] += 1
            rows[row][f"{wn}_{sisi}"] += 1

    def di_wilayah(c: Citra | None) -> bool:
        return c is not None and _kel(c).startswith(wilayah)

    for row, tanggal in (("awal", awal - dt.timedelta(days=1)), ("akhir", akhir)):
        for riwayat in rekaman.get("penduduk", ()):
            c = berlaku_pada(riwayat, tanggal)
            if c is not None and di_wilayah(c) and c.get("status_dasar") == 1:
                tambah(row, "wna" if c.get("warganegara_id") == 2 else "wni", c.get("sex"))
        for riwayat in rekaman.get("keluarga", ()):
            c = berlaku_pada(riwayat, tanggal)
            if c is not None and di_wilayah(c) and c.get("status_dasar") in (None, 1):
                tambah(row, "kk", c.get("jenis_kelamin_kepala"))
    for jenis in ("peristiwa", "peristiwa-keluarga"):
        for riwayat in rekaman.get(jenis, ()):
            c = riwayat[-1][1] if riwayat else None  # a fact as currently known
            tgl = _tanggal(c.get("tgl_peristiwa")) if c is not None and di_wilayah(c) else None
            if c is None or tgl is None or not awal <= tgl <= akhir:
                continue
            for row, (kode_penduduk, kode_keluarga, _) in MUTASI.items():
                if jenis == "peristiwa" and c.get("kode_peristiwa") in kode_penduduk:
                    tambah(row, "wna" if c.get("warganegara_id") == 2 else "wni", c.get("jenis_kelamin"))
                elif jenis == "peristiwa-keluarga" and c.get("id_peristiwa") in kode_keluarga:
                    tambah(row, "kk", c.get("jenis_kelamin_kepala"))
    for k in KOLOM_LAPORAN:
        mutasi = sum(tanda * rows[row][k] for row, (_, _, tanda) in MUTASI.items())
        rows["selisih"][k] = rows["akhir"][k] - rows["awal"][k] - mutasi
    return rows
