"""Reminders that reach people: every module's deadlines, by e-mail and SMS, each once.

Each app declares its deadlines in a `reminders.py` of its own with

    def deadlines(today: datetime.date) -> Iterable[Deadline]: ...

yielding only what is still open (a self-assessment not submitted, a 回执 not
handed in …) and due within the reminder window. `reminders_send()` (run by
`fazhi reminders send`, by `fazhi reminders run` every few minutes beside the
task worker, and as a task after a notice or a 催办 goes out):

1. plans: for each deadline the latest reminder day that has come — N days
   before it (settings.REMINDER_DAYS, or the deadline's own), the day it is due
   (0), or the day after it passed (-1) — and for each of the unit's 联络员 (or,
   without any, its users) and each channel that person takes (个人设置 → 提醒方式)
   and has an address for, one `Reminder` row. The row is unique per (source,
   kind, offset, channel, address): planning again never makes a second one.
   People without an address or who turned a channel off are counted as skipped.
2. sends every pending row that is due, each claimed first (a conditional
   UPDATE), so two runs at once never send the same row. A failure (SMTP server
   unreachable, gateway refusal) leaves the row pending with its error and one
   more attempt; the next run retries it, up to MAX_ATTEMPTS, then it is marked
   failed. Failures are listed for the office (/notices/reminders/).
3. records the run in the audit log (counts and the rows sent or failed).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from audit.services import audit_record
from notices import selectors, sms
from notices.models import Channel, Reminder, ReminderStatus

logger = logging.getLogger("fazhi.reminders")

MAX_ATTEMPTS = 12
STALE_DAYS = 7  # a reminder day further back than this is not sent any more (the system was off)
CLAIM_MINUTES = 10
OVERDUE = -1
# Reminders that go out at once (not planned from a deadline): a new notice, a 催办.
IMMEDIATE_KINDS = ("notices.sent", "notices.urge")


@dataclass(frozen=True)
class Deadline:
    """Something a unit must do by `due`. `source` names the object and step
    ("provincial.tasks:12:2024-01-15"); it must not change while the deadline stands."""

    source: str
    kind: str
    title: str
    due: datetime.date
    org_ids: tuple[int, ...]
    module: str
    url: str = ""
    days_before: tuple[int, ...] | None = None


DeadlineSource = Callable[[datetime.date], Iterable[Deadline]]


def sources() -> list[tuple[str, DeadlineSource]]:
    """Every installed app's `reminders.deadlines`, in INSTALLED_APPS order."""
    found = []
    for config in apps.get_app_configs():
        try:
            module = import_module(f"{config.name}.reminders")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.reminders":
                raise
            continue
        fn = getattr(module, "deadlines", None)
        if callable(fn):
            found.append((config.name, fn))
    return found


def window_days() -> int:
    """How far ahead sources need to look."""
    return max([*settings.REMINDER_DAYS, 0]) + 1


def send_day(due: datetime.date, offset: int) -> datetime.date:
    return due + datetime.timedelta(days=1) if offset == OVERDUE else due - datetime.timedelta(days=offset)


def current_offset(deadline: Deadline, today: datetime.date) -> int | None:
    """The reminder day of `deadline` that applies today: the latest one that has
    come, unless it is more than STALE_DAYS back (then none)."""
    offsets = [
        *(deadline.days_before if deadline.days_before is not None else settings.REMINDER_DAYS),
        OVERDUE,
    ]
    days = sorted(((send_day(deadline.due, o), o) for o in set(offsets)), reverse=True)
    for day, offset in days:
        if day <= today:
            return offset if (today - day).days <= STALE_DAYS else None
    return None


def when_text(due: datetime.date | None, today: datetime.date) -> str:
    if due is None:
        return ""
    days = (due - today).days
    if days > 0:
        return f"将于 {due:%Y-%m-%d} 截止（还有 {days} 天）"
    if days == 0:
        return f"今天（{due:%Y-%m-%d}）截止"
    return f"已于 {due:%Y-%m-%d} 截止，逾期 {-days} 天"


