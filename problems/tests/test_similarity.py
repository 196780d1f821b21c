"""Likely-duplicate detection, on clue titles as people type them."""

from __future__ import annotations

import unittest

from problems import similarity as sim


class SimilarityTestCase(unittest.TestCase):
    def test_it_treats_the_same_clue_typed_again_as_a_duplicate(self):
        self.assertEqual(sim.similarity("某交警中队违规设卡查车", "某交警中队违规设卡 查车！"), 1.0)
        self.assertEqual(sim.similarity("ＡＢＣ１２３路段罚款", "abc123路段罚款"), 1.0)

    def test_it_finds_a_reworded_clue_above_the_threshold(self):
        score = sim.similarity("大江镇路段交警逐利执法乱罚款", "大江镇路段交警乱罚款逐利执法")
        self.assertGreaterEqual(score, sim.THRESHOLD)

    def test_it_keeps_different_clues_apart(self):
        self.assertLess(sim.similarity("货车超限检测站执法不规范", "驾驶证补领办理时间过长"), sim.THRESHOLD)
        self.assertEqual(sim.similarity("", "任何"), 0.0)
        self.assertEqual(sim.similarity("！！", "？？"), 0.0)

    def test_it_works_out_bigram_jaccard_by_hand(self):
        # 违规罚款 → {违规, 规罚, 罚款}; 违规收费 → {违规, 规收, 收费}: 1 shared of 5 = 0.2;
        # difflib: 2 matching characters of 8 → 2·2/8 = 0.5; the larger wins.
        self.assertAlmostEqual(sim.similarity("违规罚款", "违规收费"), 0.5)

    def test_it_lists_the_most_similar_first_and_only_those_above_the_threshold(self):
        candidates = [
            (1, "驾驶证补领办理时间过长"),
            (2, "某交警中队违规设卡查车"),
            (3, "某交警中队违规设卡查车辆"),
        ]
        found = sim.likely_duplicates("某交警中队违规设卡查车", candidates)
        self.assertEqual([m.key for m in found], [2, 3])
        self.assertEqual(found[0].score, 1.0)
        self.assertEqual(sim.likely_duplicates("x", []), [])
