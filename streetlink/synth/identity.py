"""Write a person's name, ID and phone the way the sources get them, and say what survives.

Input: a ``Person`` (a registry person or a newcomer), the source's rates, a
``random.Random``. Output: the written strings, the messiness codes, and ``Evidence``:
what a careful clerk could still establish from them (whose ID it is after normalising,
whether the name still equals the registry name, whether the phone is the registry phone).
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field

import opencc
from pypinyin import lazy_pinyin

from streetlink.synth import vocab
from streetlink.synth.idnumbers import check_char, id15_from_id18
from streetlink.synth.people import ID_TYPES

__all__ = [
    "Evidence",
    "Person",
    "normalise_id",
    "normalise_name",
    "phone_digits",
    "write_id",
    "write_name",
    "write_phone",
]

_S2T = opencc.OpenCC("s2t")
_T2S = opencc.OpenCC("t2s")
_SEPARATORS = "·.•・- \u3000"
_FULLWIDTH_ALL = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")


@dataclass
class Person:
    index: int  # registry index, or -1 for someone not in the registry
    person_id: str | None
    name: str
    surname: str
    given: str
    han: bool  # surname + given name (not a minority or foreign naming style)
    male: bool
    birth: dt.date
    id_type: int
    id_number: str | None
    own_phone: int  # 0: none
    registry_phone: int  # 0: none (or not registered)
    registry_house: int  # dwelling index on record, -1 when none / not registered
    residence: int
    region: int
    family_ids: tuple[tuple[int, str], ...] = ()  # other household members (index, ID)


@dataclass
class Evidence:
    id_person: int | None = None  # registry index the written ID identifies after normalising
    id_near: bool = False  # a one-digit slip of the true ID (found with the exact name)
    name_exact: bool = False
    honorific_ok: bool = False  # 王女士: surname and sex agree
    phone_registry: bool = False  # phone digits equal the person's registry phone
    codes: list[str] = field(default_factory=list)
    name_written: str = ""  # the written name as a clerk compares it ('' for none / 王女士)
    honorific: tuple[str, bool] | None = None  # 王女士: ('王', False)
    phone_typed: int = 0  # the typed mobile's 11 digits (0: none, a landline, or not 11 digits)


def normalise_name(text: str) -> str:
    """What a clerk compares: Simplified, no spaces or name separators."""
    text = unicodedata.normalize("NFKC", text)
    text = _T2S.convert(text)
    return "".join(ch for ch in text if ch not in _SEPARATORS and not ch.isspace())


def normalise_id(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).upper()
    text = "".join(ch for ch in text if not ch.isspace())
    if len(text) == 15 and text.isdigit():
        body = text[:6] + "19" + text[6:]
        return body + check_char(body)
    return text


def phone_digits(text: str) -> str:
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch.isdigit())
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    return digits


def write_name(
    p: Person,
    rr: random.Random,
    r: dict,
    hotline: bool,
    honorific_p: float,
    ev: Evidence,
    minority_honorific: float = 0.0,
    vr: random.Random | None = None,
) -> str:
    """The name as written. `minority_honorific` (variation shared_phones, drawn from `vr`):
    a non-Han caller written by the first part of the name + 先生/女士 (艾合买提先生)."""
    codes = ev.codes
    if rr.random() < r["name_blank"]:
        codes.append("name_blank")
        return ""
    if hotline and p.han and rr.random() < honorific_p:
        codes.append("name_honorific")
        ev.honorific_ok = True
        ev.honorific = (p.surname, p.male)
        return p.surname + ("先生" if p.male else "女士")
    if hotline and not p.han and vr is not None and vr.random() < minority_honorific:
        part = p.surname or p.given
        codes.append("name_honorific_minority")
        ev.honorific_ok = True
        ev.honorific = (part, p.male)
        return part + ("先生" if p.male else "女士")
    name = p.name
    if "·" in name and rr.random() < r["minority_sep"]:
        name = name.replace("·", rr.choice((".", "•", "・", "", "-", " ")))
        codes.append("name_minority_sep")
    x = rr.random()
    edges = [
        r["name_homophone"],
        r["name_lookalike"],
        r["name_traditional"],
        r["name_spaces"],
        r["name_pinyin"],
    ]
    if x < sum(edges[:1]) and p.han and p.given:
        name = _swap_char(p, rr, "homophone") or name
        if name != p.name:
            codes.append("name_homophone")
    elif x < sum(edges[:2]) and p.han and p.given:
        name = _swap_char(p, rr, "lookalike") or name
        if name != p.name:
            codes.append("name_lookalike")
    elif x < sum(edges[:3]):
        trad = _S2T.convert(name)
        if trad != name:
            name = trad
            codes.append("name_traditional")
    elif x < sum(edges[:4]):
        if len(name) >= 2:
            if rr.random() < 0.5:
                name = (
                    name[: len(p.surname) or 1]
                    + rr.choice((" ", "  ", "\u3000"))
                    + name[len(p.surname) or 1 :]
                )
            else:
                name = " ".join(name) if rr.random() < 0.5 else f" {name} "
            codes.append("name_spaces")
    elif x < sum(edges[:5]) and p.han:
        sur = "".join(lazy_pinyin(p.surname)).capitalize()
        giv = "".join(lazy_pinyin(p.given)).capitalize()
        name = rr.choice(
            (f"{sur} {giv}", f"{sur.upper()} {giv.upper()}", f"{sur}{giv}".lower(), f"{giv} {sur}")
        )
        codes.append("name_pinyin")
    ev.name_written = normalise_name(name)
    ev.name_exact = ev.name_written == normalise_name(p.name)
    return name


def _swap_char(p: Person, rr: random.Random, kind: str) -> str | None:
    on_surname = rr.random() < 0.2 and len(p.surname) == 1
    if on_surname:
        pool = (
            vocab.homophones(p.surname, as_surname=True)
            if kind == "homophone"
            else vocab.lookalike_groups().get(p.surname, ())
        )
        if pool:
            return pool[rr.randrange(len(pool))] + p.given
    i = rr.randrange(len(p.given))
    ch = p.given[i]
    pool = vocab.homophones(ch) if kind == "homophone" else vocab.lookalike_groups().get(ch, ())
    if not pool:
        return None
    return p.surname + p.given[:i] + pool[rr.randrange(len(pool))] + p.given[i + 1 :]


def write_id(p: Person, rr: random.Random, r: dict, ev: Evidence) -> tuple[str, str]:
    """(证件类型, 证件号码) as written."""
    codes = ev.codes
    id_type = ID_TYPES[p.id_type]
    if p.id_type == 0 and rr.random() < r["id_type_variant"]:
        id_type = rr.choice(("身份证", "二代身份证", "居民身份证 "))
        codes.append("id_type_variant")
    if not p.id_number or rr.random() < r["id_missing"]:
        codes.append("id_missing")
        return id_type, ""
    value = p.id_number
    ev.id_person = p.index if p.index >= 0 else None
    resident = p.id_type == 0 and len(value) == 18
    x = rr.random()
    e = [r["id_other_person"], r["id_typo"], r["id_transposition"], r["id_15digit"]]
    if x < e[0] and p.family_ids:
        other, value = p.family_ids[rr.randrange(len(p.family_ids))]
        ev.id_person = other
        codes.append("id_other_person")
    elif resident and x < sum(e[:2]):
        i = rr.randrange(17)
        value = value[:i] + rr.choice([d for d in "0123456789" if d != value[i]]) + value[i + 1 :]
        ev.id_person, ev.id_near = None, p.index >= 0
        codes.append("id_typo")
    elif resident and x < sum(e[:3]):
        spots = [i for i in range(16) if value[i] != value[i + 1]]
        i = spots[rr.randrange(len(spots))]
        value = value[:i] + value[i + 1] + value[i] + value[i + 2 :]
        ev.id_person, ev.id_near = None, p.index >= 0
        codes.append("id_transposition")
    elif resident and x < sum(e[:4]) and p.birth.year < 2000:
        value = id15_from_id18(value)
        codes.append("id_15digit")
    if value.endswith("X") and rr.random() < r["id_lower_x"]:
        value = value[:-1] + "x"
        codes.append("id_lower_x")
    if rr.random() < r["id_fullwidth"]:
        value = value.translate(_FULLWIDTH_ALL)
        codes.append("id_fullwidth")
    elif rr.random() < r["id_spaces"] and len(value) == 18:
        value = f"{value[:6]} {value[6:14]} {value[14:]}"
        codes.append("id_spaces")
    return id_type, value


def write_phone(
    p: Person,
    rr: random.Random,
    r: dict,
    ev: Evidence,
    landline: str,
    new_mobile: int,
    household_phone: float = 0.0,
    vr: random.Random | None = None,
) -> str:
    """The phone as written. `household_phone` (variation shared_phones, drawn from `vr`):
    a person registered under the household's phone calls from it rather than their own."""
    codes = ev.codes
    typed = p.own_phone or p.registry_phone
    if rr.random() < r["phone_landline"]:
        codes.append("phone_landline")
        return rr.choice((f"021-{landline}", f"021{landline}", landline, f"021 {landline}"))
    if not typed or rr.random() < r["phone_missing"]:
        codes.append("phone_missing")
        return ""
    household = (
        vr is not None
        and p.registry_phone > 0
        and p.registry_phone != typed
        and vr.random() < household_phone
    )
    if household:
        typed = p.registry_phone
        codes.append("phone_household")
    if p.index >= 0 and rr.random() < r["phone_new"] and not household:
        typed = new_mobile
        codes.append("phone_new")
    s = str(typed)
    if rr.random() < r["phone_typo"]:
        i = rr.randrange(3, 11)
        s = s[:i] + rr.choice([d for d in "0123456789" if d != s[i]]) + s[i + 1 :]
        codes.append("phone_typo")
    ev.phone_registry = p.index >= 0 and p.registry_phone > 0 and s == str(p.registry_phone)
    ev.phone_typed = int(s) if len(s) == 11 and s.isdigit() else 0
    if rr.random() < r["phone_format"]:
        s = rr.choice(
            (
                f"+86 {s[:3]} {s[3:7]} {s[7:]}",
                f"86-{s}",
                f"{s[:3]}-{s[3:7]}-{s[7:]}",
                f"{s[:3]} {s[3:7]} {s[7:]}",
                f"{s[:3]}-{s[3:]}",
                f"+86{s}",
            )
        )
        codes.append("phone_format")
    return s
