from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = "通知公告、发文字号与提醒"

    def ready(self) -> None:
        from notices import todos

        todos.register()
        _register_attachment_rules()


def _register_attachment_rules() -> None:
    """A notice's files are readable by its recipient units; the files of a sent
    notice and of a 回执 handed in stay as they were sent."""
    from attachments import access as attachment_access
    from attachments import services as attachment_services

    def recipient_may_read(user, attachment) -> bool:
        from notices.models import Notice, NoticeStatus

        return bool(
            user.org_id
            and Notice.objects.filter(
                status=NoticeStatus.SENT, attachments=attachment, recipients__org_id=user.org_id
            ).exists()
        )

    def in_use(attachment) -> str | None:
        from notices.models import Notice, NoticeRecipient, NoticeStatus

        if Notice.objects.filter(status=NoticeStatus.SENT, attachments=attachment).exists():
            return "是已发出通知的附件"
        if NoticeRecipient.objects.filter(receipt_file=attachment).exists():
            return "是已报送的回执"
        return None

    attachment_access.register_grant(recipient_may_read)
    attachment_services.register_in_use(in_use)
