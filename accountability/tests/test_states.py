"""Every allowed and every refused transition of the report and action machines."""

from __future__ import annotations

import itertools
import unittest

from accountability import states
from accountability.states import TransitionRefused


class ReportStatesTestCase(unittest.TestCase):
    allowed = {
        ("draft", "edit"): "draft",
        ("returned", "edit"): "returned",
        ("draft", "submit"): "submitted",
        ("returned", "submit"): "submitted",
        ("submitted", "return"): "returned",
    }

    def test_it_allows_exactly_the_listed_transitions(self):
        for state, event in itertools.product(states.REPORT_LABELS, states.REPORT_EVENTS):
            with self.subTest(state=state, event=event):
                if (state, event) in self.allowed:
                    self.assertEqual(states.report_next(state, event), self.allowed[(state, event)])
                else:
                    with self.assertRaises(TransitionRefused):
                        states.report_next(state, event)

    def test_it_names_the_state_in_the_refusal(self):
        with self.assertRaisesRegex(TransitionRefused, "当前状态为“已提交”，不能提交。"):
            states.report_next("submitted", "submit")


class ActionStatesTestCase(unittest.TestCase):
    allowed = {
        ("proposed", "confirm"): "confirmed",
        ("proposed", "dismiss"): "dismissed",
        ("confirmed", "follow_up"): "confirmed",
        ("confirmed", "complete"): "done",
    }

    def test_it_allows_exactly_the_listed_transitions(self):
        for state, event in itertools.product(states.ACTION_STATE_LABELS, states.ACTION_EVENTS):
            with self.subTest(state=state, event=event):
                if (state, event) in self.allowed:
                    self.assertEqual(states.action_next(state, event), self.allowed[(state, event)])
                else:
                    with self.assertRaises(TransitionRefused):
                        states.action_next(state, event)

    def test_it_refuses_to_confirm_a_dismissed_action(self):
        with self.assertRaisesRegex(TransitionRefused, "当前状态为“已驳回”，不能确认。"):
            states.action_next("dismissed", "confirm")
