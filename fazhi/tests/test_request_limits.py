"""The request body limit holds while the body streams in (security issue, item 8).

Requests are built at the WSGI level (environ with our own `wsgi.input`) through the
test client, so the tests see how many bytes the application actually read."""

from __future__ import annotations

import hashlib
import os

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.urls import reverse

from attachments.models import Attachment
from attachments.tests import samples
from fazhi.middleware import READ_CHUNK, request_body_limit
from fazhi.testing import BaseTestCase

MB = 1024 * 1024


class CountingInput:
    """A client body: `data`, then (if `endless`) zeros for ever; counts what was read."""

    def __init__(self, data: bytes = b"", *, endless: bool = False) -> None:
        self.data = data
        self.endless = endless
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            if self.endless:
                raise AssertionError("the application tried to read an endless body to its end")
            size = len(self.data) - self.read_bytes
        start = self.read_bytes
        chunk = self.data[start : start + size]
        if self.endless and len(chunk) < size:
            chunk += b"\0" * (size - len(chunk))
        self.read_bytes += len(chunk)
        return chunk

    def readline(self, size: int = -1) -> bytes:
        return self.read(size if size and size > 0 else READ_CHUNK)


def multipart(data: dict) -> bytes:
    return encode_multipart(BOUNDARY, data)


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


