"""Small text transformations the sloppy world applies (numerals, widths, scripts, typos)."""
from __future__ import annotations

import random
import re

import opencc
from pypinyin import lazy_pinyin

_S2T = opencc.OpenCC("s2t")
_T2S = opencc.OpenCC("t2s")

CN_DIGIT = "零一二三四五六七八九"
FULLWIDTH = str.maketrans("0123456789-#xX", "０１２３４５６７８９－＃ｘＸ")
ROAD_SUFFIXES = ("公路", "大道", "支路", "路", "街", "道", "巷")


def to_traditional(s: str) -> str:
    return _S2T.convert(s)


def to_simplified(s: str) -> str:
    return _T2S.convert(s)


def fullwidth(s: str) -> str:
    return s.translate(FULLWIDTH)


def cn_number(n: str, rng: random.Random) -> str:
    """A number as a clerk might write it in characters: 16 -> 十六, 602 -> 六零二."""
    if not n.isdigit():
        return n
    v = int(n)
    if v < 100 and rng.random() < 0.8:
        if v < 10:
            return CN_DIGIT[v]
        tens, ones = divmod(v, 10)
        return ("十" if tens == 1 else CN_DIGIT[tens] + "十") + (CN_DIGIT[ones] if ones else "")
    return "".join(CN_DIGIT[int(c)] for c in n)


def pinyin_name(name: str, surname_len: int, rng: random.Random) -> str:
    py = lazy_pinyin(name)
    sur = "".join(py[:surname_len])
    given = "".join(py[surname_len:])
    style = rng.random()
    if style < 0.4:
        return f"{sur.capitalize()} {given.capitalize()}"
    if style < 0.7:
        return f"{sur.upper()} {given.upper()}"
    if style < 0.85:
        return f"{given.capitalize()} {sur.capitalize()}"
    return (sur + given).lower()


def spaced(s: str, rng: random.Random) -> str:
    r = rng.random()
    if r < 0.4:
        return " ".join(s)
    if r < 0.7:
        return f" {s} "
    if len(s) >= 2:
        i = rng.randrange(1, len(s))
        return s[:i] + rng.choice((" ", "  ", "\u3000")) + s[i:]
    return s + " "


def homophone(s: str, start: int, table: dict[str, str], rng: random.Random) -> str | None:
    """Replace one character at or after `start` by a same-sounding one; None if none can be."""
    idx = [i for i in range(start, len(s)) if table.get(s[i])]
    if not idx:
        return None
    i = rng.choice(idx)
    return s[:i] + rng.choice(table[s[i]]) + s[i + 1:]


def road_stem(road: str) -> str:
    for suf in ROAD_SUFFIXES:
        if road.endswith(suf) and len(road) > len(suf) + 1:
            return road[: -len(suf)]
    return road


_PHASE = re.compile(r"([一二三四五六七八九十\d]+(-[一二三四五六七八九十\d]+)?期([A-Z]区)?|[东西南北中]区|[A-Z]区"
                    r"|[一二三四五六七八九十]+街坊)$")


def estate_base(name: str) -> str:
    """An estate's name without its phase or zone (某某绿洲四期 -> 某某绿洲)."""
    m = _PHASE.search(name)
    if m and m.start() >= 2:
        return name[: m.start()]
    return name


def digits_only(s: str) -> str:
    return re.sub(r"\D", "", s.translate(str.maketrans("０１２３４５６７８９", "0123456789")))