def _link(url: str) -> str:
    base = str(settings.SITE_URL).rstrip("/")
    return f"{base}{url}" if base and url.startswith("/") else url


def mail_text(name: str, title: str, when: str, url: str) -> str:
    lines = [f"{name}：", "", f"{title}{('，' + when) if when else ''}。", ""]
    if url:
        lines.append(f"请登录系统办理：{_link(url)}")
    lines += ["", "（本邮件由法治建设考评与绩效管理平台自动发送，请勿直接回复。）"]
    return "\n".join(lines)


def sms_text(title: str, when: str) -> str:
    return f"【依法治市办】{title}{('，' + when) if when else ''}，请及时登录系统办理。"


@dataclass
class RunReport:
    sent: int = 0
    by_channel: dict[str, int] = field(default_factory=lambda: {c.value: 0 for c in Channel})
    skipped: int = 0
    failed: int = 0
    pending: int = 0
    planned: int = 0
    cancelled: int = 0
    errors: list[str] = field(default_factory=list)
    sent_ids: list[int] = field(default_factory=list)
    failed_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "by_channel": dict(self.by_channel),
            "skipped": self.skipped,
            "failed": self.failed,
            "pending": self.pending,
            "planned": self.planned,
        }


def _channels(person: selectors.Recipient) -> list[tuple[str, str]]:
    """(channel, address) this person takes reminders on."""
    pref = getattr(person.user, "reminder_preference", None) if person.user is not None else None
    wanted = []
    if pref is None or pref.email:
        wanted.append((Channel.EMAIL.value, person.email.strip()))
    if pref is None or pref.sms:
        wanted.append((Channel.SMS.value, person.phone.strip()))
    return wanted


def _plan_rows(
    *,
    source: str,
    kind: str,
    offset: int,
    org_ids: Iterable[int],
    module: str,
    subject: str,
    when: str,
    url: str,
    due: datetime.date | None,
    today: datetime.date,
    people: dict[int, list[selectors.Recipient]],
    report: RunReport,
) -> None:
    for org_id in org_ids:
        found = people.get(org_id, [])
        if not found:
            report.skipped += 1
            continue
        for person in found:
            for channel, address in _channels(person):
                if not address:
                    report.skipped += 1
                    continue
                text = (
                    mail_text(person.name, subject, when, url)
                    if channel == Channel.EMAIL
                    else sms_text(subject, when)
                )
                try:
                    with transaction.atomic():
                        _, created = Reminder.objects.get_or_create(
                            source=source,
                            kind=kind,
                            offset=offset,
                            channel=channel,
                            address=address,
                            defaults={
                                "org_id": org_id,
                                "contact": person.contact,
                                "recipient_name": person.name[:100],
                                "subject": subject[:200],
                                "text": text,
                                "url": url[:300],
                                "due_on": due,
                                "send_on": today,
                            },
                        )
                except IntegrityError:  # planned by a concurrent run
                    created = False
                report.planned += int(created)


def plan(today: datetime.date, report: RunReport) -> dict[tuple[str, str], int | None]:
    """Create the reminder rows due today; returns every open deadline's (source, kind)
    with the reminder day that applies today (None: none yet, or too long ago)."""
    deadlines: list[tuple[Deadline, int]] = []
    open_keys: dict[tuple[str, str], int | None] = {}
    for name, fn in sources():
        try:
            found = list(fn(today))
        except Exception as exc:  # one module's bug must not stop every other reminder
            logger.exception("deadline source %s failed", name)
            report.errors.append(f"{name}：{type(exc).__name__}: {exc}")
            continue
        for deadline in found:
            offset = current_offset(deadline, today)
            open_keys[(deadline.source, deadline.kind)] = offset
            if offset is not None:
                deadlines.append((deadline, offset))
    by_module: dict[str, set[int]] = {}
    for deadline, _ in deadlines:
        by_module.setdefault(deadline.module, set()).update(deadline.org_ids)
    people = {module: selectors.reachable_people(orgs, module) for module, orgs in by_module.items()}
    for deadline, offset in deadlines:
        _plan_rows(
            source=deadline.source,
            kind=deadline.kind,
            offset=offset,
            org_ids=deadline.org_ids,
            module=deadline.module,
            subject=deadline.title,
            when=when_text(deadline.due, today),
            url=deadline.url,
            due=deadline.due,
            today=today,
            people=people[deadline.module],
            report=report,
        )
    return open_keys


