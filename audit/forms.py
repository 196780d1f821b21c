from __future__ import annotations

from django import forms

from workbench.forms import StyledFormMixin


class AuditFilterForm(StyledFormMixin, forms.Form):
    person = forms.CharField(label="操作人", required=False)
    target = forms.CharField(label="对象", required=False)
    action = forms.CharField(label="操作", required=False)
    date_from = forms.DateField(
        label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
