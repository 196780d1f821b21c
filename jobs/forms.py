from __future__ import annotations

from django import forms
from django.conf import settings

from attachments.detection import Refused, sniff
from workbench.forms import StyledFormMixin


class UserImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label="用户表（.xlsx）",
        error_messages={"required": "请选择要导入的 Excel 文件。"},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self):  # type: ignore[no-untyped-def]
        uploaded = self.cleaned_data["file"]
        limit = int(settings.UPLOAD_MAX_MB) * 1024 * 1024
        if uploaded.size > limit:
            raise forms.ValidationError(f"文件大小超过上限（最大 {settings.UPLOAD_MAX_MB} MB）。")
        try:
            kind, _ = sniff(uploaded, uploaded.name or "")
        except Refused as exc:
            raise forms.ValidationError(str(exc)) from None
        if kind.key != "xlsx":
            raise forms.ValidationError("请上传 Excel 工作簿（.xlsx），可先下载导入模板。")
        return uploaded
