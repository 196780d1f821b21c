"""One stale-edit exception (fazhi.errors.StaleEdit) for every app, answered
409 by the one API error handler with the structured error shape."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from api.errors import exception_handler
from fazhi.errors import StaleEdit


class StaleEditTestCase(SimpleTestCase):
    def test_it_answers_a_stale_edit_with_409_and_the_services_message(self):
        response = exception_handler(StaleEdit("该记录已被他人修改，请刷新。"), {})
        assert response is not None
        self.assertEqual(response.status_code, 409)
        self.assertEqual(
            response.data, {"error": {"code": "conflict", "message": "该记录已被他人修改，请刷新。"}}
        )

    def test_it_keeps_the_code_a_subclass_names(self):
        class Approved(StaleEdit):
            api_code = "score_approved"

        response = exception_handler(Approved("该评分已审核生效。"), {})
        assert response is not None
        self.assertEqual((response.status_code, response.data["error"]["code"]), (409, "score_approved"))

    def test_it_still_answers_other_validation_errors_with_400_and_their_fields(self):
        response = exception_handler(ValidationError({"score": "得分须在 0 至 40 分之间。"}), {})
        assert response is not None
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.data["error"]["fields"], {"score": ["得分须在 0 至 40 分之间。"]})
