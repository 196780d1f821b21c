"""One masking rule for personal contact data (experts' contacts, the 联络员 directory)."""

from __future__ import annotations

from django.test import SimpleTestCase

from experts import masking as experts_masking
from fazhi.lib.masking import MASK, mask_address, mask_email, mask_phone
from notices import api as notices_api
from notices import views_contacts


class MaskingTestCase(SimpleTestCase):
    def test_it_keeps_the_head_and_tail_of_a_mobile_number(self):
        self.assertEqual(mask_phone("13812345678"), "138****5678")
        self.assertEqual(mask_phone(" 0750-3123456 "), "075****3456")

    def test_it_keeps_only_the_last_three_of_a_7_to_10_character_number(self):
        self.assertEqual(mask_phone("3123456"), "****456")
        self.assertEqual(mask_phone("0750312345"), "****345")

    def test_it_hides_a_short_number_whole_without_giving_away_its_length(self):
        for short in ("1", "12", "1234", "12345", "123456"):
            with self.subTest(short=short):
                self.assertEqual(mask_phone(short), MASK)

    def test_it_leaves_an_empty_value_empty(self):
        for blank in ("", "   "):
            with self.subTest(blank=blank):
                self.assertEqual(mask_phone(blank), "")
                self.assertEqual(mask_email(blank), "")
                self.assertEqual(mask_address(blank), "")

    def test_it_keeps_the_first_letter_and_the_domain_of_an_email(self):
        self.assertEqual(mask_email("zhang.san@example.com"), "z***@example.com")
        self.assertEqual(mask_email("z@pj.example"), "z***@pj.example")
        self.assertEqual(mask_email("@pj.example"), "****@pj.example")

    def test_it_hides_an_email_without_a_domain_whole(self):
        self.assertEqual(mask_email("zhangsan"), MASK)
        self.assertEqual(mask_email("zhangsan@"), MASK)

    def test_it_keeps_only_the_province_and_city_of_an_address(self):
        self.assertEqual(mask_address("广东省江门市蓬江区建设路1号"), "广东省江门市****")
        self.assertEqual(mask_address("广东省江门"), MASK)

    def test_it_is_the_rule_the_expert_pool_and_the_contacts_directory_both_use(self):
        self.assertIs(experts_masking.mask_phone, mask_phone)
        self.assertIs(experts_masking.mask_email, mask_email)
        self.assertIs(notices_api.mask_phone, mask_phone)
        self.assertIs(views_contacts.mask_email, mask_email)
