import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = (
    "import json, django; django.setup(); from django.conf import settings; "
    "from django.core.files.storage import storages; "
    "print(json.dumps({'storages': settings.STORAGES, 'backend': type(storages['default']).__module__}))"
)


def settings_in_subprocess(**env: str) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("FAZHI_S3_")}
    clean.update({"DJANGO_SETTINGS_MODULE": "fazhi.settings", "FAZHI_DATA_DIR": tempfile.mkdtemp(), **env})
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=clean, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


class StorageSettingsTestCase(SimpleTestCase):
    def test_it_stores_files_on_local_disk_by_default(self):
        result = settings_in_subprocess()
        self.assertEqual(
            result["storages"]["default"]["BACKEND"], "django.core.files.storage.FileSystemStorage"
        )
        self.assertEqual(result["backend"], "django.core.files.storage.filesystem")

    def test_it_switches_to_s3_compatible_storage_with_one_variable(self):
        result = settings_in_subprocess(
            FAZHI_S3_BUCKET="fazhi-files",
            FAZHI_S3_ENDPOINT_URL="http://minio.local:9000",
            FAZHI_S3_ACCESS_KEY="AKID",
            FAZHI_S3_SECRET_KEY="s3cret",
            FAZHI_S3_REGION="cn-south-1",
        )
        default = result["storages"]["default"]
        self.assertEqual(default["BACKEND"], "storages.backends.s3.S3Storage")
        self.assertEqual(default["OPTIONS"]["bucket_name"], "fazhi-files")
        self.assertEqual(default["OPTIONS"]["endpoint_url"], "http://minio.local:9000")
        self.assertEqual(default["OPTIONS"]["access_key"], "AKID")
        self.assertEqual(default["OPTIONS"]["region_name"], "cn-south-1")
        self.assertEqual(default["OPTIONS"]["default_acl"], "private")
        self.assertTrue(default["OPTIONS"]["querystring_auth"])
        self.assertFalse(default["OPTIONS"]["file_overwrite"])
        self.assertEqual(result["backend"], "storages.backends.s3")

    def test_it_leaves_the_optional_s3_settings_to_the_sdk_defaults(self):
        result = settings_in_subprocess(FAZHI_S3_BUCKET="b")
        options = result["storages"]["default"]["OPTIONS"]
        self.assertIsNone(options["endpoint_url"])
        self.assertIsNone(options["access_key"])
