from __future__ import annotations

from django import forms

from orgs.models import Org
from workbench.forms import StyledFormMixin


class UploadForm(StyledFormMixin, forms.Form):
    org = forms.ModelChoiceField(
        Org.objects.filter(active=True),
        label="所属单位",
        error_messages={"invalid_choice": "所选单位不存在。", "required": "请选择所属单位。"},
    )
    list_id = forms.SlugField(required=False, max_length=60)
