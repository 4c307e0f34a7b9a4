"""Load the public reference data the world is built on (read at run time, never copied).

Input: a folder laid out like ../shared/reference (see its README). Output: one
`Reference` object with plain Python lists and dicts. Nothing here is written anywhere.
"""
from __future__ import annotations

import csv
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

REQUIRED = (
    "pudong_admin.csv",
    "shanghai_admin.csv",
    "counties.csv",
    "surnames_wainshine_1k.csv",
    "mobile_prefix7_shanghai.csv",
    "confusion/same_pinyin.txt",
    "confusion/same_stroke.txt",
    "evaluation_only/pudong_xiaoqu.csv",
)


class ReferenceMissing(SystemExit):
    pass


def find_reference(explicit: str | None) -> Path:
    """The reference folder: --reference, $OTHERWORLD_REFERENCE, or a `shared/reference`
    beside one of this script's ancestor folders (../shared/reference from a checkout)."""
    candidates: list[Path] = []
    if explicit:
        candidates.append(Path(explicit))
    elif os.environ.get("OTHERWORLD_REFERENCE"):
        candidates.append(Path(os.environ["OTHERWORLD_REFERENCE"]))
    else:
        here = Path(__file__).resolve()
        for parent in here.parents:
            candidates.append(parent / "shared" / "reference")
    for c in candidates:
        if all((c / f).is_file() for f in REQUIRED):
            return c
    tried = ", ".join(str(c) for c in candidates[:6])
    raise ReferenceMissing(
        "otherworld: the public reference data was not found (tried: "
        f"{tried}). It is read at run time from ../shared/reference and never copied into "
        "the repository; pass --reference DIR or set OTHERWORLD_REFERENCE. Required files: "
        + ", ".join(REQUIRED))


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@dataclass
class Reference:
    root: Path
    # (street_code, street_name, committee_code, committee_name), real Pudong units only
    admin: list[tuple[str, str, str, str]]
    xiaoqu: list[dict[str, str]]
    surnames: list[tuple[str, float]]
    mobile_prefixes: list[str]
    counties: list[tuple[str, str, str, str]]       # code, province, city, county
    other_towns: list[tuple[str, str]]              # (district, town) outside Pudong
    same_pinyin: dict[str, str]
    same_stroke: dict[str, str]
    gb2260_pudong_old: list[tuple[str, int | None, int | None]] = field(default_factory=list)


def load_reference(root: Path) -> Reference:
    admin = []
    for r in _rows(root / "pudong_admin.csv"):
        sc = r["street_code"]
        # farms and development zones (4xx/5xx) and their 虚拟 committees are not real places
        if sc[6] in "45" or "虚拟" in r["committee_name"]:
            continue
        admin.append((sc, r["street_name"], r["committee_code"], r["committee_name"]))

    xiaoqu = [r for r in _rows(root / "evaluation_only" / "pudong_xiaoqu.csv") if r["name"].strip()]
    surnames = [(r["surname"], float(r["count"])) for r in _rows(root / "surnames_wainshine_1k.csv")]
    prefixes = [r["prefix7"] for r in _rows(root / "mobile_prefix7_shanghai.csv")]
    counties = [(r["county_code"], r["province"], r["city"], r["county"])
                for r in _rows(root / "counties.csv") if r.get("in_gb2260_history") == "1"]

    pudong_names = {a[1] for a in admin}
    other = sorted({(r["county"], r["street_name"]) for r in _rows(root / "shanghai_admin.csv")
                    if r["county"] != "浦东新区" and r["street_name"].endswith(("镇", "街道"))
                    and r["street_name"] not in pudong_names})

    same_pinyin: dict[str, str] = {}
    for line in (root / "confusion" / "same_pinyin.txt").read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) >= 2 and len(parts[0]) == 1 and parts[1]:
            same_pinyin[parts[0]] = parts[1]
    same_stroke: dict[str, str] = {}
    for line in (root / "confusion" / "same_stroke.txt").read_text(encoding="utf-8").splitlines():
        chars = [c for c in line.split("\t") if len(c) == 1]
        for c in chars:
            others = "".join(o for o in chars if o != c)
            if others:
                same_stroke.setdefault(c, others)

    hist = []
    gb = root / "gb2260_code_history.csv"
    if gb.is_file():
        for r in _rows(gb):
            if r["code"] in ("310224", "310225", "310119"):
                hist.append((r["code"], int(r["start_year"]) if r["start_year"] else None,
                             int(r["end_year"]) if r["end_year"] else None))
    log.info("reference: %d committees, %d communities, %d surnames, %d other-district towns",
             len(admin), len(xiaoqu), len(surnames), len(other))
    return Reference(root, admin, xiaoqu, surnames, prefixes, counties, other, same_pinyin,
                     same_stroke, hist)
