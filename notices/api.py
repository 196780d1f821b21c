"""/api/v1/notices/…: notices (send, sign, receipt, urge), the register of 发文字号
and the directory of 联络员 — the same access functions and services as the pages.

- `notices/`: the office lists every notice and sends new ones (POST, JSON or
  multipart with `files`); a unit lists the notices sent to it. `{id}/` a notice
  (with every unit's row for the office, the unit's own row otherwise);
  `{id}/sign/`, `{id}/receipt/` (a unit); `{id}/urge/` (the office: `{"org": id}`
  or every unit that still owes something).
- `notices/numbers/`: the office's register; POST reserves the next number;
  `{id}/void/` with a reason, `{id}/use/` with the document.
- `notices/contacts/`: every business user reads the directory (phone and e-mail
  masked except for the office and the contact's own unit); a unit creates,
  changes and deletes its own contacts, the office anyone's.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import User
from fazhi.lib.masking import mask_email, mask_phone
from notices import access, numbers, selectors, services
from notices.models import Contact, DocumentNumber, Module, Notice, NoticeRecipient, NumberStatus
from orgs.models import Org


def _user(request: Any) -> User:
    return request.user  # type: ignore[no-any-return]


def _pk(value: Any) -> int:
    return int(value) if str(value).isdigit() else 0


def _valid(serializer_class: type[serializers.Serializer], data: Any, **kwargs: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class RecipientSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    signed_by = serializers.CharField(
        source="signed_by.display_name", default=None, read_only=True, allow_null=True
    )
    receipt_file = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = NoticeRecipient
        fields = [
            "id",
            "org",
            "org_name",
            "signed_at",
            "signed_by",
            "receipt_at",
            "receipt_answers",
            "receipt_note",
            "receipt_file",
            "urge_count",
            "last_urged_at",
            "overdue",
        ]
        read_only_fields = fields

    def get_receipt_file(self, obj: NoticeRecipient) -> dict[str, Any] | None:
        f = obj.receipt_file
        return {"id": str(f.pk), "name": f.original_name, "sha256": f.sha256} if f else None

    def get_overdue(self, obj: NoticeRecipient) -> bool:
        return selectors.is_overdue(obj.notice, obj, timezone.localdate())


class NoticeSerializer(serializers.ModelSerializer):
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = [
            "id",
            "doc_number",
            "title",
            "body",
            "requires_receipt",
            "receipt_deadline",
            "receipt_fields",
            "late_receipts",
            "source",
            "source_label",
            "sent_at",
            "attachments",
        ]
        read_only_fields = fields

    def get_attachments(self, obj: Notice) -> list[dict[str, Any]]:
        return [{"id": str(a.pk), "name": a.original_name, "size": a.size} for a in obj.attachments.all()]


class NoticeSendSerializer(serializers.Serializer):
    title = serializers.CharField(
        max_length=200, error_messages={"required": "请填写通知标题。", "blank": "请填写通知标题。"}
    )
    body = serializers.CharField(error_messages={"required": "请填写通知正文。", "blank": "请填写通知正文。"})
    recipients = serializers.PrimaryKeyRelatedField(
        queryset=Org.objects.filter(active=True),
        many=True,
        required=False,
        error_messages={"does_not_exist": "单位 {pk_value} 不存在。"},
    )
    to_targets = serializers.BooleanField(required=False, default=False)
    to_assessors = serializers.BooleanField(required=False, default=False)
    to_types = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    to_subtree = serializers.PrimaryKeyRelatedField(
        queryset=Org.objects.filter(active=True), required=False, allow_null=True
    )
    requires_receipt = serializers.BooleanField(required=False, default=False)
    receipt_deadline = serializers.DateField(
        required=False, allow_null=True, error_messages={"invalid": "日期格式应为 YYYY-MM-DD。"}
    )
    receipt_fields = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, default=list
    )
    late_receipts = serializers.BooleanField(required=False, default=False)
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)


class ReceiptSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=500), required=False, default=dict
    )
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    file = serializers.FileField(required=False, allow_null=True)


class UrgeSerializer(serializers.Serializer):
    org = serializers.IntegerField(required=False, allow_null=True)


class NoticeViewSet(viewsets.GenericViewSet):
    serializer_class = NoticeSerializer
    lookup_value_regex = r"\d+"

    def _notice(self) -> Notice:
        return access.access_notice(_user(self.request), _pk(self.kwargs["pk"]))

    def _answer(self, notice: Notice, code: int = status.HTTP_200_OK) -> Response:
        user = _user(self.request)
        data = dict(NoticeSerializer(notice).data)
        rows = selectors.recipients_of(notice)
        if not access.is_office(user):
            rows = rows.filter(org_id=user.org_id or 0)
        data["recipients"] = RecipientSerializer(rows, many=True).data
        return Response(data, status=code)

    def list(self, request: Request) -> Response:
        user = _user(request)
        if not access.can_use_notices(user):
            raise PermissionDenied("没有权限查看通知。")
        if access.is_office(user):
            qs = Notice.objects.order_by("-sent_at", "-pk").prefetch_related("attachments")
        else:
            qs = (
                Notice.objects.filter(recipients__org_id=user.org_id or 0, status="sent")
                .order_by("-sent_at", "-pk")
                .prefetch_related("attachments")
            )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(NoticeSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return self._answer(self._notice())

    @extend_schema(request=NoticeSendSerializer, responses={201: NoticeSerializer})
    def create(self, request: Request) -> Response:
        user = _user(request)
        if not access.is_office(user):
            raise PermissionDenied("只有依法治办可以发布通知。")
        data = _valid(NoticeSendSerializer, request.data)
        recipients = selectors.resolve_recipients(
            types=data["to_types"],
            subtree_of=data.get("to_subtree"),
            orgs=list(data.get("recipients") or []),
            targets=data["to_targets"],
            assessors=data["to_assessors"],
        )
        notice = services.notice_send(
            actor=user,
            title=data["title"],
            body=data["body"],
            recipients=recipients,
            requires_receipt=data["requires_receipt"],
            receipt_deadline=data.get("receipt_deadline"),
            receipt_fields=data["receipt_fields"],
            late_receipts=data["late_receipts"],
            files=data["files"],
        )
        return self._answer(notice, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: NoticeSerializer})
    @action(detail=True, methods=["post"])
    def sign(self, request: Request, pk: str) -> Response:
        notice = self._notice()
        row = access.access_recipient(_user(request), notice, write=True)
        services.notice_sign(actor=_user(request), recipient=row)
        return self._answer(notice)

    @extend_schema(request=ReceiptSerializer, responses={200: NoticeSerializer})
    @action(detail=True, methods=["post"])
    def receipt(self, request: Request, pk: str) -> Response:
        notice = self._notice()
        row = access.access_recipient(_user(request), notice, write=True)
        data = _valid(ReceiptSerializer, request.data)
        services.receipt_submit(
            actor=_user(request),
            recipient=row,
            answers=data["answers"],
            note=data["note"],
            file=data.get("file"),
        )
        return self._answer(notice)

    @extend_schema(request=UrgeSerializer, responses={200: NoticeSerializer})
    @action(detail=True, methods=["post"])
    def urge(self, request: Request, pk: str) -> Response:
        notice = self._notice()
        if not access.is_office(_user(request)):
            raise PermissionDenied("只有依法治办可以催办。")
        data = _valid(UrgeSerializer, request.data)
        if data.get("org"):
            row = NoticeRecipient.objects.filter(notice=notice, org_id=data["org"]).first()
            if row is None:
                raise serializers.ValidationError({"org": "该单位不是本通知的接收单位。"})
            services.recipient_urge(actor=_user(request), recipient=row)
        else:
            services.notice_urge_outstanding(actor=_user(request), notice=notice)
        return self._answer(notice)


class NumberSerializer(serializers.ModelSerializer):
    prefix = serializers.CharField(source="series.prefix", read_only=True)
    year = serializers.IntegerField(source="series.year", read_only=True)
    taken_by = serializers.CharField(
        source="taken_by.username", default=None, read_only=True, allow_null=True
    )

    class Meta:
        model = DocumentNumber
        fields = [
            "id",
            "text",
            "prefix",
            "year",
            "number",
            "status",
            "purpose",
            "target_type",
            "target_id",
            "target_repr",
            "taken_by",
            "taken_at",
            "voided_at",
            "void_reason",
        ]
        read_only_fields = fields


class ReserveSerializer(serializers.Serializer):
    prefix = serializers.CharField(required=False, allow_blank=True, default="", max_length=32)
    year = serializers.IntegerField(required=False, allow_null=True, min_value=2000, max_value=2100)
    purpose = serializers.CharField(
        max_length=200, error_messages={"required": "请说明取号用途。", "blank": "请说明取号用途。"}
    )


class VoidSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=300,
        error_messages={"required": "作废文号必须说明原因。", "blank": "作废文号必须说明原因。"},
    )


class UseSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=255,
        error_messages={"required": "请填写使用该文号的文件名称。", "blank": "请填写使用该文号的文件名称。"},
    )


class NumberViewSet(viewsets.GenericViewSet):
    serializer_class = NumberSerializer

    def _office(self) -> None:
        if not access.is_office(_user(self.request)):
            raise PermissionDenied("只有依法治办可以管理发文字号。")

    def list(self, request: Request) -> Response:
        self._office()
        params = request.query_params
        state = params.get("status", "")
        qs = selectors.number_register(
            prefix=params.get("prefix", "")[:32],
            year=_pk(params.get("year", "")) or None,
            status=state if state in NumberStatus.values else "",
        ).order_by("series__year", "series__prefix", "number")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(NumberSerializer(page, many=True).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        self._office()
        return Response(NumberSerializer(access.access_number(_user(request), _pk(pk))).data)

    @extend_schema(request=ReserveSerializer, responses={201: NumberSerializer})
    def create(self, request: Request) -> Response:
        self._office()
        data = _valid(ReserveSerializer, request.data)
        number = numbers.number_reserve(
            actor=_user(request), purpose=data["purpose"], prefix=data["prefix"], year=data.get("year")
        )
        return Response(NumberSerializer(number).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=VoidSerializer, responses={200: NumberSerializer})
    @action(detail=True, methods=["post"])
    def void(self, request: Request, pk: str) -> Response:
        self._office()
        number = access.access_number(_user(request), _pk(pk))
        data = _valid(VoidSerializer, request.data)
        return Response(
            NumberSerializer(
                numbers.number_void(actor=_user(request), number=number, reason=data["reason"])
            ).data
        )

    @extend_schema(request=UseSerializer, responses={200: NumberSerializer})
    @action(detail=True, methods=["post"])
    def use(self, request: Request, pk: str) -> Response:
        self._office()
        number = access.access_number(_user(request), _pk(pk))
        data = _valid(UseSerializer, request.data)
        return Response(
            NumberSerializer(numbers.number_use(actor=_user(request), number=number, note=data["note"])).data
        )


class ContactSerializer(serializers.ModelSerializer):
    org_name = serializers.CharField(source="org.name", read_only=True)
    phone = serializers.SerializerMethodField()
    email = serializers.SerializerMethodField()
    masked = serializers.SerializerMethodField()

    class Meta:
        model = Contact
        fields = [
            "id",
            "org",
            "org_name",
            "module",
            "name",
            "position",
            "phone",
            "email",
            "user",
            "masked",
            "updated_at",
        ]
        read_only_fields = fields

    def _full(self, obj: Contact) -> bool:
        return access.sees_contact_details(self.context["user"], obj)

    def get_phone(self, obj: Contact) -> str:
        return obj.phone if self._full(obj) else mask_phone(obj.phone)

    def get_email(self, obj: Contact) -> str:
        return obj.email if self._full(obj) else mask_email(obj.email)

    def get_masked(self, obj: Contact) -> bool:
        return not self._full(obj)


class ContactWriteSerializer(serializers.Serializer):
    org = serializers.PrimaryKeyRelatedField(
        queryset=Org.objects.filter(active=True),
        required=False,
        error_messages={"does_not_exist": "单位不存在。"},
    )
    module = serializers.ChoiceField(choices=Module.choices, required=False, default=Module.GENERAL)
    name = serializers.CharField(max_length=50, required=False)
    position = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    email = serializers.CharField(max_length=254, required=False, allow_blank=True, default="")
    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True, default=None
    )


class ContactViewSet(viewsets.GenericViewSet):
    serializer_class = ContactSerializer

    def _answer(self, contact: Contact, code: int = status.HTTP_200_OK) -> Response:
        return Response(ContactSerializer(contact, context={"user": _user(self.request)}).data, status=code)

    def list(self, request: Request) -> Response:
        user = _user(request)
        if not access.can_use_notices(user):
            raise PermissionDenied("没有权限查看联络员名录。")
        qs = selectors.contacts().order_by("org__path", "module", "name", "pk")
        org = request.query_params.get("org", "")
        if org.isdigit():
            qs = qs.filter(org_id=int(org))
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(ContactSerializer(page, many=True, context={"user": user}).data)

    def retrieve(self, request: Request, pk: str) -> Response:
        return self._answer(access.access_contact(_user(request), _pk(pk)))

    @extend_schema(request=ContactWriteSerializer, responses={201: ContactSerializer})
    def create(self, request: Request) -> Response:
        user = _user(request)
        if not access.can_use_notices(user):
            raise PermissionDenied("没有权限维护联络员。")
        data = _valid(ContactWriteSerializer, request.data)
        org = data.get("org") or user.org
        if org is None or not access.can_edit_contacts_of(user, org.pk):
            raise PermissionDenied("联络员由各单位自行维护，不能为其他单位添加联络员。")
        return self._answer(services.contact_create(actor=user, org=org, data=data), status.HTTP_201_CREATED)

    @extend_schema(request=ContactWriteSerializer, responses={200: ContactSerializer})
    def partial_update(self, request: Request, pk: str) -> Response:
        contact = access.access_contact(_user(request), _pk(pk), write=True)
        current = {f: getattr(contact, f) for f in ("module", "name", "position", "phone", "email", "user")}
        data = {**current, **_valid(ContactWriteSerializer, request.data, partial=True)}
        data.pop("org", None)
        return self._answer(services.contact_update(actor=_user(request), contact=contact, data=data))

    def destroy(self, request: Request, pk: str) -> Response:
        contact = access.access_contact(_user(request), _pk(pk), write=True)
        services.contact_delete(actor=_user(request), contact=contact)
        return Response(status=status.HTTP_204_NO_CONTENT)


def register(router: Any) -> None:
    router.register("notices/numbers", NumberViewSet, basename="notices-number")
    router.register("notices/contacts", ContactViewSet, basename="notices-contact")
    router.register("notices", NoticeViewSet, basename="notice")
