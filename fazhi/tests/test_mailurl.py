"""FAZHI_EMAIL_URL → Django's e-mail settings; a bad URL is refused naming the variable, never the password."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.test import SimpleTestCase

from fazhi.lib.mailurl import parse_email_url


class EmailUrlTestCase(SimpleTestCase):
    def test_it_reads_smtp_with_credentials_and_tls(self):
        self.assertEqual(
            parse_email_url("smtp+tls://fazhi%40jm.gov.cn:p%40ss@mail.jm.gov.cn:587"),
            {
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "mail.jm.gov.cn",
                "EMAIL_PORT": 587,
                "EMAIL_HOST_USER": "fazhi@jm.gov.cn",
                "EMAIL_HOST_PASSWORD": "p@ss",
                "EMAIL_USE_TLS": True,
                "EMAIL_USE_SSL": False,
            },
        )
        self.assertEqual(parse_email_url("smtp://127.0.0.1:1025")["EMAIL_PORT"], 1025)
        self.assertTrue(parse_email_url("smtp+ssl://mail.example")["EMAIL_USE_SSL"])
        self.assertEqual(parse_email_url("smtp+ssl://mail.example")["EMAIL_PORT"], 465)
        self.assertEqual(parse_email_url("file:///var/mail/out")["EMAIL_FILE_PATH"], "/var/mail/out")
        self.assertTrue(parse_email_url("console://")["EMAIL_BACKEND"].endswith("console.EmailBackend"))

    def test_it_refuses_a_bad_url_without_showing_the_password(self):
        for url in ("imap://u:secret@host", "smtp://u:secret@", "smtp://u:secret@host:99999", "file://"):
            with self.subTest(url=url), self.assertRaises(ValueError) as refused:
                parse_email_url(url)
            self.assertIn("FAZHI_EMAIL_URL", str(refused.exception))
            self.assertNotIn("secret", str(refused.exception))

    def test_it_stops_the_command_with_a_message_on_a_bad_setting(self):
        with tempfile.TemporaryDirectory() as data_dir:
            env = {**os.environ, "FAZHI_EMAIL_URL": "imap://u:secret@host", "FAZHI_DATA_DIR": data_dir}
            done = subprocess.run(
                [str(Path(sys.executable).with_name("fazhi")), "check"],
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )
        self.assertEqual(done.returncode, 2)
        self.assertIn("FAZHI_EMAIL_URL 的协议应为", done.stderr)
        self.assertNotIn("secret", done.stderr)
        self.assertNotIn("Traceback", done.stderr)
