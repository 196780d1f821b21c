from django.test import TestCase


class HealthTestCase(TestCase):
    def test_it_answers_anyone_without_touching_the_database(self):
        with self.assertNumQueries(0):
            response = self.client.get("/healthz")
        self.assertEqual((response.status_code, response.content), (200, b"ok"))
        self.assertNotIn("sessionid", response.cookies)

    def test_it_refuses_a_write(self):
        self.assertEqual(self.client.post("/healthz").status_code, 405)
