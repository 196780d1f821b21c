from types import SimpleNamespace

from django.test import SimpleTestCase

from fazhi.lib.memo import forget, per_user


class PerUserTestCase(SimpleTestCase):
    def test_it_asks_once_per_user_object_and_again_for_another_or_after_forget(self):
        asked: list[str] = []

        @per_user
        def may(user: SimpleNamespace) -> bool:
            asked.append(user.name)
            return user.name == "office"

        office, county = SimpleNamespace(name="office"), SimpleNamespace(name="county")
        self.assertEqual([may(office), may(office), may(county), may(county)], [True, True, False, False])
        self.assertEqual(asked, ["office", "county"])
        forget(office)
        self.assertTrue(may(office))
        self.assertEqual(asked, ["office", "county", "office"])

    def test_it_keeps_answers_of_different_questions_apart(self):
        first = per_user(lambda user: "first")
        second = per_user(lambda user: "second")
        user = SimpleNamespace()
        self.assertEqual((first(user), second(user)), ("first", "second"))
