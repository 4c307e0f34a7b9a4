-- name: evidence
-- Per record: every fact a decision rule may test (streetlink/decide/rules.py), one row per
-- staged record. $… are thresholds from linkage_models/decision.json.
CREATE OR REPLACE TEMP TABLE decide_evidence AS
WITH
rec AS (
    SELECT s.record_id, s.source, s.reject_reason,
           coalesce(trim(s.address), '') <> '' AS has_address_text,
           -- the text places the record beside a place, not in it (罗山八村对面, 万宏村旁边,
           -- 绿地香颂附近): the matter is near the place, perhaps across its boundary
           -- ($beside_pattern: address_noise.csv's `beside` words)
           coalesce(regexp_matches(s.address, $beside_pattern), false) AS near_place,
           coalesce(r.addr_scope, 'unknown') AS addr_scope,
           coalesce(r.addr_precision, 'none') AS addr_precision,
           r.community, coalesce(r.community_base, r.community) AS community_base,
           r.road, r.lane, r.village, r.group_no,
           -- the record names a door (a number or building) within its place
           coalesce(r.number, r.building) IS NOT NULL AS names_door,
           r.number,
           coalesce(r.street_code_text, r.street_code_hint) AS record_street,
           r.committee_code_text,
           coalesce(r.name_kind, 'none') AS name_kind,
           coalesce(r.id_status, 'missing') AS id_status,
           coalesce(r.phone_kind, 'missing') AS phone_kind
    FROM {{staged_records}} s LEFT JOIN {{records_std}} r USING (record_id)
),
ac AS (  -- address candidates with posterior probabilities (see streetlink/link/__init__.py)
    SELECT *,
           odds / ($address_no_match_odds + total_odds) AS p_dwelling,
           committee_odds / ($address_no_match_odds + total_odds) AS p_committee
    FROM {{address_candidates}}
),
pc AS (
    SELECT *, odds / ($person_no_match_odds + total_odds) AS p_person FROM {{person_candidates}}
),
acomm AS (  -- address evidence per (record, committee)
    SELECT record_id, committee_code, max(p_committee) AS p_committee, max(match_weight) AS best_weight
    FROM ac GROUP BY record_id, committee_code
),
aranked AS (
    SELECT *, row_number() OVER (PARTITION BY record_id
                                 ORDER BY p_committee DESC, best_weight DESC, committee_code) AS rk
    FROM acomm
),
a1 AS (SELECT record_id, committee_code AS a_committee, p_committee FROM aranked WHERE rk = 1),
door_committees AS (
    -- the committees among a record's candidates that hold a dwelling with the door it names
    -- (its number): 源竹南路2731弄小区23号 is the estate's 23号 on its other road, in another
    -- committee, not one of the 14 numbers its 2731弄 has — however many of those look alike
    SELECT a.record_id, list(DISTINCT a.committee_code) AS committees
    FROM ac a JOIN {{housing_std}} h USING (house_id) JOIN rec r USING (record_id)
    WHERE r.number IS NOT NULL AND h.number = r.number
    GROUP BY a.record_id
),
estate_readings AS (
    -- the lane the record gives is also an estate's name (浦三路628弄, a community whose
    -- dwellings include 浦三路630弄2号504; 中芯花园18弄 for 中芯花园18弄B区 on 青桐路199弄):
    -- a committee where that estate holds the door and room on another lane is a second
    -- reading of the address, however well the literal lane matches
    SELECT r.record_id, min(h.committee_code) AS first_committee, max(h.committee_code) AS last_committee
    FROM {{records_std}} r JOIN {{housing_std}} h
      ON h.community_base = coalesce(r.road, r.community) || r.lane || '弄' AND h.number = r.number
    WHERE r.lane IS NOT NULL AND r.number IS NOT NULL
      AND h.lane IS DISTINCT FROM r.lane AND h.room IS NOT DISTINCT FROM coalesce(r.room, h.room)
    GROUP BY r.record_id
),
a2 AS (SELECT record_id, p_committee AS p_committee_2 FROM aranked WHERE rk = 2),
d1 AS (
    SELECT record_id, house_id AS top_house, match_weight AS top_weight, explanation AS address_explanation,
           committee_code AS top_committee, p_dwelling AS top_p_dwelling, road AS top_road
    FROM ac WHERE rank = 1
),
d2 AS (SELECT record_id, match_weight AS second_weight FROM ac WHERE rank = 2),
p1 AS (
    SELECT pc.record_id, pc.person_id AS top_person, pc.house_id AS person_house,
           pc.committee_code AS person_committee,
           CASE WHEN pc.identity_conflict THEN 0 ELSE pc.p_person END AS p_person,
           pc.explanation AS person_explanation,
           h.road AS home_road, h.community AS home_community, h.village AS home_village
    FROM pc LEFT JOIN {{housing_std}} h USING (house_id)
    WHERE pc.rank = 1
),
phone_household AS (
    -- A caller the record names only in part, from a phone the registry gives to a household:
    -- by surname and title (王先生), or by the first part of a name the registry writes whole
    -- (亚森 for 亚森卡德尔, 铃木 for 铃木翔太). When exactly one of the people holding that
    -- phone, whatever their age, fits what the record says (the surname and the title's
    -- gender; a name beginning so), the registry itself names the caller (which phones
    -- belong to which households), however weak the pair score of a bare surname is. A
    -- father and a son both 王 are two, and stay the model's to weigh.
    SELECT record_id, sum(CASE WHEN fits THEN 1 ELSE 0 END) AS n_fit,
           min(CASE WHEN fits THEN person_id END) AS person_id
    FROM (
        SELECT r.record_id, p.person_id,
               CASE WHEN r.name_kind = 'honorific'
                    THEN p.surname = r.surname AND (r.gender_hint IS NULL OR p.gender = r.gender_hint)
                    ELSE substr(p.name_clean, 1, length(r.name_clean)) = r.name_clean END AS fits
        FROM {{records_std}} r JOIN {{population_std}} p ON p.phone = r.phone_clean
        WHERE (r.name_kind = 'honorific' AND r.surname IS NOT NULL)
           OR (r.name_kind = 'full' AND length(r.name_clean) >= 2)
    ) holders
    GROUP BY record_id
),
phone_near AS (
    -- The same for a phone nobody in the registry holds, one digit mistyped (杨女士 on
    -- 18164976990 for 18164976999): the people of that surname and title's gender whose phone is
    -- one substituted digit away (the person blocking finds them all: they share the
    -- phone's first seven or last four digits). One such person names the caller.
    -- (the tests between record and person are one expression, kept out of the join keys:
    -- DuckDB otherwise joined the registry to the records on the phones' length, 112 s at
    -- Pudong's size)
    SELECT r.record_id, count(*) AS n_fit, min(p.person_id) AS person_id
    FROM {{records_std}} r JOIN pc ON pc.record_id = r.record_id
    JOIN {{population_std}} p ON p.person_id = pc.person_id
    WHERE r.name_kind = 'honorific' AND r.surname IS NOT NULL
      AND coalesce(p.surname = r.surname AND (r.gender_hint IS NULL OR p.gender = r.gender_hint)
                   AND length(p.phone) = length(r.phone_clean) AND levenshtein(p.phone, r.phone_clean) = 1, false)
    GROUP BY r.record_id
),
road_streets AS (  -- the streets each road of the night's records runs through
    SELECT place_key AS road, list(DISTINCT street_code) AS streets
    FROM {{place_committees}}
    WHERE place_kind = 'road' AND place_key IN (SELECT road FROM rec)
    GROUP BY place_key
),
rkeys AS (  -- the most specific place below the building a record names
    SELECT record_id, record_street,
           CASE WHEN road IS NOT NULL AND lane IS NOT NULL THEN 'road_lane'
                WHEN community IS NOT NULL THEN 'community'
                WHEN village IS NOT NULL AND group_no IS NOT NULL THEN 'village_group'
                WHEN village IS NOT NULL THEN 'village' END AS place_kind,
           CASE WHEN road IS NOT NULL AND lane IS NOT NULL THEN road || '|' || lane
                WHEN community IS NOT NULL THEN community
                WHEN village IS NOT NULL AND group_no IS NOT NULL THEN village || '|' || group_no
                WHEN village IS NOT NULL THEN village END AS place_key,
           community_base
    FROM rec WHERE addr_scope <> 'outside'
),
pmatch_named AS (
    SELECT k.record_id, k.place_kind, k.record_street, pcm.street_code, pcm.committee_code
    FROM rkeys k JOIN {{place_committees}} pcm
      ON pcm.place_kind = k.place_kind AND pcm.place_key = k.place_key
),
pmatch AS (
    -- An estate named without a phase or zone (望江苑) means every phase of it (西区, 东区),
    -- even when one community somewhere is called exactly that: 丽景苑 in one town and
    -- 丽景苑一期 in another are both readings, and the record's street chooses (below). A
    -- phase named (艺墅花园二期) is that phase only.
    SELECT * FROM pmatch_named
    UNION
    SELECT k.record_id, 'community_base', k.record_street, pcm.street_code, pcm.committee_code
    FROM rkeys k JOIN {{place_committees}} pcm
      ON pcm.place_kind = 'community_base' AND pcm.place_key = k.community_base
    WHERE k.place_kind = 'community'
      AND (regexp_replace(k.place_key, '小区$', '') = k.community_base
           OR k.record_id NOT IN (SELECT record_id FROM pmatch_named))
),
pstreet AS (  -- does the record's street select among the place's streets?
    SELECT record_id, bool_or(street_code = record_street) AS street_selects FROM pmatch GROUP BY record_id
),
place_by_street AS (  -- how many committees the record's place has in each street
    SELECT record_id, street_code, count(DISTINCT committee_code) AS n FROM pmatch GROUP BY ALL
),
exact_records AS (
    SELECT record_id, coalesce(road, village) AS place_name, lane, sub_lane, number, room, group_no,
           community, coalesce(community_base, community) AS community_base
    FROM {{records_std}}
    WHERE number IS NOT NULL AND coalesce(road, village) IS NOT NULL AND coalesce(addr_scope, '') <> 'outside'
      -- a building or unit (35栋3单元) is a part the registry's addresses do not have: one
      -- more the dwelling cannot be shown to agree with (another city's 新华路18号 has them)
      AND building IS NULL AND unit IS NULL
),
exact_fits AS (
    -- Every dwelling that agrees with every part the address gives, a part it leaves out
    -- (the lane of 洪山路16号102室, the group of a village) free, the place name read every
    -- way the registry uses it: a road, a village (groups, not lanes: 蓝村502弄 is 蓝村路
    -- with 路 left out), an estate (中新家园 is the road of one dirty registry row and the
    -- estate of dwellings on 灵山路). Equi-joins on (name, number), one per reading.
    SELECT r.record_id, h.house_id, h.committee_code, h.room, h.community, h.community_base, r.room AS r_room,
           r.community AS r_community, r.community_base AS r_community_base
    FROM exact_records r JOIN {{housing_std}} h ON h.road = r.place_name AND h.number = r.number
    WHERE h.lane IS NOT DISTINCT FROM coalesce(r.lane, h.lane)
      AND h.sub_lane IS NOT DISTINCT FROM coalesce(r.sub_lane, h.sub_lane)
    UNION
    SELECT r.record_id, h.house_id, h.committee_code, h.room, h.community, h.community_base, r.room,
           r.community, r.community_base
    FROM exact_records r JOIN {{housing_std}} h ON h.village = r.place_name AND h.number = r.number
    WHERE r.lane IS NULL AND h.group_no IS NOT DISTINCT FROM coalesce(r.group_no, h.group_no)
    UNION
    SELECT r.record_id, h.house_id, h.committee_code, h.room, h.community, h.community_base, r.room,
           r.community, r.community_base
    FROM exact_records r JOIN {{housing_std}} h ON h.community = r.place_name AND h.number = r.number
    WHERE h.lane IS NOT DISTINCT FROM coalesce(r.lane, h.lane)
    UNION
    SELECT r.record_id, h.house_id, h.committee_code, h.room, h.community, h.community_base, r.room,
           r.community, r.community_base
    FROM exact_records r JOIN {{housing_std}} h ON h.community_base = r.place_name AND h.number = r.number
    WHERE h.lane IS NOT DISTINCT FROM coalesce(r.lane, h.lane)
),
exact AS (
    -- The one dwelling of Pudong the record's standardised address can be, door and room
    -- included. When exactly one fits, the registry itself says where the record is; when
    -- the address is also a road-front number and a lane's (洪山路16号 / 洪山路55弄16号),
    -- two fit and it is not exact. Pair scoring cannot say this: it treats road, number
    -- and room as independent, so a newcomer's exact address stays below committee_min.
    -- An estate's own numbering alone (中新家园1号302室, no road) is never exact: a registry
    -- may file the estate's dwellings under their road and lane, without its name.
    SELECT record_id, any_value(house_id) AS exact_house, any_value(committee_code) AS exact_committee
    FROM exact_fits
    WHERE room IS NOT DISTINCT FROM coalesce(r_room, room)
      -- the estate too, when the address names one (金口路佳苑1号404: 佳苑's 1号, not
      -- 金口路's); an estate named without its phase fits every phase (一期, 二期)
      AND (r_community IS NULL OR community = r_community OR community_base = r_community_base)
    GROUP BY record_id
    HAVING count(DISTINCT house_id) = 1
),
place AS (
    SELECT m.record_id, any_value(m.place_kind) AS place_kind, min(m.committee_code) AS place_committee,
           count(DISTINCT m.committee_code) AS place_n, list(DISTINCT m.committee_code) AS place_committees
    FROM pmatch m JOIN pstreet USING (record_id)
    WHERE NOT coalesce(pstreet.street_selects, false) OR m.street_code = m.record_street
    GROUP BY m.record_id
),
place_district AS (  -- how many committees the place spans in the whole district (no street chosen)
    SELECT record_id, count(DISTINCT committee_code) AS place_n_district FROM pmatch GROUP BY record_id
)
SELECT rec.*, a1.a_committee, coalesce(a1.p_committee, 0) AS p_committee,
       coalesce(a2.p_committee_2, 0) AS p_committee_2,
       d1.top_house, d1.address_explanation,
       -- the best dwelling is more likely than all else together and, by itself, 2^margin
       -- times likelier than any other one: a large lane split between two committees
       -- (妙境路375弄74号102室) where dozens of same-room dwellings each a little likely
       -- sum to a few percent in the other committee
       coalesce(d1.top_p_dwelling >= $top_majority AND d1.top_committee = a1.a_committee
                AND coalesce(d1.top_weight - d2.second_weight, 0) >= $address_margin_bits, false) AS top_clear,
       p1.top_person, p1.person_house, p1.person_committee, coalesce(p1.p_person, 0) AS p_person,
       p1.person_explanation,
       -- the one holder of the record's phone who fits the name it gives is the model's
       -- best person, and no identity contradicts it (phone_household) ...
       coalesce(ph.n_fit = 1 AND ph.person_id = p1.top_person AND p1.p_person > 0, false) AS person_by_household,
       -- ... or, nobody holding the phone itself, the one such person one digit away (phone_near)
       coalesce(ph.record_id IS NULL AND pn.n_fit = 1 AND pn.person_id = p1.top_person
                AND p1.p_person > 0, false) AS person_by_near_phone,
       coalesce(home.p_committee, 0) AS p_home_committee,  -- the address's support for the person's committee
       -- the registered dwelling fits the address as well as any candidate does (勤丰村9组45号
       -- in one of seven 勤丰村): who lives there tells the look-alikes apart
       coalesce(hd.match_weight >= d1.top_weight - $home_fit_bits, false) AS home_fits_address,
       hd.p_dwelling AS home_p_dwelling,
       -- how much of a vague address agrees with the person's registered home:
       -- 2 its road (or community, village); 1 its street/town, or a road running
       -- through that street; 0 nothing said
       CASE WHEN rec.road = p1.home_road OR rec.community = p1.home_community
                 OR rec.village = p1.home_village THEN 2
            WHEN rec.record_street = substr(p1.person_committee, 1, 9)
                 OR list_contains(rs.streets, substr(p1.person_committee, 1, 9)) THEN 1
            ELSE 0 END AS home_agreement,
       coalesce((rec.road IS NOT NULL AND NOT coalesce(list_contains(rs.streets, substr(p1.person_committee, 1, 9)), false))
                OR (rec.record_street IS NOT NULL
                    AND rec.record_street IS DISTINCT FROM substr(p1.person_committee, 1, 9)), false)
         AS home_contradicted,
       -- a road the registry does not know, in an address nothing marks as Pudong's, that
       -- meets a dwelling only through lane, number and room on an unrelated road
       -- (延长中路509弄14号2203室 ~ 灵石路509弄14号2203室): another district's road, most
       -- likely, not a slip of this one (a slip is one character away)
       coalesce(rec.addr_scope = 'unknown' AND rec.road IS NOT NULL AND rs.road IS NULL
                AND levenshtein(rec.road, coalesce(d1.top_road, rec.road)) > $road_elsewhere_distance, false)
         AS road_elsewhere,
       place.place_kind, place.place_committee, place.place_n, place.place_committees,
       pd.place_n_district,
       -- the address's committee lacks the door the record names, which another candidate has
       coalesce(NOT list_contains(dc.committees, a1.a_committee), false) AS door_elsewhere,
       -- the lane read as an estate's name puts the door in another committee
       (er.record_id IS NOT NULL
        AND (coalesce(a1.a_committee, exact.exact_committee) IS DISTINCT FROM er.first_committee
             OR coalesce(a1.a_committee, exact.exact_committee) IS DISTINCT FROM er.last_committee))
         AS estate_reading_elsewhere,
       -- the exact dwelling, unless the record's own street says otherwise
       CASE WHEN rec.record_street IS NULL OR rec.record_street = substr(exact.exact_committee, 1, 9)
            THEN exact.exact_committee END AS exact_committee,
       CASE WHEN rec.record_street IS NULL OR rec.record_street = substr(exact.exact_committee, 1, 9)
            THEN exact.exact_house END AS exact_house,
       ed.p_dwelling AS exact_p_dwelling,
       -- the place (a community name used in several towns) lies in a single committee of
       -- the certain person's street: not a community split between two committees there
       coalesce(pbs.n = 1, false) AS place_single_in_home_street,
       (rec.name_kind <> 'none' OR rec.id_status IN ('valid', 'converted_15', 'other_document')
        OR rec.phone_kind IN ('mobile', 'landline')) AS has_identity,
       rec.id_status IN ('bad_checksum', 'bad_date', 'bad_region', 'bad_length') AS bad_id
FROM rec
LEFT JOIN a1 USING (record_id) LEFT JOIN a2 USING (record_id) LEFT JOIN d1 USING (record_id)
LEFT JOIN d2 USING (record_id)
LEFT JOIN p1 USING (record_id) LEFT JOIN place USING (record_id) LEFT JOIN exact USING (record_id)
LEFT JOIN place_district pd USING (record_id)
LEFT JOIN door_committees dc USING (record_id)
LEFT JOIN estate_readings er USING (record_id)
LEFT JOIN phone_household ph USING (record_id)
LEFT JOIN phone_near pn USING (record_id)
LEFT JOIN ac ed ON ed.record_id = rec.record_id AND ed.house_id = exact.exact_house
LEFT JOIN road_streets rs ON rs.road = rec.road
LEFT JOIN place_by_street pbs
  ON pbs.record_id = rec.record_id AND pbs.street_code = substr(p1.person_committee, 1, 9)
LEFT JOIN acomm home ON home.record_id = rec.record_id AND home.committee_code = p1.person_committee
LEFT JOIN ac hd ON hd.record_id = rec.record_id AND hd.house_id = p1.person_house;

-- name: decisions
-- One row per staged record: the first rule that holds (rules.py, rendered by render_rules).
CREATE OR REPLACE TABLE {{decisions}} AS
WITH
ac AS (
    SELECT *,
           odds / ($address_no_match_odds + total_odds) AS p_dwelling,
           committee_odds / ($address_no_match_odds + total_odds) AS p_committee
    FROM {{address_candidates}}
),
pc AS (
    SELECT *, odds / ($person_no_match_odds + total_odds) AS p_person FROM {{person_candidates}}
),
ruled AS (
    SELECT *, {{rule_case:sql}} AS rule, {{person_linked:sql}} AS person_linked
    FROM decide_evidence
),
placed AS (
    SELECT r.*, {{rule_decision:sql}} AS decision, {{rule_reason:sql}} AS reason,
           {{rule_committee:sql}} AS committee, {{rule_dwelling:sql}} AS dwelling_from,
           {{rule_basis:sql}} AS basis_from
    FROM ruled r
),
best_dwelling AS (  -- the best dwelling of each committee of each record's address
    SELECT record_id, committee_code, house_id, p_dwelling,
           row_number() OVER (PARTITION BY record_id, committee_code ORDER BY match_weight DESC, house_id) AS rk
    FROM ac
),
acomm AS (
    SELECT record_id, committee_code, max(p_committee) AS p_committee FROM ac GROUP BY ALL
),
housed AS (
    SELECT p.*,
        CASE WHEN p.dwelling_from = 'address' AND bd.p_dwelling >= $dwelling_min THEN bd.house_id
             WHEN p.dwelling_from = 'home' THEN p.person_house
             WHEN p.dwelling_from = 'exact' THEN p.exact_house END AS house,
        CASE WHEN p.dwelling_from = 'address' THEN bd.p_dwelling
             WHEN p.dwelling_from = 'home' THEN p.home_p_dwelling
             WHEN p.dwelling_from = 'exact' THEN p.exact_p_dwelling END AS house_p,
        cm.p_committee AS committee_p,
        CASE WHEN p.dwelling_from = 'address' THEN bd.house_id END AS best_house
    FROM placed p
    LEFT JOIN best_dwelling bd ON bd.record_id = p.record_id AND bd.committee_code = p.committee AND bd.rk = 1
    LEFT JOIN acomm cm ON cm.record_id = p.record_id AND cm.committee_code = p.committee
),
acands AS (
    SELECT a.record_id,
           list(struct_pack(kind := 'address', rank := a.rank, house_id := a.house_id,
                            person_id := NULL::VARCHAR, committee_code := a.committee_code,
                            label := h.std_address, probability := round(a.p_dwelling, 4),
                            committee_probability := round(a.p_committee, 4))
                ORDER BY a.rank) AS items
    FROM ac a LEFT JOIN {{housing_std}} h USING (house_id)
    WHERE a.rank <= 3 GROUP BY a.record_id
),
pcands AS (
    SELECT p.record_id,
           list(struct_pack(kind := 'person', rank := p.rank, house_id := p.house_id,
                            person_id := p.person_id, committee_code := p.committee_code,
                            label := h.std_address, probability := round(p.p_person, 4),
                            committee_probability := NULL::DOUBLE)
                ORDER BY p.rank) AS items
    FROM pc p LEFT JOIN {{housing_std}} h USING (house_id)
    WHERE p.rank <= 3 GROUP BY p.record_id
)
SELECT
    p.record_id,
    p.source,
    p.decision,
    CASE WHEN p.decision = 'dispatched' THEN substr(p.committee, 1, 9) END AS street_code,
    CASE WHEN p.decision = 'dispatched' THEN p.committee END AS committee_code,
    CASE WHEN p.decision = 'dispatched' THEN p.house END AS house_id,
    CASE WHEN p.decision = 'dispatched' AND p.basis_from = 'address'
              THEN CASE WHEN p.house IS NOT NULL THEN coalesce(p.house_p, p.committee_p) ELSE p.committee_p END
         WHEN p.decision <> 'dispatched' AND p.a_committee IS NOT NULL THEN p.p_committee
    END::DOUBLE AS address_match_probability,
    CASE WHEN p.person_linked THEN p.top_person END AS person_id,
    CASE WHEN p.person_linked THEN p.p_person END::DOUBLE AS person_match_probability,
    CASE WHEN p.decision <> 'dispatched' THEN p.reason END AS reason,
    CASE p.basis_from
        WHEN 'address' THEN
            CASE WHEN p.house IS NOT NULL THEN 'address_dwelling'
                 WHEN p.village IS NOT NULL AND p.road IS NULL THEN 'address_village'
                 ELSE 'address_building' END
        WHEN 'place' THEN
            CASE WHEN p.place_kind LIKE 'village%' THEN 'address_village' ELSE 'address_community' END
        WHEN 'committee' THEN 'address_community'
        WHEN 'home' THEN 'person_registered_home'
    END AS basis,
    p.rule,
    CASE WHEN p.decision = 'dispatched' THEN
        coalesce(hh.std_address, bh.building_label, adm.street_name || adm.committee_name)
    END AS resolved_address,
    concat_ws(' | ',
        CASE WHEN p.a_committee IS NOT NULL THEN
            '地址→' || p.a_committee || ' P=' || round(p.p_committee, 4) || ' [' || p.address_explanation || ']' END,
        CASE WHEN p.place_committee IS NOT NULL AND p.a_committee IS NULL THEN
            '地点→' || p.place_kind || ' 涉及居村委 ' || p.place_n || ' 个' END,
        CASE WHEN p.top_person IS NOT NULL THEN
            '人员→' || p.top_person || ' P=' || round(p.p_person, 4) || ' [' || p.person_explanation || ']' END,
        CASE WHEN p.person_linked AND p.p_person < $person_min THEN
            '本户电话登记人中只有此人与所报姓名相符 → ' || p.top_person END,
        CASE WHEN p.rule = 'address_exact_single' THEN
            '地址所写各部分只与实有房屋库中一户相符 → ' || p.exact_house END,
        CASE WHEN p.rule = 'address_and_person' THEN
            '地址与人员登记住址共同指向 ' || p.committee || ' (地址支持 P=' || round(p.p_home_committee, 4) || ')' END
    ) AS explanation,
    CASE WHEN ac.items IS NOT NULL OR pcd.items IS NOT NULL THEN
        to_json(list_concat(coalesce(ac.items, []), coalesce(pcd.items, [])))::VARCHAR END AS candidates_json
FROM housed p
LEFT JOIN {{housing_std}} hh ON hh.house_id = p.house
LEFT JOIN (
    SELECT house_id,
           '浦东新区' || CASE WHEN village IS NOT NULL AND road IS NULL
                             THEN village || coalesce(group_no || '组', '') || number || '号'
                             ELSE coalesce(road, community, '') || coalesce(lane || '弄', '') || number || '号' END
               AS building_label
    FROM {{housing_std}}
) bh ON bh.house_id = p.best_house AND p.house IS NULL
LEFT JOIN {{admin}} adm ON adm.committee_code = p.committee
LEFT JOIN acands ac ON ac.record_id = p.record_id
LEFT JOIN pcands pcd ON pcd.record_id = p.record_id
ORDER BY p.record_id