class RequestBodyLimitTestCase(BaseTestCase):
    upload_url = reverse("attachments:upload")

    def declared(self, client, url: str, length: int, **extra):
        body = CountingInput(endless=True)
        response = client.generic(
            "POST",
            url,
            CONTENT_TYPE=MULTIPART_CONTENT,
            CONTENT_LENGTH=str(length),
            **{"wsgi.input": body},
            **extra,
        )
        return response, body

    def chunked(self, client, url: str, body: CountingInput, *, terminated: bool = True, **extra):
        environ = {"wsgi.input": body, "HTTP_TRANSFER_ENCODING": "chunked", "CONTENT_TYPE": MULTIPART_CONTENT}
        if terminated:
            environ["wsgi.input_terminated"] = True
        return client.generic("POST", url, **environ, **extra)

    def assertNothingStored(self) -> None:
        self.assertFalse(Attachment.objects.exists())
        self.assertFalse(default_storage.exists("attachments"))

    def test_it_refuses_a_30_mb_upload_by_its_declared_length_without_reading_it(self):
        with self.assertLogs("fazhi.security", "WARNING"):
            response, body = self.declared(self.client_for(self.county), self.upload_url, 30 * MB)
        self.assertEqual(response.status_code, 413)
        self.assertContains(response, "每次上传的文件合计不能超过 20 MB", status_code=413)
        self.assertEqual(body.read_bytes, 0)
        self.assertNothingStored()

    def test_it_answers_an_htmx_upload_with_the_message_as_text(self):
        with self.assertLogs("fazhi.security", "WARNING"):
            response, body = self.declared(
                self.client_for(self.county), self.upload_url, 30 * MB, HTTP_HX_REQUEST="true"
            )
        self.assertEqual(response.status_code, 413)
        self.assertTrue(response["Content-Type"].startswith("text/plain"))
        self.assertIn("请压缩或拆分后分次上传", response.content.decode())
        self.assertEqual(body.read_bytes, 0)

    def test_it_answers_the_api_with_the_structured_error(self):
        with self.assertLogs("fazhi.security", "WARNING"):
            response, body = self.declared(
                self.client_for(self.county), "/api/v1/provincial/tasks/1/evidence/", 30 * MB
            )
        self.assertEqual(response.status_code, 413)
        error = response.json()["error"]
        self.assertEqual(error["code"], "request_too_large")
        self.assertIn("20 MB", error["message"])
        self.assertEqual(body.read_bytes, 0)

    def test_it_refuses_a_huge_log_in_post_before_anyone_is_logged_in(self):
        with self.assertLogs("fazhi.security", "WARNING"):
            response, body = self.declared(self.client, reverse("accounts:login"), 500 * MB)
        self.assertEqual(response.status_code, 413)
        self.assertContains(response, "提交的内容过大", status_code=413)
        self.assertEqual(body.read_bytes, 0)

    @override_settings(UPLOAD_MAX_MB=1)
    def test_it_follows_the_configured_limit(self):
        client = self.client_for(self.county)
        response, body = self.declared(client, reverse("accounts:login"), request_body_limit())
        self.assertNotEqual(response.status_code, 413)
        with self.assertLogs("fazhi.security", "WARNING"):
            response, body = self.declared(client, self.upload_url, request_body_limit() + 1)
        self.assertEqual(response.status_code, 413)
        self.assertContains(response, "不能超过 1 MB", status_code=413)
        self.assertEqual(body.read_bytes, 0)

    @override_settings(UPLOAD_MAX_MB=1, FILE_UPLOAD_MAX_MEMORY_SIZE=64 * 1024)
    def test_it_cuts_off_a_streamed_body_as_soon_as_it_passes_the_limit(self):
        client = self.client_for(self.county)
        head = multipart({"org": self.county_org.pk, "file": SimpleUploadedFile("a.pdf", samples.PDF)})
        body = CountingInput(head[: -len(f"--{BOUNDARY}--\r\n")], endless=True)
        fds = open_fds()
        with self.assertLogs("fazhi.security", "WARNING"):
            response = self.chunked(client, self.upload_url, body)
        self.assertEqual(response.status_code, 413)
        self.assertContains(response, "提交的内容过大", status_code=413)
        self.assertLessEqual(body.read_bytes, request_body_limit() + READ_CHUNK)
        self.assertGreater(body.read_bytes, request_body_limit())
        self.assertEqual(open_fds(), fds)  # the spooled buffer (on disk past 64 KB) is gone
        self.assertNothingStored()

    def test_it_accepts_a_chunked_upload_under_the_limit(self):
        client = self.client_for(self.county)
        data = samples.PDF + b"%" * (200 * 1024)
        body = CountingInput(
            multipart({"org": self.county_org.pk, "file": SimpleUploadedFile("报告.pdf", data)})
        )
        response = self.chunked(client, self.upload_url, body)
        self.assertRedirects(response, reverse("attachments:mine"), fetch_redirect_response=False)
        attachment = Attachment.objects.get()
        self.assertEqual(attachment.original_name, "报告.pdf")
        self.assertEqual(attachment.sha256, hashlib.sha256(data).hexdigest())

    def test_it_refuses_a_chunked_body_whose_end_the_server_cannot_tell(self):
        body = CountingInput(endless=True)
        response = self.chunked(self.client, reverse("accounts:login"), body, terminated=False)
        self.assertEqual(response.status_code, 411)
        self.assertContains(response, "Content-Length", status_code=411)
        self.assertEqual(body.read_bytes, 0)

    def test_it_never_reads_past_a_declared_length_that_lies(self):
        client = self.client_for(self.county)
        head = multipart({"org": self.county_org.pk, "file": SimpleUploadedFile("a.pdf", samples.PDF)})
        body = CountingInput(head, endless=True)  # 30 MB and more follow what was declared
        response = client.generic(
            "POST",
            self.upload_url,
            CONTENT_TYPE=MULTIPART_CONTENT,
            CONTENT_LENGTH=str(len(head)),
            **{"wsgi.input": body},
        )
        self.assertEqual(response.status_code, 302)
        self.assertEqual(body.read_bytes, len(head))
        self.assertEqual(Attachment.objects.get().size, len(samples.PDF))

    def test_it_still_accepts_a_normal_upload(self):
        data = {"org": self.county_org.pk, "file": SimpleUploadedFile("a.pdf", samples.PDF)}
        response = self.client_for(self.county).post(self.upload_url, data)
        self.assertRedirects(response, reverse("attachments:mine"), fetch_redirect_response=False)
        self.assertEqual(Attachment.objects.get().sha256, hashlib.sha256(samples.PDF).hexdigest())
