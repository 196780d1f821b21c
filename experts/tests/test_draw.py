"""The pure draw module: worked examples, then properties over random pools."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import itertools
import unittest

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from experts import draw
from experts.draw import Candidate, DrawRefused, Exclusions, PoolMember

FIELDS = ("admin", "civil", "criminal", "social")
SEED = bytes(range(32))


def by_hand_rank(seed: bytes, ids: list[int]) -> list[int]:
    """The ranking of the docstring, written out independently of the module."""
    keys = {i: hmac.new(seed, f"fazhi-draw-v1:{i}".encode(), hashlib.sha256).hexdigest() for i in ids}
    return sorted(ids, key=lambda i: (keys[i], i))


def pool(*specs: tuple[int, str]) -> list[Candidate]:
    return [Candidate(i, f"专家{i}", tuple(f for f in fields.split(",") if f)) for i, fields in specs]


class DrawExamplesTestCase(unittest.TestCase):
    def test_it_publishes_the_sha256_of_the_seed_as_commitment(self):
        self.assertEqual(
            draw.commitment(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        )

    def test_it_takes_the_first_candidates_of_the_hmac_ranking_without_required_fields(self):
        candidates = pool(*((i, "") for i in range(1, 9)))
        ranked = by_hand_rank(SEED, list(range(1, 9)))
        outcome = draw.draw(candidates, size=3, backups=2, seed=SEED)
        self.assertEqual(outcome.panel, tuple(ranked[:3]))
        self.assertEqual(outcome.backups, tuple(ranked[3:5]))

    def test_it_passes_over_higher_ranked_candidates_when_a_required_field_would_stay_uncovered(self):
        ids = list(range(1, 7))
        ranked = by_hand_rank(SEED, ids)
        # Only the candidate ranked last covers "criminal": a panel of 2 must include it,
        # with the best-ranked of the others beside it.
        last = ranked[-1]
        candidates = pool(*((i, "criminal" if i == last else "civil") for i in ids))
        outcome = draw.draw(candidates, size=2, required_fields=["criminal"], backups=1, seed=SEED)
        self.assertEqual(outcome.panel, (ranked[0], last))
        self.assertEqual(outcome.backups, (ranked[1],))

    def test_it_finds_the_one_expert_covering_every_field_where_greedy_picking_would_fail(self):
        ids = list(range(1, 7))
        ranked = by_hand_rank(SEED, ids)
        specs = {ranked[0]: "admin", ranked[1]: "civil", ranked[-1]: "admin,civil,criminal"}
        candidates = pool(*((i, specs.get(i, "")) for i in ids))
        outcome = draw.draw(
            candidates, size=2, required_fields=["admin", "civil", "criminal"], backups=0, seed=SEED
        )
        self.assertEqual(outcome.panel, (ranked[0], ranked[-1]))

    def test_it_refuses_a_panel_of_zero_or_more_than_the_candidates(self):
        candidates = pool((1, ""), (2, ""), (3, ""))
        with self.assertRaises(DrawRefused) as zero:
            draw.draw(candidates, size=0, seed=SEED)
        self.assertEqual(zero.exception.message, "专家组人数至少为 1 人。")
        with self.assertRaises(DrawRefused) as many:
            draw.draw(candidates, size=4, seed=SEED)
        self.assertEqual(many.exception.message, "符合条件的候选专家只有 3 人，不足以抽取 4 人。")
        with self.assertRaises(DrawRefused) as backups:
            draw.draw(candidates, size=2, backups=2, seed=SEED)
        self.assertIn("最多还能设 1 名候补", backups.exception.message)

    def test_it_refuses_a_required_field_nobody_covers_naming_it(self):
        with self.assertRaises(DrawRefused) as refused:
            draw.draw(
                pool((1, "civil"), (2, "admin")),
                size=1,
                required_fields=["criminal"],
                seed=SEED,
                labels={"criminal": "刑事法"},
            )
        self.assertEqual(refused.exception.message, "候选专家中没有人具备以下必需专业领域：刑事法。")
        self.assertEqual(refused.exception.field, "required_fields")

    def test_it_refuses_when_the_panel_is_too_small_to_cover_the_required_fields(self):
        with self.assertRaises(DrawRefused) as refused:
            draw.draw(
                pool((1, "civil"), (2, "admin"), (3, "")),
                size=1,
                required_fields=["civil", "admin"],
                seed=SEED,
            )
        self.assertIn("1 人的专家组无法覆盖全部必需专业领域", refused.exception.message)

    def test_it_replaces_a_declining_member_by_the_first_backup_that_keeps_coverage(self):
        panel = pool((1, "criminal"), (2, "civil"))
        standby = pool((3, "civil"), (4, "criminal"), (5, "criminal"))
        chosen = draw.replacement(panel=panel, leaving=1, standby=standby, required_fields=["criminal"])
        self.assertEqual(chosen, standby[1])
        first = draw.replacement(panel=panel, leaving=2, standby=standby, required_fields=["criminal"])
        self.assertEqual(first, standby[0])
        nobody = draw.replacement(panel=panel, leaving=1, standby=[], required_fields=["criminal"])
        self.assertIsNone(nobody)


class FreezeTestCase(unittest.TestCase):
    day = datetime.date(2023, 9, 1)

    def test_it_sets_aside_each_excluded_expert_with_its_reasons(self):
        members = [
            PoolMember(1, "甲", ("civil",)),
            PoolMember(2, "乙", status=draw.SUSPENDED),
            PoolMember(3, "丙", status=draw.RETIRED),
            PoolMember(4, "丁", orgs=((70, "任职单位 江门市司法局"),)),
            PoolMember(5, "戊", orgs=((71, "亲属任职 蓬江区"),)),
            PoolMember(6, "己", last_drawn_on=datetime.date(2023, 3, 2)),
            PoolMember(7, "庚", last_drawn_on=datetime.date(2023, 3, 1)),
            PoolMember(8, "辛", term_end=datetime.date(2023, 6, 30)),
            PoolMember(9, "壬", has_account=False),
            PoolMember(10, "癸"),
        ]
        rules = Exclusions(
            on=self.day,
            org_ids=frozenset({70, 71}),
            recent_months=6,
            expert_ids=frozenset({10}),
            require_account=True,
        )
        candidates, excluded = draw.freeze(reversed(members), rules)
        self.assertEqual([c.id for c in candidates], [1, 7])
        self.assertEqual(
            {e.id: e.reason for e in excluded},
            {
                2: "状态为暂停",
                3: "已退出专家库",
                4: "需回避：任职单位 江门市司法局",
                5: "需回避：亲属任职 蓬江区",
                6: "近 6 个月内已被抽中（2023-03-02）",
                8: "聘期已届满（至 2023-06-30）",
                9: "未开通登录账号",
                10: "依法治市办指定回避",
            },
        )

    def test_it_counts_months_back_to_the_same_day_or_the_months_last_day(self):
        self.assertEqual(draw.months_before(datetime.date(2023, 9, 1), 6), datetime.date(2023, 3, 1))
        self.assertEqual(draw.months_before(datetime.date(2023, 5, 31), 3), datetime.date(2023, 2, 28))
        self.assertEqual(draw.months_before(datetime.date(2024, 1, 15), 13), datetime.date(2022, 12, 15))


class VerifyTestCase(unittest.TestCase):
    def setUp(self):
        self.candidates = pool((1, "civil"), (2, "admin"), (3, "civil,admin"), (4, ""), (5, "criminal"))
        self.params = {"size": 2, "required_fields": ["admin"], "backups": 2}
        self.outcome = draw.draw(self.candidates, seed=SEED, **self.params)

    def verify(self, **changes):
        args = {
            "candidates": [c.to_json() for c in self.candidates],
            **self.params,
            "seed_hex": SEED.hex(),
            "commitment_hex": draw.commitment(SEED),
            "digest": draw.list_digest(self.candidates, **self.params),
            "recorded": self.outcome.to_json(),
        }
        args.update(changes)
        return draw.verify(**args)

    def test_it_confirms_an_untouched_draw(self):
        result = self.verify()
        self.assertTrue(result.ok, result.problems)
        self.assertEqual(result.outcome, self.outcome)

    def test_it_names_a_swapped_panel_member(self):
        outsider = next(
            c.id for c in self.candidates if c.id not in self.outcome.panel + self.outcome.backups
        )
        altered = {"panel": [self.outcome.panel[0], outsider], "backups": list(self.outcome.backups)}
        result = self.verify(recorded=altered)
        self.assertFalse(result.ok)
        self.assertIn(f"记录中多出 专家{outsider}（{outsider}）", result.problems[0])

    def test_it_names_a_seed_that_does_not_match_the_commitment(self):
        result = self.verify(seed_hex=bytes(32).hex())
        self.assertIn("与抽取前公布的承诺值", result.problems[0])

    def test_it_names_a_candidate_list_changed_after_the_commitment(self):
        changed = [c.to_json() for c in self.candidates[:-1]]
        result = self.verify(candidates=changed)
        self.assertTrue(any("名单或参数被改动" in p for p in result.problems), result.problems)

    def test_it_reports_a_garbled_record_instead_of_crashing(self):
        self.assertFalse(self.verify(seed_hex="zz").ok)
        self.assertFalse(self.verify(candidates={"id": 1}).ok)
        self.assertFalse(self.verify(candidates=[{"id": "x"}]).ok)
        self.assertFalse(self.verify(recorded={"panel": "1,2"}).ok)


# ------------------------------------------------------------------ properties

candidate_lists = st.lists(
    st.tuples(st.integers(1, 60), st.sets(st.sampled_from(FIELDS), max_size=3)), min_size=1, max_size=9
).map(lambda rows: [Candidate(i, f"专家{i}", tuple(sorted(f))) for i, f in dict(rows).items()])
seeds = st.binary(min_size=1, max_size=32)
fast = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def covers(members: list[Candidate], required: set[str]) -> bool:
    return required <= {f for c in members for f in c.fields}


class DrawPropertiesTestCase(unittest.TestCase):
    @fast
    @given(
        candidate_lists,
        seeds,
        st.integers(1, 5),
        st.integers(0, 3),
        st.sets(st.sampled_from(FIELDS), max_size=3),
    )
    def test_it_gives_the_same_panel_from_the_same_seed_and_list_in_any_order(
        self, candidates, seed, size, backups, required
    ):
        try:
            first = draw.draw(candidates, size=size, backups=backups, required_fields=required, seed=seed)
        except DrawRefused:
            with self.assertRaises(DrawRefused):
                draw.draw(
                    list(reversed(candidates)),
                    size=size,
                    backups=backups,
                    required_fields=required,
                    seed=seed,
                )
            return
        again = draw.draw(
            list(reversed(candidates)), size=size, backups=backups, required_fields=required, seed=seed
        )
        self.assertEqual(first, again)

    @fast
    @given(
        candidate_lists,
        seeds,
        st.integers(1, 5),
        st.integers(0, 3),
        st.sets(st.sampled_from(FIELDS), max_size=3),
    )
    def test_it_draws_exactly_the_size_and_backups_and_never_seats_a_backup(
        self, candidates, seed, size, backups, required
    ):
        try:
            outcome = draw.draw(candidates, size=size, backups=backups, required_fields=required, seed=seed)
        except DrawRefused:
            return
        ids = {c.id for c in candidates}
        self.assertEqual(len(outcome.panel), size)
        self.assertEqual(len(outcome.backups), backups)
        self.assertFalse(set(outcome.panel) & set(outcome.backups))
        self.assertEqual(len(set(outcome.panel)), size)
        self.assertTrue(set(outcome.panel) | set(outcome.backups) <= ids)

    @fast
    @given(
        candidate_lists, seeds, st.integers(1, 4), st.sets(st.sampled_from(FIELDS), min_size=1, max_size=4)
    )
    def test_it_covers_the_required_fields_whenever_some_panel_can_and_refuses_only_when_none_can(
        self, candidates, seed, size, required
    ):
        possible = size <= len(candidates) and any(
            covers(list(group), required) for group in itertools.combinations(candidates, size)
        )
        if not possible:
            with self.assertRaises(DrawRefused):
                draw.draw(candidates, size=size, required_fields=required, seed=seed)
            return
        outcome = draw.draw(candidates, size=size, required_fields=required, seed=seed)
        seated = [c for c in candidates if c.id in outcome.panel]
        self.assertTrue(covers(seated, required))
        # and it is the covering panel that comes first in ranking order
        rank = {c.id: n for n, c in enumerate(draw.ranking(candidates, seed))}
        best = min(
            sorted(rank[c.id] for c in group)
            for group in itertools.combinations(candidates, size)
            if covers(list(group), required)
        )
        self.assertEqual(sorted(rank[i] for i in outcome.panel), best)

    @fast
    @given(
        st.lists(
            st.tuples(
                st.integers(1, 40),
                st.sampled_from([draw.ACTIVE, draw.ACTIVE, draw.SUSPENDED, draw.RETIRED]),
                st.sets(st.integers(1, 6), max_size=2),
            ),
            min_size=1,
            max_size=12,
        ),
        st.sets(st.integers(1, 6), max_size=3),
        seeds,
        st.integers(1, 4),
    )
    def test_it_never_draws_a_conflicted_or_suspended_expert(self, rows, avoid, seed, size):
        members = [
            PoolMember(i, f"专家{i}", ("civil",), status=status, orgs=tuple((o, f"单位{o}") for o in orgs))
            for i, status, orgs in dict((r[0], r) for r in rows).values()
        ]
        candidates, excluded = draw.freeze(
            members, Exclusions(on=datetime.date(2023, 1, 1), org_ids=frozenset(avoid))
        )
        barred = {m.id for m in members if m.status != draw.ACTIVE or {o for o, _ in m.orgs} & avoid}
        self.assertEqual({e.id for e in excluded}, barred)
        try:
            outcome = draw.draw(candidates, size=size, seed=seed)
        except DrawRefused:
            self.assertGreater(size, len(candidates))
            return
        self.assertFalse(set(outcome.panel) & barred)

    @fast
    @given(candidate_lists, seeds, seeds)
    def test_it_binds_the_commitment_to_the_seed(self, candidates, seed, other):
        self.assertEqual(draw.commitment(seed) == draw.commitment(other), seed == other)
