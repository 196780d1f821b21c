"""The state machine, exhaustively: every state × action × role, against a table
written out by hand from the flow 登记 → 交办 → 签收/退回 → 核查 → 整改 → 验收 → 销号."""

from __future__ import annotations

import datetime
import unittest

from problems import workflow as wf

# Whose step each action is, whatever the state: the other party is always refused.
PARTY = {
    "assign": "office",
    "accept": "office",
    "reject": "office",
    "close": "office",
    "dismiss": "office",
    "sign": "unit",
    "return": "unit",
    "verify": "unit",
    "plan": "unit",
    "rectify_now": "unit",
    "complete": "unit",
}
# (state, action) -> (the party that may do it, the state it leads to). Everything
# not listed here is refused to the action's party as out of order.
ALLOWED = {
    ("registered", "assign"): ("office", "assigned"),
    ("returned", "assign"): ("office", "assigned"),
    ("registered", "dismiss"): ("office", "dismissed"),
    ("returned", "dismiss"): ("office", "dismissed"),
    ("assigned", "sign"): ("unit", "signed"),
    ("assigned", "return"): ("unit", "returned"),
    ("signed", "verify"): ("unit", "verified"),
    ("signed", "rectify_now"): ("unit", "rectified"),
    ("verified", "rectify_now"): ("unit", "rectified"),
    ("verified", "plan"): ("unit", "rectifying"),
    ("rectifying", "complete"): ("unit", "rectified"),
    ("rectified", "accept"): ("office", "accepted"),
    ("rectified", "reject"): ("office", "rectifying"),
    ("accepted", "close"): ("office", "closed"),
}
STATES = [
    "registered",
    "assigned",
    "returned",
    "signed",
    "verified",
    "rectifying",
    "rectified",
    "accepted",
    "closed",
    "dismissed",
]
ACTIONS = [
    "assign",
    "sign",
    "return",
    "verify",
    "plan",
    "rectify_now",
    "complete",
    "accept",
    "reject",
    "close",
    "dismiss",
]
ROLES = ["office", "unit"]


class WorkflowTestCase(unittest.TestCase):
    def test_it_knows_exactly_the_states_and_actions_of_the_flow(self):
        self.assertEqual(list(wf.STATES), STATES)
        self.assertEqual(list(wf.ACTIONS), ACTIONS)

    def test_it_allows_every_listed_transition_to_its_party_only(self):
        for (state, action), (role, target) in ALLOWED.items():
            with self.subTest(state=state, action=action):
                self.assertEqual(wf.next_state(state, action, role), target)
                other = "unit" if role == "office" else "office"
                with self.assertRaises(wf.TransitionRefused) as refused:
                    wf.next_state(state, action, other)
                self.assertEqual(refused.exception.kind, "role")
                self.assertIn("办理", refused.exception.message)

    def test_it_refuses_every_other_transition_out_of_order_or_as_the_other_partys(self):
        checked = 0
        for state in STATES:
            for action in ACTIONS:
                if (state, action) in ALLOWED:
                    continue
                for role in ROLES:
                    with self.subTest(state=state, action=action, role=role):
                        with self.assertRaises(wf.TransitionRefused) as refused:
                            wf.next_state(state, action, role)
                        if role == PARTY[action]:
                            self.assertEqual(refused.exception.kind, "state")
                            self.assertIn(f"当前为「{wf.state_label(state)}」", refused.exception.message)
                        else:
                            self.assertEqual(refused.exception.kind, "role")
                        checked += 1
        self.assertEqual(checked, (len(STATES) * len(ACTIONS) - len(ALLOWED)) * len(ROLES))

    def test_it_knows_whose_step_each_action_is(self):
        self.assertEqual({a: t.role for a, t in wf.TRANSITIONS.items()}, PARTY)

    def test_it_refuses_an_unknown_action_or_state(self):
        with self.assertRaises(wf.TransitionRefused) as refused:
            wf.next_state("registered", "approve", "office")
        self.assertEqual(refused.exception.kind, "unknown")
        with self.assertRaises(wf.TransitionRefused):
            wf.next_state("lost", "assign", "office")

    def test_it_offers_each_party_only_its_own_next_steps(self):
        self.assertEqual(
            [t.action for t in wf.allowed_actions("registered", "office")], ["assign", "dismiss"]
        )
        self.assertEqual([t.action for t in wf.allowed_actions("registered", "unit")], [])
        self.assertEqual([t.action for t in wf.allowed_actions("assigned", "unit")], ["sign", "return"])
        self.assertEqual([t.action for t in wf.allowed_actions("signed", "unit")], ["verify", "rectify_now"])
        self.assertEqual([t.action for t in wf.allowed_actions("rectified", "office")], ["accept", "reject"])
        for state in ("closed", "dismissed"):
            for role in ROLES:
                self.assertEqual(wf.allowed_actions(state, role), [])

    def test_it_asks_for_a_reason_when_returning_rejecting_or_dismissing(self):
        for action in ("return", "reject", "dismiss", "verify", "plan", "rectify_now", "complete"):
            self.assertTrue(wf.TRANSITIONS[action].needs_note, action)
        for action in ("assign", "plan"):
            self.assertTrue(wf.TRANSITIONS[action].needs_deadline, action)
        self.assertFalse(wf.TRANSITIONS["sign"].needs_note)

    def test_it_counts_a_problem_overdue_only_while_its_clock_runs(self):
        today = datetime.date(2026, 11, 29)
        yesterday = today - datetime.timedelta(days=1)
        self.assertTrue(wf.is_overdue("rectifying", yesterday, today))
        self.assertTrue(wf.is_overdue("assigned", yesterday, today))
        self.assertFalse(wf.is_overdue("rectifying", today, today))
        self.assertFalse(wf.is_overdue("rectified", yesterday, today))
        self.assertFalse(wf.is_overdue("closed", yesterday, today))
        self.assertFalse(wf.is_overdue("assigned", None, today))
