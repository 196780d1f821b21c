from __future__ import annotations

import unittest
from decimal import Decimal

from performance.engine.values import (
    EQ,
    GE,
    GT,
    LE,
    QUALITATIVE,
    format_money,
    format_number,
    parse_value,
    to_decimal,
    units_compatible,
)


class ValueParsingTestCase(unittest.TestCase):
    def check(self, text, op, number, unit):
        value = parse_value(text)
        self.assertEqual(
            (value.op, value.number, value.unit),
            (op, None if number is None else Decimal(number), unit),
            text,
        )

    def test_it_reads_operators_numbers_and_units(self):
        self.check("≥12人", GE, "12", "人")
        self.check("≤30天", LE, "30", "天")
        self.check("100%", EQ, "100", "%")
        self.check("≥266米", GE, "266", "米")
        self.check(">5", GT, "5", "")
        self.check("=0起", EQ, "0", "起")

    def test_it_folds_full_width_characters(self):
        self.check("≥１２人", GE, "12", "人")
        self.check("＞＝12人", GE, "12", "人")
        self.check("＜＝ ３０ 天", LE, "30", "天")
        self.check("１００％", EQ, "100", "%")

    def test_it_reads_operators_written_in_words(self):
        self.check("不少于12人", GE, "12", "人")
        self.check("12人以上", GE, "12", "人")
        self.check("不超过30天", LE, "30", "天")
        self.check("30天以内", LE, "30", "天")
        self.check("达到100%", EQ, "100", "%")

    def test_it_keeps_chinese_brackets_in_units(self):
        self.check("7个县（市、区）", EQ, "7", "个县（市、区）")
        self.assertEqual(parse_value("7个县（市、区）").display(), "7个县（市、区）")

    def test_it_treats_text_without_a_number_as_qualitative(self):
        for text in ("有提高", "保持上年度考评等次", "明显改善"):
            self.check(text, QUALITATIVE, None, "")
            self.assertTrue(parse_value(text).is_qualitative)

    def test_it_remembers_whether_an_operator_was_written(self):
        self.assertTrue(parse_value("≥266米").op_written)
        self.assertFalse(parse_value("266米").op_written)

    def test_it_passes_numbers_through(self):
        self.check(12, EQ, "12", "")
        self.check(Decimal("0.5"), EQ, "0.5", "")
        self.check("698,000", EQ, "698000", "")


class NumberTestCase(unittest.TestCase):
    def test_it_reads_money_and_numbers_as_written(self):
        self.assertEqual(to_decimal("698,000元"), Decimal(698000))
        self.assertEqual(to_decimal("６９８０００"), Decimal(698000))
        self.assertEqual(to_decimal(349845.0), Decimal("349845"))
        self.assertEqual(to_decimal(34.9845), Decimal("34.9845"))
        self.assertEqual(to_decimal(" 12.5 "), Decimal("12.5"))

    def test_it_refuses_what_is_not_a_number(self):
        for value in ("十分", "", "12分半", None, True, float("nan"), [], "1.2.3"):
            self.assertIsNone(to_decimal(value), value)

    def test_it_formats_without_trailing_zeros(self):
        self.assertEqual(format_number(Decimal("97.00")), "97")
        self.assertEqual(format_number(Decimal("95.010")), "95.01")
        self.assertEqual(format_number(Decimal("5.0121"), places=2), "5.01")
        self.assertEqual(format_money(Decimal(698000)), "698,000")
        self.assertEqual(format_money(Decimal("349845.5")), "349,845.50")

    def test_it_compares_units_leniently(self):
        self.assertTrue(units_compatible("个县（市、区）", "个"))
        self.assertTrue(units_compatible("人", ""))
        self.assertFalse(units_compatible("人", "%"))
