from __future__ import annotations

from typing import Any

from django import forms

from orgs.models import Org
from workbench.forms import StyledFormMixin


class OrgForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Org
        fields = [
            "code",
            "name",
            "short_name",
            "type",
            "parent",
            "is_target",
            "is_assessor",
            "sort_order",
            "active",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Org.objects.all()  # type: ignore[attr-defined]

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].strip()
        if not code.replace("-", "").replace("_", "").isalnum():
            raise forms.ValidationError("机构代码只能包含字母、数字、短横线和下划线。")
        return code

    def validate_unique(self) -> None:
        # Uniqueness is checked by the service, so the message is the same everywhere.
        pass
