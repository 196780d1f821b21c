from __future__ import annotations

import datetime

from django.test import SimpleTestCase
from hypothesis import given
from hypothesis import strategies as st

from selections import screening

T0 = datetime.datetime(2023, 9, 1, 10, 0)


def vote(key, minutes=0, address="10.1.2.3", fingerprint="fp", voter=None, at=None):
    return screening.VoteSignal(
        key, at or T0 + datetime.timedelta(minutes=minutes), address, fingerprint, voter or f"v{key}"
    )


class ScreenAllTestCase(SimpleTestCase):
    def test_it_marks_every_vote_of_a_burst_from_one_address(self):
        votes = [vote(i, minutes=i * 2, fingerprint=f"fp{i}") for i in range(5)] + [
            vote(9, minutes=60, fingerprint="x")
        ]
        reasons = screening.screen_all(votes)
        self.assertEqual({k for k, r in reasons.items() if screening.ADDRESS_BURST in r}, {0, 1, 2, 3, 4})
        self.assertEqual(reasons[9], [])

    def test_it_leaves_votes_from_one_address_spread_over_time_alone(self):
        votes = [vote(i, minutes=i * 11, fingerprint=f"fp{i}") for i in range(6)]
        self.assertTrue(all(r == [] for r in screening.screen_all(votes).values()))

    def test_it_marks_a_burst_from_one_subnet(self):
        votes = [vote(i, minutes=i % 9, address=f"10.1.2.{i}", fingerprint=f"fp{i}") for i in range(15)]
        reasons = screening.screen_all(votes)
        self.assertTrue(all(r == [screening.SUBNET_BURST] for r in reasons.values()))
        self.assertEqual(screening.subnet("10.1.2.77"), "10.1.2.0/24")
        self.assertEqual(screening.subnet("2001:db8::1"), "2001:db8::/64")

    def test_it_marks_many_voters_on_one_device(self):
        votes = [vote(i, minutes=i * 30, address=f"10.{i}.0.1", fingerprint="same") for i in range(3)]
        self.assertTrue(all(r == [screening.SAME_DEVICE] for r in screening.screen_all(votes).values()))

    def test_it_marks_votes_at_night(self):
        reasons = screening.screen_all(
            [vote(1, at=datetime.datetime(2023, 9, 1, 3, 5)), vote(2, at=datetime.datetime(2023, 9, 1, 6, 0))]
        )
        self.assertEqual(reasons, {1: [screening.NIGHT], 2: []})

    def test_it_explains_each_reason_in_chinese(self):
        self.assertEqual(
            screening.DEFAULT_RULES.message(screening.ADDRESS_BURST), "同一地址 10 分钟内投票 5 次及以上"
        )
        self.assertEqual(screening.DEFAULT_RULES.message(screening.NIGHT), "投票时间在 00:00–06:00 之间")

    @given(
        st.lists(
            st.tuples(st.integers(0, 600), st.integers(0, 3), st.sampled_from(["a", "b", ""])), max_size=60
        )
    )
    def test_it_keeps_every_vote_and_only_adds_reasons(self, rows):
        votes = [vote(i, minutes=m, address=f"10.0.{a}.1", fingerprint=f) for i, (m, a, f) in enumerate(rows)]
        reasons = screening.screen_all(votes)
        self.assertEqual(set(reasons), {v.key for v in votes})
        more = screening.screen_all([*votes, vote(10_000, minutes=1, address="10.0.0.1", fingerprint="a")])
        for key, found in reasons.items():
            self.assertTrue(set(found) <= set(more[key]))


class ReasonsAtCastTestCase(SimpleTestCase):
    def test_it_flags_from_counts_that_include_the_vote(self):
        self.assertEqual(screening.reasons_at_cast(T0, same_address=4, same_subnet=4, device_voters=2), [])
        self.assertEqual(
            screening.reasons_at_cast(T0.replace(hour=1), same_address=5, same_subnet=15, device_voters=3),
            [screening.ADDRESS_BURST, screening.SUBNET_BURST, screening.SAME_DEVICE, screening.NIGHT],
        )
