"""Write a person's name, ID and phone the way records carry them (with their noise)."""
from __future__ import annotations

import random

from .text import fullwidth, homophone, pinyin_name, spaced, to_traditional

LANDLINE_HEADS = ["5088", "5882", "5830", "6876", "5031", "3895", "2028", "6858", "5813", "3826", "6833", "5047"]


class IdentityWriter:
    def __init__(self, ref, habits: dict, rng: random.Random):
        self.h = habits["records"]
        self.rng = rng
        self.same_pinyin = ref.same_pinyin

    def name(self, p, codes: set[str], rate_scale: float = 1.0) -> str:
        rng, h = self.rng, self.h["name"]
        if p is None:
            return ""
        r = rng.random() / rate_scale
        if r < h["blank"]:
            codes.add("name_blank")
            return ""
        r -= h["blank"]
        sl = len(p.surname)
        if p.kind == "minority":
            codes.add("name_minority")
            if r < h["minority_dot_variant"]:
                codes.add("name_minority_dot_variant")
                return p.name.replace("·", rng.choice([".", "•", "・", "", " "]))
            return p.name
        if p.kind == "compound":
            codes.add("name_compound_surname")
        if r < h["traditional"]:
            t = to_traditional(p.name)
            if t != p.name:
                codes.add("name_traditional")
                return t
        r -= h["traditional"]
        if r < h["spaced"]:
            codes.add("name_spaced")
            return spaced(p.name, rng)
        r -= h["spaced"]
        if r < h["pinyin"]:
            codes.add("name_pinyin")
            return pinyin_name(p.name, sl, rng)
        r -= h["pinyin"]
        if r < h["homophone"]:
            t = homophone(p.name, sl, self.same_pinyin, rng)
            if t:
                codes.add("name_homophone_typo")
                return t
        return p.name

    def id_number(self, p, household: list, codes: set[str]) -> tuple[str, str]:
        """(证件类型, 证件号码)"""
        rng, h = self.rng, self.h["id"]
        if p is None:
            return "居民身份证", ""
        if p.id_type != "居民身份证":
            if rng.random() < h["blank"]:
                codes.add("id_blank")
                return p.id_type, ""
            codes.add("id_foreign_document")
            return p.id_type, p.id_number
        s = p.id_number
        r = rng.random()
        if r < h["blank"]:
            codes.add("id_blank")
            return "居民身份证", ""
        r -= h["blank"]
        # a relative's ID under the right name (father's ID under the son's name); with the name
        # missing or garbled nobody could tell, so it is only made where the name is intact
        if r < h["household_member"] and not codes & {"name_blank", "name_pinyin", "name_homophone_typo"}:
            others = [m for m in household if m is not p and m.id_number and m.id_type == "居民身份证"]
            if others:
                older = [m for m in others if m.age > p.age and m.surname == p.surname] or others
                codes.add("id_of_household_member")
                return "居民身份证", rng.choice(older).id_number
        r -= h["household_member"]
        if r < h["digit_typo"]:
            k = rng.randrange(6, 17)
            codes.add("id_digit_typo")
            return "居民身份证", s[:k] + rng.choice([c for c in "0123456789" if c != s[k]]) + s[k + 1:]
        r -= h["digit_typo"]
        if r < h["transposed"]:
            ks = [k for k in range(6, 17) if s[k] != s[k + 1]]
            if ks:
                k = rng.choice(ks)
                codes.add("id_transposed_digits")
                return "居民身份证", s[:k] + s[k + 1] + s[k] + s[k + 2:]
        r -= h["transposed"]
        if r < h["old_15_digit"] and p.birth.year < 2000 and p.birth.year >= 1900:
            codes.add("id_15_digit")
            return "居民身份证", s[:6] + s[8:17]
        r -= h["old_15_digit"]
        if r < h["fullwidth"]:
            codes.add("id_fullwidth")
            return "居民身份证", fullwidth(s)
        r -= h["fullwidth"]
        if r < h["spaces"]:
            codes.add("id_spaces")
            return "居民身份证", f"{s[:6]} {s[6:14]} {s[14:]}"
        if s.endswith("X") and rng.random() < h["lower_x_given_x"]:
            codes.add("id_lower_x")
            return "居民身份证", s[:-1] + "x"
        return "居民身份证", s

    def phone(self, p, codes: set[str], landline_rate: float | None = None) -> str:
        rng, h = self.rng, self.h["phone"]
        ll = h["landline"] if landline_rate is None else landline_rate
        if rng.random() < ll:
            codes.add("phone_landline")
            return self.landline()
        if p is None or not p.phone:
            codes.add("phone_blank")
            return ""
        ph = p.phone
        r = rng.random()
        if r < h["blank"]:
            codes.add("phone_blank")
            return ""
        r -= h["blank"]
        if r < h["digit_wrong"]:
            k = rng.randrange(3, 11)
            ph = ph[:k] + rng.choice([c for c in "0123456789" if c != ph[k]]) + ph[k + 1:]
            codes.add("phone_digit_wrong")
        if rng.random() < h["formatted"]:
            codes.add("phone_formatted")
            ph = rng.choice([
                f"+86 {ph[:3]} {ph[3:7]} {ph[7:]}", f"{ph[:3]}-{ph[3:7]}-{ph[7:]}",
                f"{ph[:3]} {ph[3:7]} {ph[7:]}", f"86-{ph}", f"{ph[:3]}-{ph[3:]}", f"+86{ph}",
                fullwidth(ph),
            ])
        return ph

    def landline(self) -> str:
        rng = self.rng
        n = rng.choice(LANDLINE_HEADS) + f"{rng.randint(0, 9999):04d}"
        return rng.choice([f"021-{n}", n, f"021{n}", f"(021){n}"])
