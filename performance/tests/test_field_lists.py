"""A budget project's editable fields are listed once (performance.models.PROJECT_FIELDS):
the page form, the API and the service take exactly those."""

from __future__ import annotations

from django.test import SimpleTestCase

from performance.api import ProjectSerializer, ProjectWriteSerializer
from performance.forms import ProjectForm
from performance.models import PROJECT_FIELDS


class ProjectFieldListTestCase(SimpleTestCase):
    def test_it_edits_the_same_fields_on_the_page_and_in_the_api(self):
        self.assertEqual(tuple(ProjectForm._meta.fields or ()), ("org", *PROJECT_FIELDS))
        self.assertEqual(set(ProjectWriteSerializer().fields) - {"version"}, set(PROJECT_FIELDS))
        self.assertLessEqual(set(PROJECT_FIELDS), set(ProjectSerializer.Meta.fields))