def queue_immediate(
    *,
    source: str,
    kind: str,
    offset: int,
    org_ids: Iterable[int],
    module: str,
    subject: str,
    url: str,
    due: datetime.date | None = None,
) -> int:
    """Plan reminders that go out at once (a new notice, a 催办); they are sent by
    the next run, which is started as a task once the caller's transaction commits."""
    report = RunReport()
    today = timezone.localdate()
    org_ids = list(org_ids)
    _plan_rows(
        source=source,
        kind=kind,
        offset=offset,
        org_ids=org_ids,
        module=module,
        subject=subject,
        when=when_text(due, today) if due else "",
        url=url,
        due=due,
        today=today,
        people=selectors.reachable_people(set(org_ids), module),
        report=report,
    )
    transaction.on_commit(enqueue_send)
    return report.planned


def enqueue_send() -> None:
    from notices.tasks import send_due_reminders

    try:
        send_due_reminders.enqueue()
    except Exception:  # the queue is down: `fazhi reminders send` (or the next run) sends them
        logger.exception("could not enqueue the reminder run")


def _claim(reminder: Reminder, now: datetime.datetime) -> bool:
    stale = now - datetime.timedelta(minutes=CLAIM_MINUTES)
    return bool(
        Reminder.objects.filter(pk=reminder.pk, status=ReminderStatus.PENDING, sent_at__isnull=True)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale))
        .update(claimed_at=now)
    )


def _sent(reminder: Reminder, now: datetime.datetime) -> None:
    Reminder.objects.filter(pk=reminder.pk).update(
        status=ReminderStatus.SENT, sent_at=now, attempts=F("attempts") + 1, claimed_at=None, retry_after=None
    )


def backoff(attempts: int) -> datetime.timedelta:
    """5, 10, 20 … minutes after each failure, at most 6 hours (12 attempts span about a day)."""
    return datetime.timedelta(minutes=min(5 * 2 ** max(attempts - 1, 0), 360))


def _failed(reminder: Reminder, error: str, now: datetime.datetime) -> None:
    attempts = reminder.attempts + 1
    Reminder.objects.filter(pk=reminder.pk).update(
        status=ReminderStatus.FAILED if attempts >= MAX_ATTEMPTS else ReminderStatus.PENDING,
        attempts=attempts,
        last_error=error[:1000],
        claimed_at=None,
        retry_after=now + backoff(attempts),
    )


def _mail_error(exc: BaseException) -> str:
    host = f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}"
    if isinstance(exc, (ConnectionError, TimeoutError, OSError)) and not hasattr(exc, "smtp_code"):
        return f"邮件服务器 {host} 无法连接：{exc}"
    return f"邮件发送失败（{type(exc).__name__}）：{exc}"


