"""Synthetic residents: households in dwellings, names, IDs, phones (vectorised).

Input: a ``Geography``, a target number of residents, a numpy ``Generator``.
Output: ``People`` (numpy arrays, one element per person, grouped by household) and
``People.population_table()`` in the shape of contract POPULATION.

The same code makes the night's newcomers (people absent from the registry), so their
names, IDs and phones look exactly like registered people's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from streetlink.synth import vocab
from streetlink.synth.geography import Geography
from streetlink.synth.idnumbers import id18_from_parts, mobile_numbers
from streetlink.synth.variations import Habits

__all__ = [
    "ID_TYPES",
    "REFERENCE_YEAR",
    "RESIDENCE_TYPES",
    "STYLES",
    "People",
    "build_people",
    "id_keys",
    "make_newcomers",
]

ID_TYPES = ("居民身份证", "护照", "港澳居民来往内地通行证", "台湾居民来往大陆通行证")
RESIDENCE_TYPES = ("户籍", "来沪", "境外")
STYLES = ("han", "uyghur", "tibetan", "mongolian", "korean", "japanese", "western")
REFERENCE_YEAR = 2026

# Household sizes of occupied dwellings (1..6 persons): the 2020 census mean for Shanghai
# households is about 2.3-2.6; Pudong's shared rentals pull the upper tail out.
SIZE_P = np.array([0.22, 0.30, 0.25, 0.12, 0.07, 0.04])
NO_HOUSE_SHARE = 0.02  # registered persons with no dwelling on record (人户分离, collective)
TWIN_SHARE = 0.06  # of households with two children, the second is a twin of the first
PHONE_SHARED_SHARE = 0.25  # of family households, everyone is registered under one phone
RENTAL_SHARE = 0.30  # of 来沪 multi-person households: unrelated flat-sharers


@dataclass
class People:
    person_id: np.ndarray  # str
    surname: list[str]
    given: list[str]
    name: list[str]
    style: np.ndarray  # index into STYLES
    id_type: np.ndarray  # index into ID_TYPES
    id_number: list[str | None]
    region: np.ndarray  # index into vocab.id_regions(), -1 for non-resident documents
    male: np.ndarray  # bool
    birth: np.ndarray  # datetime64[D]
    phone: np.ndarray  # int64 registry contact phone, 0 when none on record
    own_phone: np.ndarray  # int64 the person's own mobile, 0 when they have none
    house: np.ndarray  # dwelling index, -1 when none
    residence: np.ndarray  # index into RESIDENCE_TYPES
    household: np.ndarray  # household index; persons of a household are contiguous
    hh_start: np.ndarray
    hh_size: np.ndarray

    @property
    def n(self) -> int:
        return int(self.male.size)

    def members(self, person: int) -> range:
        h = int(self.household[person])
        start = int(self.hh_start[h])
        return range(start, start + int(self.hh_size[h]))

    def population_table(self, geo: Geography) -> pa.Table:
        house_ids = geo.house_id
        return pa.table(
            {
                "person_id": pa.array(self.person_id.tolist(), pa.string()),
                "name": pa.array(self.name, pa.string()),
                "id_type": pa.array(
                    np.array(ID_TYPES, dtype=object)[self.id_type].tolist(), pa.string()
                ),
                "id_number": pa.array(self.id_number, pa.string()),
                "gender": pa.array(np.where(self.male, "男", "女").tolist(), pa.string()),
                "birth_date": pa.array(self.birth, pa.date32()),
                "phone": pa.array(
                    [str(p) if p else None for p in self.phone.tolist()], pa.string()
                ),
                "house_id": pa.array(
                    [str(house_ids[h]) if h >= 0 else None for h in self.house.tolist()],
                    pa.string(),
                ),
                "residence_type": pa.array(
                    np.array(RESIDENCE_TYPES, dtype=object)[self.residence].tolist(), pa.string()
                ),
            }
        )


def _choice(rng: np.random.Generator, p: np.ndarray, n: int) -> np.ndarray:
    return rng.choice(p.size, size=n, p=p)


def _ages_head(rng: np.random.Generator, residence: np.ndarray) -> np.ndarray:
    n = residence.size
    # Natives skew old (Shanghai is ageing); migrants are mostly of working age.
    native = np.clip(rng.normal(52, 15, n), 20, 95)
    migrant = np.clip(rng.normal(36, 9, n), 18, 70)
    foreign = np.clip(rng.normal(40, 10, n), 22, 75)
    return np.select([residence == 0, residence == 1], [native, migrant], foreign).astype(np.int64)


def _birth_dates(rng: np.random.Generator, age: np.ndarray) -> np.ndarray:
    year = REFERENCE_YEAR - age
    start = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    length = np.where(year == REFERENCE_YEAR, 300, 365)
    return start + rng.integers(0, length).astype("timedelta64[D]")


def _given_names(rng: np.random.Generator, male: np.ndarray, year: np.ndarray) -> list[str]:
    pools = vocab.given_names()
    n = male.size
    era = np.where(year < 1970, 0, np.where(year < 1995, 1, 2))
    single_p = np.array([0.35, 0.22, 0.08])[era]
    r = rng.random(n)
    kind = np.where(r < single_p, 0, np.where(r < single_p + (1 - single_p) * 0.12, 1, 2))
    out = np.empty(n, dtype=object)
    for gi, g in enumerate(("f", "m")):
        for ei, e in enumerate(("old", "mid", "young")):
            mask = (male == bool(gi)) & (era == ei)
            chars, cp = pools.chars[(g, e)]
            wholes, wp = pools.wholes[(g, e)]
            chars_a = np.array(chars, dtype=object)
            for k in (0, 1, 2):
                idx = np.flatnonzero(mask & (kind == k))
                if not idx.size:
                    continue
                if k == 0:
                    out[idx] = chars_a[_choice(rng, cp, idx.size)]
                elif k == 1:
                    out[idx] = np.array(wholes, dtype=object)[_choice(rng, wp, idx.size)]
                else:
                    # Second characters come from the whole pool flattened (less peaked).
                    a = chars_a[_choice(rng, cp, idx.size)]
                    b = chars_a[rng.integers(0, len(chars), idx.size)]
                    out[idx] = a + b
    return out.tolist()


def _styled_names(rng: np.random.Generator, style: int, male: bool) -> tuple[str, str, str]:
    """(surname, given, full name) for a non-Han naming style."""
    parts = vocab.name_styles()
    g = "m" if male else "f"

    def pick(key: tuple[str, str, str]) -> str:
        return parts[key][int(rng.integers(len(parts[key])))]

    s = STYLES[style]
    if s == "uyghur":
        given = pick(("uyghur", "given", g))
        father = pick(("uyghur", "father", "u"))
        return "", given, f"{given}·{father}"
    if s in ("tibetan", "mongolian"):
        given = pick((s, "given", g))
        return "", given, given
    if s in ("korean", "japanese"):
        sur, given = pick((s, "surname", "u")), pick((s, "given", g))
        return sur, given, sur + given
    given, family = pick(("western", "given", g)), pick(("western", "family", "u"))
    return "", given, f"{given}·{family}"


def _foreign_document(rng: np.random.Generator, id_type: int, style: int) -> str:
    def digits(k: int) -> str:
        return "".join(str(int(d)) for d in rng.integers(0, 10, k))

    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    if id_type == 2:  # 港澳居民来往内地通行证
        return ("H" if rng.random() < 0.85 else "M") + digits(8)
    if id_type == 3:  # 台湾居民来往大陆通行证
        return digits(8)
    s = STYLES[style]
    if s == "korean":
        return "M" + digits(8)
    if s == "japanese":
        return "T" + letters[int(rng.integers(len(letters)))] + digits(7)
    if rng.random() < 0.5:
        return digits(9)
    return letters[int(rng.integers(len(letters)))] + digits(8)


def _regions(
    rng: np.random.Generator,
    residence: np.ndarray,
    year: np.ndarray,
    former: np.ndarray,
    hh: np.ndarray,
    first_of_hh: np.ndarray,
    native_share: float,
    xinjiang_boost: float = 1.0,
) -> np.ndarray:
    """Region index per person (into vocab.id_regions()); -1 for foreign documents."""
    reg = vocab.id_regions()
    n = residence.size
    out = np.full(n, -1, dtype=np.int64)
    # The year the number was first issued: at birth since ~1990, at the 1985 roll-out before.
    issued = np.where(year >= 1990, year, np.maximum(year + 16, 1985))
    code_idx = {int(c): i for i, c in enumerate(reg.code.tolist())}
    migrant = reg.of_kind("migrant")
    mw = reg.weight[migrant]
    if xinjiang_boost != 1.0:  # variation shared_phones: more given·father names
        mw = np.where(reg.code[migrant] // 10000 == 65, mw * xinjiang_boost, mw)
    mp = mw / mw.sum()
    shanghai = reg.of_kind("shanghai")
    sp = reg.weight[shanghai] / reg.weight[shanghai].sum()
    # 户籍: natives of the area (old county codes before the area joined Pudong), people who
    # moved their hukou from elsewhere in Shanghai, and migrants who obtained a hukou.
    r = rng.random(n)
    hukou = residence == 0
    native = hukou & (r < native_share)
    from_sh = hukou & (r >= native_share) & (r < 0.95)
    won = hukou & (r >= 0.95)
    pudong = code_idx[310115]
    old_for = {
        "川沙县": (310224, 1992),
        "南汇县": (310225, 2000),
        "上海县": (310221, 1992),
        "黄浦区": (310101, 1992),
        "南市区": (310102, 1992),
        "杨浦区": (310110, 1992),
    }
    out[native] = pudong
    for name, (code, last) in old_for.items():
        m = native & (former == name) & (issued <= last)
        out[m] = code_idx[code]
    m = native & (former == "南汇县") & (issued > 2000) & (issued <= 2008)
    out[m] = code_idx[310119]
    out[from_sh] = shanghai[_choice(rng, sp, int(from_sh.sum()))]
    out[won] = migrant[_choice(rng, mp, int(won.sum()))]
    # 来沪: a household comes from one county, mostly; spouses sometimes from elsewhere.
    lai = residence == 1
    hh_county = migrant[_choice(rng, mp, int(hh.max()) + 1 if hh.size else 0)]
    own = migrant[_choice(rng, mp, n)]
    same = (rng.random(n) < 0.8) | first_of_hh
    out[lai] = np.where(same, hh_county[hh], own)[lai]
    # A code no longer issued when the number was: take the province's current code.
    last = reg.last_year[np.maximum(out, 0)]
    stale = (out >= 0) & (issued > last)
    if stale.any():
        current_by_prov: dict[str, int] = {}
        for i, (prov, ly, kind) in enumerate(zip(reg.province, reg.last_year.tolist(), reg.kind)):
            if ly == 9999 and kind in ("migrant", "shanghai", "pudong"):
                current_by_prov.setdefault(prov + kind, i)
        for p in np.flatnonzero(stale).tolist():
            i = int(out[p])
            key = reg.province[i] + ("pudong" if reg.kind[i] == "pudong_old" else reg.kind[i])
            out[p] = current_by_prov.get(key, pudong)
    return out


def _ymd(birth: np.ndarray) -> np.ndarray:
    year = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    month_start = birth.astype("datetime64[M]")
    month = month_start.astype(np.int64) % 12 + 1
    day = (birth - month_start.astype("datetime64[D]")).astype(np.int64) + 1
    return year * 10000 + month * 100 + day


def _unique_ids(
    rng: np.random.Generator,
    region_code: np.ndarray,
    birth: np.ndarray,
    male: np.ndarray,
    valid: np.ndarray,
    taken: np.ndarray | None = None,
) -> list[str | None]:
    """Valid 18-digit IDs, unique among themselves and absent from `taken`.

    `taken` is a sorted int64 array of the first 17 digits of IDs already in use (the 17
    digits determine the check character, so they identify the ID).
    """
    yyyymmdd = _ymd(birth)
    seq = rng.integers(0, 500, male.size) * 2 + male.astype(np.int64)
    region_code = region_code.astype(np.int64)
    idx = np.flatnonzero(valid)
    for _ in range(30):
        body = region_code[idx] * 10**11 + yyyymmdd[idx] * 1000 + seq[idx]
        _, first = np.unique(body, return_index=True)
        dup = np.ones(idx.size, bool)
        dup[first] = False
        if taken is not None and taken.size:
            pos = np.clip(np.searchsorted(taken, body), 0, taken.size - 1)
            dup |= taken[pos] == body
        if not dup.any():
            break
        d = idx[dup]
        seq[d] = rng.integers(0, 500, d.size) * 2 + male[d].astype(np.int64)
    ids = id18_from_parts(region_code, yyyymmdd, seq)
    return [str(x) if v else None for x, v in zip(ids.tolist(), valid.tolist())]


def id_keys(id_numbers: list[str | None]) -> np.ndarray:
    """Sorted int64 keys (first 17 digits) of the valid 18-digit IDs in `id_numbers`."""
    keys = np.fromiter(
        (int(x[:17]) for x in id_numbers if x and len(x) == 18 and x[:17].isdigit()), np.int64
    )
    return np.sort(keys)


def _households(
    rng: np.random.Generator,
    sizes: np.ndarray,
    residence_hh: np.ndarray,
    former_hh: np.ndarray,
    houses_hh: np.ndarray,
    id_taken: np.ndarray | None,
    native_share: float = 0.80,
    habits: Habits | None = None,
) -> People:
    """Expand households (size, residence type, former county, dwelling) into people."""
    habits = habits or Habits()
    shared_v = habits.of("shared_phones") if habits.has("shared_phones") else None
    n_hh = sizes.size
    hh = np.repeat(np.arange(n_hh), sizes)
    hh_start = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
    k = np.arange(hh.size) - hh_start[hh]
    n = hh.size
    residence = residence_hh[hh]
    rental_hh = (residence_hh == 1) & (sizes >= 2) & (rng.random(n_hh) < RENTAL_SHARE)
    rental = rental_hh[hh]
    # roles: 0 head, 1 spouse, 2 child, 3 elderly parent, 4 other adult (flat-sharer, sibling)
    has_spouse_hh = (sizes >= 2) & ~rental_hh & (rng.random(n_hh) < 0.85)
    role = np.where(
        k == 0, 0, np.where(rental, 4, np.where(k == 1, np.where(has_spouse_hh[hh], 1, 4), 2))
    )
    head_age = _ages_head(rng, residence_hh)
    # A family of three or more is registered under an adult of parenting age.
    head_age = np.where(
        (sizes >= 3) & ~rental_hh, np.maximum(head_age, 28 + rng.integers(0, 12, n_hh)), head_age
    )
    age = np.zeros(n, np.int64)
    age[role == 0] = head_age[hh[role == 0]]
    spouse = role == 1
    age[spouse] = np.clip(
        head_age[hh[spouse]] + np.round(rng.normal(0, 3, int(spouse.sum()))), 18, 100
    )
    child = role == 2
    c_age = head_age[hh[child]] - rng.integers(22, 39, int(child.sum()))
    too_young = c_age < 0
    c_role = np.where(too_young, 3, 2)
    c_age = np.where(too_young, head_age[hh[child]] + rng.integers(22, 36, int(child.sum())), c_age)
    age[child] = np.clip(c_age, 0, 100)
    role[child] = c_role
    other = role == 4
    age[other] = np.where(
        rental[other],
        rng.integers(18, 46, int(other.sum())),
        np.clip(head_age[hh[other]] + rng.integers(-8, 9, int(other.sum())), 18, 100),
    )
    age = np.clip(age, 0, 100)
    head_male_hh = rng.random(n_hh) < 0.55
    male = rng.random(n) < 0.5
    male[role == 0] = head_male_hh[hh[role == 0]]
    male[spouse] = ~head_male_hh[hh[spouse]]
    birth = _birth_dates(rng, age)
    # twins: in a household with children at positions 2 and 3, the second is a twin
    twin_hh = rng.random(n_hh) < TWIN_SHARE
    pos3 = np.flatnonzero((k == 3) & (role == 2))
    pos3 = pos3[(role[pos3 - 1] == 2) & twin_hh[hh[pos3]]]
    birth[pos3] = birth[pos3 - 1]
    year = birth.astype("datetime64[Y]").astype(np.int64) + 1970
    # surnames
    sn = vocab.surnames()
    names_arr = np.array(sn.names, dtype=object)
    if shared_v is not None:  # compound surnames (欧阳, 司马 …) more common
        compound = np.array([len(x) == 2 for x in sn.names])
        boost = np.where(compound, shared_v["compound_surname_boost"], 1.0)
        sn = vocab.Surnames(
            sn.names,
            sn.p_national * boost / (sn.p_national * boost).sum(),
            sn.p_shanghai * boost / (sn.p_shanghai * boost).sum(),
        )
    p_hh = np.where(residence_hh == 0, 1, 0)
    s_head = np.where(
        p_hh == 1, _choice(rng, sn.p_shanghai, n_hh), _choice(rng, sn.p_national, n_hh)
    )
    s_spouse = np.where(
        p_hh == 1, _choice(rng, sn.p_shanghai, n_hh), _choice(rng, sn.p_national, n_hh)
    )
    father = np.where(head_male_hh | ~has_spouse_hh, s_head, s_spouse)
    mother = np.where(head_male_hh | ~has_spouse_hh, s_spouse, s_head)
    s_own = np.where(residence == 0, _choice(rng, sn.p_shanghai, n), _choice(rng, sn.p_national, n))
    sidx = np.select(
        [role == 0, role == 1, role == 2, role == 3],
        [
            s_head[hh],
            s_spouse[hh],
            np.where(rng.random(n) < 0.9, father[hh], mother[hh]),
            np.where(rng.random(n) < 0.6, s_head[hh], s_own),
        ],
        s_own,
    )
    sidx[pos3] = sidx[pos3 - 1]
    surname = names_arr[sidx].tolist()
    given = _given_names(rng, male, year)
    # regions and ID documents
    region = _regions(
        rng,
        residence,
        year,
        former_hh[hh],
        hh,
        k == 0,
        native_share,
        shared_v["xinjiang_boost"] if shared_v is not None else 1.0,
    )
    reg = vocab.id_regions()
    id_type = np.zeros(n, np.int64)
    foreign_hh = residence_hh == 2
    doc_hh = np.where(foreign_hh, 1 + _choice(rng, np.array([0.40, 0.35, 0.25]), n_hh), 0)
    id_type = doc_hh[hh]
    style = np.zeros(n, np.int64)
    prov2 = np.where(region >= 0, reg.code[np.maximum(region, 0)] // 10000, 0)
    r = rng.random(n)
    style[(prov2 == 65) & (r < 0.8)] = 1
    style[(prov2 == 54) & (r < 0.85)] = 2
    style[(prov2 == 15) & (r < 0.2)] = 3
    style_hh = np.where(doc_hh == 1, 4 + _choice(rng, np.array([0.35, 0.25, 0.40]), n_hh), 0)
    passport = id_type == 1
    style[passport] = style_hh[hh[passport]]
    names = [s + g for s, g in zip(surname, given)]
    for p in np.flatnonzero(style > 0).tolist():
        surname[p], given[p], names[p] = _styled_names(rng, int(style[p]), bool(male[p]))
    valid = (id_type == 0) & ~((age == 0) & (rng.random(n) < 0.4))
    id_number = _unique_ids(rng, reg.code[np.maximum(region, 0)], birth, male, valid, id_taken)
    for p in np.flatnonzero(id_type > 0).tolist():
        id_number[p] = _foreign_document(rng, int(id_type[p]), int(style[p]))
    # phones: own mobile by age; registry contact phone may be the head's
    segs, sp = vocab.mobile_segments()
    own = mobile_numbers(rng, n, segs, sp)
    has_own = np.where(
        age >= 75,
        rng.random(n) < 0.7,
        np.where(age >= 16, rng.random(n) < 0.97, np.where(age >= 12, rng.random(n) < 0.4, False)),
    )
    own = np.where(has_own, own, 0)
    head_phone = own[hh_start]
    shared_hh = (sizes >= 2) & ~rental_hh & (rng.random(n_hh) < habits.phone_shared_share)
    if shared_v is not None:  # flat-sharers registered under the first tenant's phone
        shared_hh |= rental_hh & (rng.random(n_hh) < shared_v["rental_phone_shared"])
    phone = own.copy()
    phone[shared_hh[hh] & (head_phone[hh] > 0)] = head_phone[hh][
        shared_hh[hh] & (head_phone[hh] > 0)
    ]
    no_phone = phone == 0
    borrow = (
        no_phone
        & ~rental
        & (rng.random(n) < np.where(age < 16, habits.borrow_child, habits.borrow_elderly))
    )
    phone[borrow] = head_phone[hh[borrow]]
    return People(
        person_id=np.zeros(0),  # set by the caller
        surname=surname,
        given=given,
        name=names,
        style=style,
        id_type=id_type,
        id_number=id_number,
        region=region,
        male=male,
        birth=birth,
        phone=phone,
        own_phone=own,
        house=houses_hh[hh],
        residence=residence,
        household=hh,
        hh_start=hh_start,
        hh_size=sizes.astype(np.int64),
    )


def _residence_for(rng: np.random.Generator, geo: Geography, houses: np.ndarray) -> np.ndarray:
    """户籍/来沪/境外 per household, by where it lives."""
    n = houses.size
    street = geo.d_street[houses]
    urban_street = np.array([s.kind == "街道" for s in geo.streets])[street]
    rural = geo.d_village[houses] >= 0
    international = np.isin(
        np.array([s.code for s in geo.streets])[street],
        ["310115005", "310115016", "310115125", "310115120", "310115004"],
    )
    p_lai = np.where(rural, 0.30, np.where(urban_street, 0.36, 0.47))
    p_foreign = np.where(international, 0.04, 0.008)
    r = rng.random(n)
    return np.where(r < p_foreign, 2, np.where(r < p_foreign + p_lai, 1, 0)).astype(np.int64)


def build_people(
    geo: Geography, residents: int, rng: np.random.Generator, habits: Habits | None = None
) -> People:
    """The registered population of the synthetic Pudong."""
    with_house = round(residents * (1 - NO_HOUSE_SHARE))
    mean_size = float((SIZE_P * np.arange(1, 7)).sum())
    occupied_p = min(1.0, with_house / (geo.n_dwellings * mean_size))
    occupied = np.flatnonzero(rng.random(geo.n_dwellings) < occupied_p)
    sizes = 1 + _choice(rng, SIZE_P, occupied.size)
    no_house = residents - int(sizes.sum())
    sizes = np.concatenate([sizes, np.ones(max(0, no_house), np.int64)])
    houses = np.concatenate([occupied, np.full(max(0, no_house), -1)])
    # People with no dwelling on record are spread over streets like everyone else.
    street_of = np.where(
        houses >= 0,
        geo.d_street[np.maximum(houses, 0)],
        rng.integers(0, len(geo.streets), houses.size),
    )
    residence = _residence_for(rng, geo, np.maximum(houses, 0))
    residence[houses < 0] = np.where(rng.random(int((houses < 0).sum())) < 0.8, 0, 1)
    former = np.array([s.former for s in geo.streets], dtype=object)[street_of]
    people = _households(rng, sizes, residence, former, houses, None, habits=habits)
    people.person_id = np.char.add(
        "P", np.char.zfill((rng.permutation(people.n) + 1).astype(str), 10)
    )
    return people


def make_newcomers(
    geo: Geography,
    houses: np.ndarray,
    rng: np.random.Generator,
    registry_keys: np.ndarray,
    id_prefix: str,
    habits: Habits | None = None,
) -> People:
    """People not in the registry (arrived recently, visiting), one household per dwelling."""
    n = houses.size
    sizes = np.ones(n, np.int64)
    r = rng.random(n)
    residence = np.where(r < 0.82, 1, np.where(r < 0.97, 0, 2)).astype(np.int64)
    former = np.array([s.former for s in geo.streets], dtype=object)[geo.d_street[houses]]
    # A newcomer with a Shanghai hukou comes from another district, never a Pudong native.
    people = _households(
        rng, sizes, residence, former, houses, registry_keys, native_share=0.0, habits=habits
    )
    people.person_id = np.array([f"{id_prefix}{i:06d}" for i in range(n)])
    return people
