"""What a synthetic Kota Bima resident is drawn from: targets, weighted code distributions, names, addresses.

Sizes follow the suggested synthetic targets of SATU_DATA.md §2 and codes are OpenSID's (DOMAIN.md §2).
Every function here draws from the ``random.Random`` it is given and touches no population state; the
builder in :mod:`connectors.simulator.populasi` turns the draws into residents and families.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from collections.abc import Mapping
from typing import Any, Generic, TypeVar

Klaster = tuple[str, str, str]  # (dusun, rw, rt)
T = TypeVar("T")

# SATU_DATA.md §2 "Suggested synthetic targets": Rasanae Barat, Rasanae Timur, Asakota, Raba, Mpunda.
TARGET_KECAMATAN = {"527201": 31_000, "527202": 20_500, "527203": 35_400, "527204": 43_400, "527205": 34_800}
PELUANG_LAKI = {"527203": 0.525, "527205": 0.5}  # Asakota above 100, Mpunda most female-heavy
# Share of images with this field empty ("BELUM MENGISI"); status_dasar is never empty (OpenSID default 1).
PELUANG_KOSONG: dict[str, float] = {
    "sex": 0.002, "tanggallahir": 0.005, "agama_id": 0.01, "pendidikan_kk_id": 0.03, "pekerjaan_id": 0.03,
    "status_kawin": 0.02, "kk_level": 0.01, "warganegara_id": 0.005, "golongan_darah_id": 0.55,
    "cacat_id": 0.03, "pendidikan_sedang_id": 0.03, "sakit_menahun_id": 0.03, "id_asuransi": 0.03,
}  # fmt: skip


class Undian(Generic[T]):
    """A weighted draw over fixed values (cumulative weights + bisect; faster than ``random.choices``)."""

    __slots__ = ("_kumulatif", "_nilai", "_total")

    def __init__(self, bobot: Mapping[T, float]) -> None:
        self._nilai = list(bobot)
        self._kumulatif = list(itertools.accumulate(float(b) for b in bobot.values()))
        self._total = self._kumulatif[-1]

    def ambil(self, rng: random.Random) -> T:
        return self._nilai[bisect.bisect_right(self._kumulatif, rng.random() * self._total)]


UKURAN_KK = Undian({1: 10, 2: 15, 3: 21, 4: 24, 5: 16, 6: 8, 7: 4, 8: 2})  # mean ≈ 3.7 jiwa/KK
UMUR_KEPALA = Undian({20: 2, 25: 6, 30: 9, 35: 11, 40: 12, 45: 12, 50: 11, 55: 9, 60: 7, 65: 5, 70: 3, 75: 3})
AGAMA = Undian({1: 97.0, 2: 1.3, 3: 0.8, 4: 0.6, 5: 0.3})
WARGANEGARA = Undian({1: 99.9, 2: 0.06, 3: 0.04})
CACAT = Undian({7: 98.3, 1: 0.6, 2: 0.25, 3: 0.25, 4: 0.3, 5: 0.1, 6: 0.2})
GOLONGAN_DARAH = Undian({1: 26, 2: 28, 3: 7, 4: 36, 13: 25, 5: 0.5, 6: 0.2, 7: 0.5, 8: 0.2, 11: 0.5, 12: 0.2})
_PENDIDIKAN = [  # (minimum age, distribution of pendidikan_kk_id)
    (60, Undian({1: 15, 2: 20, 3: 30, 4: 12, 5: 14, 6: 1, 7: 2, 8: 5.5, 9: 0.5})),
    (40, Undian({1: 3, 2: 6, 3: 20, 4: 15, 5: 33, 6: 2, 7: 5, 8: 14, 9: 1.8, 10: 0.2})),
    (23, Undian({1: 1, 2: 3, 3: 10, 4: 13, 5: 42, 6: 2, 7: 6, 8: 20, 9: 2.5, 10: 0.5})),
    (19, Undian({5: 80, 4: 15, 3: 5})), (16, Undian({4: 80, 3: 17, 2: 3})), (13, Undian({3: 75, 2: 22})),
    (7, Undian({2: 97, 1: 3})), (5, Undian({1: 70, 2: 30})), (0, Undian({1: 100})),
]  # fmt: skip
_KERJA_MUDA = [(19, Undian({3: 55, 1: 20, 15: 7, 19: 6, 88: 7, 84: 3, 18: 2})), (5, Undian({3: 96, 1: 4}))]
_KERJA_DEWASA = {
    1: Undian({88: 17, 9: 11, 15: 11, 5: 9, 19: 8, 8: 6, 84: 4, 1: 6, 18: 5, 11: 4, 14: 2, 81: 2, 6: 1, 7: 2,
               65: 2, 26: 2, 27: 1, 20: 2, 13: 1.5, 12: 1, 35: 1, 3: 1.5, 16: 1, 64: 0.5, 72: 0.3, 89: 1}),
    2: Undian({2: 38, 88: 11, 5: 8, 8: 5, 84: 5, 15: 6, 1: 7, 65: 4, 18: 5, 9: 3, 30: 2, 73: 1, 74: 2,
               3: 1.5, 19: 1, 89: 0.5}),
}  # fmt: skip
_KERJA_TUA = {1: Undian({4: 20, 1: 25, 9: 18, 88: 12, 8: 6, 11: 4, 84: 5, 19: 3, 89: 2}),
              2: Undian({2: 40, 1: 25, 4: 12, 88: 8, 84: 5, 9: 5, 8: 3})}  # fmt: skip
TEMPAT_LAHIR = Undian({"BIMA": 50, "KOTA BIMA": 15, "RABA": 8, "SAPE": 3, "WOHA": 3, "BOLO": 2, "DOMPU": 4,
                       "SUMBAWA": 2, "MATARAM": 3, "MAKASSAR": 1.5, "SURABAYA": 1, "JAKARTA": 1,
                       "KUPANG": 0.5, "DENPASAR": 0.5})  # fmt: skip
ASAL_LUAR = ("5206", "5205", "5204", "5271", "5201", "5303", "7371")  # Kab Bima, Dompu, Sumbawa, Mataram, …


def _daftar(teks: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in teks.split(","))


# agama → (male first names, female first names, male second names, female second names)
_NAMA: dict[int, tuple[tuple[str, ...], ...]] = {
    1: (
        _daftar("MUHAMMAD,AHMAD,ABDUL,SYAMSUL,ARIF,IRFAN,RAHMAT,HARIS,SUKRI,JUFRI,ILHAM,FAHRUL,TAUFIK,NURDIN,"
                "ABDULLAH,HAMZAH,ISMAIL,IKHSAN,FIRDAUS,SYARIFUDDIN,YUSUF,SAHRIL,AMIRUDDIN,SULAIMAN,SALAHUDDIN,"
                "KAMARUDDIN,ZAINAL,BURHANUDDIN,MUKHTAR,HASANUDDIN,JAMALUDDIN,IWAN,AGUS,RIZAL,FAJAR,RIDWAN,DIMAS"),
        _daftar("SITI,NUR,AISYAH,FATIMAH,NURHAYATI,RABIAH,HADIJAH,SRI,WAHYUNI,RAHMAWATI,JULAIHA,SURYANI,HASNAH,"
                "MARYAM,SALMAH,NURJANAH,RATNA,DEWI,FITRIANI,YULIANA,HALIMAH,NURAINI,MULYATI,ROSMAWATI,SAFIAH,"
                "JUMRAH,KARTINI,INDAH,PUTRI,ZAHRA"),
        _daftar("SALEH,YASIN,ISHAKA,ABUBAKAR,HAMID,JAFAR,IDRIS,ISHAK,USMAN,ALI,UMAR,HASAN,HUSEN,TAHIR,MAHMUD,"
                "SYUKUR,ABDURRAHMAN,EFENDI,RAMLI,SAHABUDDIN,ARSYAD,AKBAR,ANWAR,MUSTAKIM,ARIFIN,RAMADHAN,HIDAYAT,"
                "SAPUTRA,HAFID,M. NOR"),
        _daftar("SAFITRI,HANDAYANI,LESTARI,RAMADHANI,HIDAYATI,AMALIA,KHAIRUNNISA,NINGSIH,PUSPITA,SARI,WAHIDAH,"
                "MAWADDAH,ZUBAIDAH,HAMIDAH,SALEH,YASIN,ABUBAKAR,IDRIS"),
    ),
    2: (_daftar("YOHANES,PETRUS,MARKUS,STEFANUS,YOSEF"), _daftar("MARIA,AGUSTINA,MAGDALENA,ELISABETH"),
        _daftar("LOBO,NDOLU,DA SILVA,PANDIE,MANAFE"), _daftar("SIMANJUNTAK,LOBO,NDOLU,PANDIE,MANAFE")),
    4: (_daftar("I MADE,I KETUT,I WAYAN,I NYOMAN,I GEDE"), _daftar("NI LUH,NI MADE,NI KETUT,NI WAYAN"),
        _daftar("SUARDANA,ARTHA,WIRAWAN,SUDIARTA,MERTA"), _daftar("ASTITI,SUCIANI,SRIASIH,ARIANI")),
    5: (_daftar("SUWANDI,HENDRA,GUNAWAN,TJAHJADI"), _daftar("LIANA,MEILIANA,SUSANTI,LILIS"),
        _daftar("TAN,LIEM,WIJAYA,HALIM,SANTOSO"), _daftar("TAN,LIEM,WIJAYA,HALIM,SANTOSO")),
}  # fmt: skip
_NAMA[3] = _NAMA[2]
_LINGKUNGAN = _daftar(
    "KARARA,SONCO,OI MBO,MADO,TOLOWATA,SALAMA,TANAMERA,KAROMBO,TAMBE,BRANG,DOROMBOJO,TIMU,NTORI,LARE,SAMBI,"
    "WADU,PADOLO,KAMPO,NGGARO,SORI,DANA TRAHA,MAWU,LEWI,NANGA,TOLO,SIGI,NGGEMBE,DORO,RIDA,LEMBO,KANDAI,"
    "OI NONO,SARATA,NTONGGU,LANGGA,TENGGO,SURI,NDANO,KALEO,RASABOU"
)
_JALAN = _daftar(
    "JL. SULTAN HASANUDDIN,JL. SOEKARNO HATTA,JL. GATOT SUBROTO,JL. SULTAN KAHARUDDIN,JL. SALAHUDDIN,"
    "JL. PAHLAWAN,JL. GAJAH MADA,JL. DATUK DIBANTA,JL. SULTAN IBRAHIM,JL. MANGGIS,JL. KESEHATAN,"
    "JL. GURU DAHLAN,JL. LINTAS BIMA-TAWALI,JL. NGARO,JL. TOLOMUNDU,JL. SAMBINAE,JL. BUNGA"
)


def umur_pada(lahir: dt.date, tanggal: dt.date) -> int:
    return tanggal.year - lahir.year - ((tanggal.month, tanggal.day) < (lahir.month, lahir.day))


def umur_citra(citra: Mapping[str, Any], tanggal: dt.date) -> int | None:
    """Age of an image on ``tanggal`` (``None`` if its birth date is empty)."""
    lahir = citra.get("tanggallahir")
    return umur_pada(dt.date.fromisoformat(lahir), tanggal) if lahir else None


def tanggal_lahir_acak(rng: random.Random, umur: int, tanggal: dt.date) -> dt.date:
    hari = umur * 365 + umur // 4 + rng.randint(0, 364)
    return max(dt.date(1900, 1, 1), tanggal - dt.timedelta(days=hari))


def pilih_pendidikan(rng: random.Random, umur: int) -> int:
    return next(u for batas, u in _PENDIDIKAN if umur >= batas).ambil(rng)


def pilih_pekerjaan(rng: random.Random, umur: int, sex: int) -> int:
    if umur >= 60:
        return _KERJA_TUA[sex].ambil(rng)
    if umur >= 23:
        return _KERJA_DEWASA[sex].ambil(rng)
    return next((u.ambil(rng) for batas, u in _KERJA_MUDA if umur >= batas), 1)


def status_kawin_anak(rng: random.Random, umur: int) -> int:
    if umur < 17:
        return 1
    r = rng.random()
    if umur < 25:
        return 1 if r < 0.93 else 2
    return 1 if r < 0.7 else 2 if r < 0.9 else 3 if r < 0.96 else 4


def nama_acak(rng: random.Random, sex: int, agama: int | None) -> str:
    depan_l, depan_p, belakang_l, belakang_p = _NAMA.get(agama or 1, _NAMA[1])
    if sex == 1:
        return f"{rng.choice(depan_l)} {rng.choice(belakang_l)}"
    return f"{rng.choice(depan_p)} {rng.choice(belakang_p)}"


def alamat_acak(rng: random.Random, klaster: Klaster) -> str:
    if rng.random() < 0.75:
        return f"{rng.choice(_JALAN)} NO. {rng.randint(1, 150)}"
    return f"RT {klaster[2]} RW {klaster[1]} {klaster[0]}"


def awalan_nik(rng: random.Random, kode_kelurahan: str, dari_luar: float = 0.07) -> str:
    """Kecamatan of first registration: mostly this one, some another Kota Bima kecamatan or outside."""
    r = rng.random()
    if r < dari_luar:
        return f"{rng.choice(ASAL_LUAR)}{rng.randint(1, 18):02d}"
    if r < dari_luar + 0.08:
        return f"5272{rng.randint(1, 5):02d}"
    return kode_kelurahan[:6]


Anggota = tuple[int, int, int, int]  # (sex, umur, kk_level, status_kawin)


def _sex(rng: random.Random, p_laki: float) -> int:
    return 1 if rng.random() < p_laki else 2


def susun_keluarga(rng: random.Random, p_laki: float = 0.51) -> list[Anggota]:
    """Members of one KK, head first: couples with children, single parents, lone young or old people."""
    ukuran = UKURAN_KK.ambil(rng)
    if ukuran == 1:
        if rng.random() < 0.55:
            return [(_sex(rng, 0.75), rng.randint(19, 38), 1, 1)]
        return [(_sex(rng, 0.4), rng.randint(55, 92), 1, 4 if rng.random() < 0.8 else 3)]
    anggota: list[Anggota] = []
    if rng.random() < 0.86:
        suami = UMUR_KEPALA.ambil(rng) + rng.randint(0, 4)
        ibu = max(18, suami - rng.randint(-2, 8))
        if rng.random() < 0.98:
            anggota += [(1, suami, 1, 2), (2, ibu, 3, 2)]
        else:
            anggota += [(2, ibu, 1, 2), (1, suami, 2, 2)]
    else:
        sex = _sex(rng, 0.3)
        umur = UMUR_KEPALA.ambil(rng) + rng.randint(3, 7)
        anggota.append((sex, umur, 1, 4 if rng.random() < 0.6 else 3))
        ibu = umur if sex == 2 else umur - rng.randint(0, 6)
    kepala = anggota[0][1]
    while len(anggota) < ukuran:
        r = rng.random()
        if r < 0.05 and kepala < 60:
            umur = min(95, kepala + rng.randint(20, 32))
            hubungan = 7 if rng.random() < 0.6 else 8
            anggota.append((_sex(rng, 0.35), umur, hubungan, 4 if rng.random() < 0.8 else 2))
        elif r < 0.09 and kepala >= 48:
            anggota.append((_sex(rng, p_laki), rng.randint(0, 12), 6, 1))
        elif r < 0.12:
            umur = rng.randint(8, 40)
            anggota.append((_sex(rng, p_laki), umur, 9, 1 if umur < 25 or rng.random() < 0.5 else 2))
        else:
            awal = max(19, ibu - 35)  # mother's age at the birth
            umur = max(0, ibu - rng.randint(awal, max(awal, min(ibu, 44))))
            anggota.append((_sex(rng, p_laki), umur, 4, status_kawin_anak(rng, umur)))
    return anggota


def buat_klaster(rng: random.Random, jumlah_kk: int) -> list[Klaster]:
    """2–6 lingkungan, each with 1–3 RW; RW and RT numbered through the kelurahan, ~35 KK per RT."""
    nama = rng.sample(_LINGKUNGAN, rng.randint(2, 6))
    rw_per_dusun = [rng.randint(1, 3) for _ in nama]
    jumlah_rw = sum(rw_per_dusun)
    jumlah_rt = max(jumlah_rw, 2, round(jumlah_kk / 35))
    rt_per_rw = [1] * jumlah_rw
    for _ in range(jumlah_rt - jumlah_rw):
        rt_per_rw[rng.randrange(jumlah_rw)] += 1
    hasil: list[Klaster] = []
    rw = rt = 0
    for dusun, banyak_rw in zip(nama, rw_per_dusun, strict=True):
        for _ in range(banyak_rw):
            for _ in range(rt_per_rw[rw]):
                rt += 1
                hasil.append((f"LINGKUNGAN {dusun}", f"{rw + 1:03d}", f"{rt:03d}"))
            rw += 1
    return hasil