class _Courier:
    """The run's one SMTP connection and SMS gateway: a connection that cannot be
    opened, or a gateway that does not answer, fails the rest of the run's mails
    (texts) at once with the same error."""

    def __init__(self) -> None:
        self.connection: Any = None
        self.connection_error = ""
        self.gateway_error = ""
        self.backend: Any = None

    def _open(self) -> Any:
        if self.connection_error:
            raise _Known(self.connection_error)
        if self.connection is None:
            self.connection = get_connection(fail_silently=False)
            try:
                self.connection.open()
            except Exception as exc:
                self.connection_error = _mail_error(exc)
                raise _Known(self.connection_error) from exc
        return self.connection

    def email(self, reminder: Reminder) -> None:
        message = EmailMessage(
            subject=f"【提醒】{reminder.subject}",
            body=reminder.text,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[reminder.address],
            headers={"X-Fazhi-Reminder": str(reminder.pk)},
            connection=self._open(),
        )
        try:
            message.send()
        except Exception as exc:
            raise _Known(_mail_error(exc)) from exc

    def text(self, reminder: Reminder) -> None:
        if self.gateway_error:
            raise _Known(self.gateway_error)
        self.backend = self.backend or sms.get_backend()
        try:
            self.backend.send(
                phone=reminder.address, text=reminder.text, message_id=f"reminder-{reminder.pk}"
            )
        except sms.SmsError as exc:
            if exc.unreachable:
                self.gateway_error = str(exc)
            raise _Known(str(exc)) from exc

    def close(self) -> None:
        if self.connection is not None and not self.connection_error:
            try:
                self.connection.close()
            except Exception:
                logger.warning("SMTP connection did not close cleanly", exc_info=True)


def deliver(due: list[Reminder], now: datetime.datetime, report: RunReport) -> None:
    """Send each claimed reminder; a connection that cannot be opened fails every
    e-mail of this run at once (each keeps the error and is retried next run)."""
    courier = _Courier()
    for reminder in due:
        if not _claim(reminder, now):
            continue
        try:
            if reminder.channel == Channel.EMAIL:
                courier.email(reminder)
            else:
                courier.text(reminder)
        except _Known as exc:
            _failed(reminder, str(exc), now)
            report.failed += 1
            report.failed_ids.append(reminder.pk)
            continue
        _sent(reminder, now)
        report.sent += 1
        report.by_channel[reminder.channel] = report.by_channel.get(reminder.channel, 0) + 1
        report.sent_ids.append(reminder.pk)
    courier.close()


class _Known(Exception):
    """A delivery failure with its message for the office."""


def reminders_send(
    *, now: datetime.datetime | None = None, actor: Any = None, retry_now: bool = True
) -> RunReport:
    """Plan what is due today, send every due reminder not yet sent, record the run.

    `retry_now=False` (the scheduled runs) leaves a failed reminder until its
    back-off has passed; a run by hand retries every unsent one at once."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    report = RunReport()
    open_keys = plan(today, report)
    # A waiting reminder whose deadline was met meanwhile (signed, submitted …), or
    # that a later reminder day has replaced, is not sent any more.
    stale = Reminder.objects.filter(status=ReminderStatus.PENDING).exclude(kind__in=IMMEDIATE_KINDS)
    for reminder in stale.only("pk", "source", "kind", "offset"):
        if open_keys.get((reminder.source, reminder.kind)) != reminder.offset:
            report.cancelled += Reminder.objects.filter(pk=reminder.pk, status=ReminderStatus.PENDING).update(
                status=ReminderStatus.CANCELLED, claimed_at=None
            )
    due_qs = Reminder.objects.filter(status=ReminderStatus.PENDING, send_on__lte=today)
    if not retry_now:
        due_qs = due_qs.filter(Q(retry_after__isnull=True) | Q(retry_after__lte=now))
    due = list(due_qs.order_by("pk"))
    deliver(due, now, report)
    report.pending = Reminder.objects.filter(status=ReminderStatus.PENDING, send_on__lte=today).count()
    if report.sent or report.failed or report.cancelled or report.errors:
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="notices.reminders.sent",
                actor_name="" if actor else "提醒任务",
                data={
                    **report.as_dict(),
                    "cancelled": report.cancelled,
                    "sent_ids": report.sent_ids[:500],
                    "failed_ids": report.failed_ids[:500],
                    "errors": report.errors[:20],
                },
            )
    return report
