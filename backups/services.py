"""Backup and restore of the whole system: every table, every stored file, a manifest.

The database is dumped model by model as Django JSON Lines, portable between
SQLite and PostgreSQL: primary keys are kept, and only content types and
permissions (whose ids differ between databases) are written by natural key.
Restoring inserts rows with raw INSERTs (no save() logic, no signals, no
auto_now rewrites) so every row comes back as it was; the audit log is only ever
appended to, never updated, which its append-only triggers require.

The archive is signed with the audit key (FAZHI_AUDIT_KEY or audit.key, never
in the archive): restoring needs the same key, and refuses an archive whose
signature is missing or fails before anything is touched. Credentials stay out
of backups: API tokens are not written at all (their owners create new ones),
and TOTP secrets are blanked with TOTP switched off, so users who had it on
enrol again after a restore (the three admins are sent to enrolment at their
next log-in when the security policy requires it).
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.cache import cache
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers import jsonl
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connections, models, transaction
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from audit import anchors
from audit.models import AuditEntry, AuditHead
from audit.services import (
    anchor_file,
    anchor_lines_up_to,
    anchors_merge,
    audit_key,
    audit_record,
    audit_verify,
)
from backups.archive import (
    FORMAT,
    FORMAT_VERSION,
    ArchiveError,
    ArchiveWriter,
    archive_format,
    extract_verified,
)

Progress = Callable[[str], None]
# Credentials that never go into a backup: API tokens (DRF's old table and
# accounts.ApiToken's hashes). Their tables are emptied on restore.
SECRET_MODELS = {"authtoken.token", "accounts.apitoken"}
# Kept by the database's triggers from other rows (the score totals): never
# written to a backup, emptied before a restore, rebuilt as the rows go in.
DERIVED_MODELS = {"assessments.targettotal"}
EXCLUDED = {
    "contenttypes.contenttype",
    "auth.permission",
    "sessions.session",
    *SECRET_MODELS,
    *DERIVED_MODELS,
}
# Fields written with a blank value instead of the secret (and what goes with it).
REDACTED = {"accounts.user": {"totp_secret": "", "totp_enabled": False}}
ANCHORS_MEMBER = "audit/audit-anchor.log"
NATURAL_KEY_MODELS = (ContentType, Permission)
BATCH_VARIABLES = 900  # stays under SQLite's historic limit of 999 bound variables


class BackupError(ValueError):
    """A backup or restore that cannot go ahead; `str(exc)` is a Chinese message."""


def _quiet(message: str) -> None:
    pass


def app_version() -> str:
    try:
        from importlib.metadata import version

        return version("fazhi")
    except Exception:
        return "unknown"


def backup_models() -> list[type[models.Model]]:
    """Every model whose rows belong in a backup (sessions and per-database ids left out)."""
    return [
        m
        for m in apps.get_models()
        if m._meta.managed
        and not m._meta.proxy
        and not m._meta.swapped
        and m._meta.label_lower not in EXCLUDED
    ]


class ExactJSONEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts datetimes to milliseconds; a backup keeps microseconds
    (the audit chain hashes created_at to the microsecond)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, (datetime.datetime, datetime.time)):
            return o.isoformat()
        return super().default(o)


class PortableSerializer(jsonl.Serializer):
    """Natural keys only for content types and permissions; plain primary keys elsewhere."""

    def handle_fk_field(self, obj: Any, field: Any) -> None:
        self.use_natural_foreign_keys = issubclass(field.remote_field.model, NATURAL_KEY_MODELS)
        super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj: Any, field: Any) -> None:
        self.use_natural_foreign_keys = issubclass(field.remote_field.model, NATURAL_KEY_MODELS)
        super().handle_m2m_field(obj, field)


def migration_state(using: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    state: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connections[using]).applied_migrations()):
        state.setdefault(app_label, []).append(name)
    return state


def storage_files(storage: Any = None, path: str = "") -> Iterator[str]:
    """Every stored file's name, walking the storage (local disk or S3 alike)."""
    storage = storage or default_storage
    try:
        dirs, files = storage.listdir(path)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{path}/{name}" if path else name
    for name in sorted(dirs):
        yield from storage_files(storage, f"{path}/{name}" if path else name)


def _check_output(target: Path) -> None:
    try:
        archive_format(target)
    except ArchiveError as exc:
        raise BackupError(str(exc)) from None
    if target.is_dir():
        raise BackupError(f"{target} 是一个目录，请给出备份文件名（例如 {target / 'fazhi-backup.tar.gz'}）。")
    if target.exists():
        raise BackupError(f"文件已存在：{target}（为避免覆盖，请换一个文件名）。")
    if not target.parent.is_dir():
        raise BackupError(f"目录不存在：{target.parent}")
    if not os.access(target.parent, os.W_OK):
        raise BackupError(f"没有写入目录 {target.parent} 的权限。")
    media_root = Path(getattr(default_storage, "location", "") or "/nonexistent").resolve()
    if target.resolve().is_relative_to(media_root):
        raise BackupError(f"备份文件不能放在文件存储目录 {media_root} 之内（否则会把自己备份进去）。")


def backup_create(*, path: str | os.PathLike[str], progress: Progress = _quiet) -> dict[str, Any]:
    """Write the archive at `path` (.tar.gz or .zip), signed with the audit key;
    returns the summary (the manifest without members)."""
    target = Path(path)
    _check_output(target)
    try:
        writer = ArchiveWriter(target)
    except OSError as exc:
        raise BackupError(
            f"无法在 {target.parent} 中写入备份文件（{exc.strerror or type(exc).__name__}）。"
        ) from None
    audit_record(actor=None, action="backups.backup.created", data={"file": target.name})
    try:
        model_counts: dict[str, int] = {}
        connection = connections[DEFAULT_DB_ALIAS]
        outermost = not connection.in_atomic_block
        with tempfile.TemporaryDirectory() as tmp, transaction.atomic():
            # One consistent snapshot of every table (SQLite's transaction already is one).
            if connection.vendor == "postgresql" and outermost:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            tables = set(connection.introspection.table_names())
            for model in backup_models():
                label = model._meta.label_lower
                if model._meta.db_table not in tables:
                    progress(f"注意：数据表 {label} 尚未创建（缺少迁移？），已跳过")
                    continue
                count = _dump_model(model, Path(tmp) / f"{label}.jsonl")
                writer.add_file(f"db/{label}.jsonl", Path(tmp) / f"{label}.jsonl")
                model_counts[label] = count
                progress(f"数据表 {label}：{count} 条")
            head = AuditHead.objects.filter(pk=1).values("seq", "hash").first() or {"seq": 0, "hash": ""}
            migrations = migration_state()
            totp_users = _totp_users()
        # The anchors of this snapshot's head travel with it (signed like the rest).
        anchor_data = "".join(line + "\n" for line in anchor_lines_up_to(head["seq"])).encode("ascii")
        writer.add_stream(ANCHORS_MEMBER, io.BytesIO(anchor_data), len(anchor_data))
        file_count = file_bytes = 0
        for name in storage_files():
            size = default_storage.size(name)
            with default_storage.open(name, "rb") as fh:
                writer.add_stream(f"files/{name}", fh, size)  # type: ignore[arg-type]
            file_count += 1
            file_bytes += size
            if file_count % 100 == 0:
                progress(f"文件：已写入 {file_count} 个")
        progress(f"文件：共 {file_count} 个")
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "app_version": app_version(),
            "created_at": timezone.now().isoformat(),
            "database_vendor": connection.vendor,
            "migrations": migrations,
            "models": model_counts,
            "rows": sum(model_counts.values()),
            "files": file_count,
            "files_bytes": file_bytes,
            "audit": {
                "entries": model_counts.get("audit.auditentry", 0),
                "head_seq": head["seq"],
                "head_hash": head["hash"],
            },
            "left_out": {
                "models": sorted(SECRET_MODELS),
                "fields": {label: sorted(fields) for label, fields in REDACTED.items()},
                "totp_users": totp_users,
            },
        }
        writer.finish(manifest, key=audit_key())
    except BaseException:
        writer.abort()
        raise
    return {**manifest, "file": str(target), "size": target.stat().st_size}


def _totp_users() -> int:
    from accounts.models import User

    return User.objects.filter(totp_enabled=True).count()


def _auto_through_models(model: type[models.Model]) -> list[type[models.Model]]:
    """The implicit tables behind a model's plain ManyToManyFields (saved with the model)."""
    found = []
    for field in model._meta.local_many_to_many:
        through = cast("type[models.Model]", field.remote_field.through)
        if through._meta.auto_created:
            found.append(through)
    return found


def _dump_model(model: type[models.Model], path: Path) -> int:
    m2m = [
        f.name
        for f in model._meta.many_to_many
        if cast("type[models.Model]", f.remote_field.through)._meta.auto_created
    ]
    qs = model._base_manager.order_by("pk")
    if m2m:
        qs = qs.prefetch_related(*m2m)
    count = 0
    redacted = REDACTED.get(model._meta.label_lower, {})

    def counted() -> Iterator[models.Model]:
        nonlocal count
        for obj in qs.iterator(chunk_size=1000):
            count += 1
            for name, blank in redacted.items():
                setattr(obj, name, blank)
            yield obj

    with open(path, "w", encoding="utf-8") as fh:
        PortableSerializer().serialize(counted(), stream=fh, cls=ExactJSONEncoder)
    return count


def database_has_data(using: str = DEFAULT_DB_ALIAS) -> bool:
    """A database is in use once it has users, orgs or audit entries (migrations alone create none)."""
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    from accounts.models import User
    from orgs.models import Org

    return any(
        m._meta.db_table in tables and m._base_manager.using(using).exists() for m in (User, Org, AuditEntry)
    )


def _check_migrations(manifest: dict[str, Any], progress: Progress) -> None:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    unknown = [
        f"{app}.{name}"
        for app, names in (manifest.get("migrations") or {}).items()
        for name in names
        if (app, name) not in known
    ]
    if unknown:
        raise BackupError(
            f"备份来自较新版本的系统（包含本程序没有的数据库迁移 {unknown[0]} 等 {len(unknown)} 个），"
            "请先升级程序再恢复。"
        )
    backup_set = {(app, name) for app, names in (manifest.get("migrations") or {}).items() for name in names}
    newer = [
        f"{app}.{name}"
        for app, name in sorted(known - backup_set)
        if app in {c.label for c in apps.get_app_configs()}
    ]
    if newer:
        progress(f"注意：本程序比备份多 {len(newer)} 个数据库迁移（如 {newer[0]}），新增字段将取默认值。")


def backup_restore(
    *, path: str | os.PathLike[str], force: bool = False, progress: Progress = _quiet
) -> dict[str, Any]:
    """Verify the archive, migrate, then load every row and file.

    Refuses a database already in use unless `force` (which replaces its data;
    its audit log must then be a prefix of the backup's, since audit rows are
    never deleted). A refused restore changes nothing."""
    with tempfile.TemporaryDirectory(prefix="fazhi-restore-") as tmp:
        progress("校验备份文件签名与清单…")
        try:
            manifest = extract_verified(path, Path(tmp), key=audit_key())
        except ArchiveError as exc:
            raise BackupError(str(exc)) from None
        _check_migrations(manifest, progress)
        if not force and database_has_data():
            raise BackupError(
                "目标数据库已有数据（存在用户、单位或审计日志），为防止覆盖已拒绝恢复。"
                "请恢复到空的数据目录或空数据库；确需覆盖时使用 --force。"
            )
        progress("更新数据库结构（migrate）…")
        call_command("migrate", interactive=False, verbosity=0)
        plan = _audit_plan(Path(tmp), manifest)
        backup_anchors = _anchor_lines(Path(tmp))
        try:
            local_anchors = anchors.read_lines(anchor_file())
        except anchors.AnchorFileError as exc:
            raise BackupError(str(exc)) from None
        added_files = _restore_files(Path(tmp), manifest, progress)
        try:
            counts = _load_database(Path(tmp), manifest, plan, progress, local_anchors + backup_anchors)
        except (DatabaseError, IntegrityError, ValueError, serializers.base.DeserializationError) as exc:
            for name in added_files:
                default_storage.delete(name)
            raise BackupError(f"写入数据库失败，已全部撤销：{exc}") from None
    cache.clear()
    try:
        anchors_merge(backup_anchors)
    except anchors.AnchorFileError as exc:
        progress(f"注意：备份中的审计锚点未能写入锚点文件：{exc}")
    audit_record(
        actor=None,
        action="backups.backup.restored",
        data={
            "file": Path(path).name,
            "created_at": manifest.get("created_at"),
            "rows": sum(counts.values()),
            "files": manifest.get("files", 0),
        },
    )
    return {
        "ok": True,
        "file": str(path),
        "totp_reenrol": (manifest.get("left_out") or {}).get("totp_users", 0),
        "backup_created_at": manifest.get("created_at"),
        "app_version": manifest.get("app_version"),
        "models": counts,
        "rows": sum(counts.values()),
        "files": manifest.get("files", 0),
        "audit": {"entries": AuditEntry.objects.count(), "verified": True},
    }


def _audit_plan(tmp: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """Which audit rows to insert. Existing rows (with --force) must match the backup's
    chain exactly, because the log refuses UPDATE and DELETE."""
    existing = dict(AuditEntry.objects.values_list("seq", "hash"))
    if not existing:
        return {"skip": set(), "keep_pk": True}
    backup: dict[int, str] = {}
    member = tmp / "db" / "audit.auditentry.jsonl"
    if member.exists():
        with open(member, encoding="utf-8") as fh:
            for line in fh:
                if line.strip():
                    fields = json.loads(line)["fields"]
                    backup[fields["seq"]] = fields["hash"]
    for seq in sorted(existing):
        if backup.get(seq) != existing[seq]:
            raise BackupError(
                f"目标数据库的审计日志与备份不一致（第 {seq} 条不同或备份中没有）。审计日志只能追加、"
                "不能删除或修改，因此不能在此数据库上恢复该备份，请恢复到空的数据目录。"
            )
    return {"skip": set(existing), "keep_pk": False}


def _restore_files(tmp: Path, manifest: dict[str, Any], progress: Progress) -> list[str]:
    added: list[str] = []
    names = sorted(n for n in manifest.get("members", {}) if n.startswith("files/"))
    for i, member in enumerate(names, start=1):
        name = member[len("files/") :]
        source = tmp / member
        if default_storage.exists(name):
            if _storage_sha256(name) == manifest["members"][member]["sha256"]:
                continue
            default_storage.delete(name)
        with open(source, "rb") as fh:
            saved = default_storage.save(name, File(fh, name=name))
        if saved != name:
            default_storage.delete(saved)
            raise BackupError(f"无法按原名称写入文件 {name}。")
        added.append(name)
        if i % 100 == 0:
            progress(f"文件：已恢复 {i}/{len(names)} 个")
    progress(f"文件：共恢复 {len(names)} 个")
    return added


def _storage_sha256(name: str) -> str:
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as fh:
        for chunk in iter(lambda: fh.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _anchor_lines(tmp: Path) -> list[str]:
    member = tmp / ANCHORS_MEMBER
    if not member.exists():
        return []
    return member.read_text(encoding="ascii", errors="replace").splitlines()


@transaction.atomic
def _load_database(
    tmp: Path, manifest: dict[str, Any], plan: dict[str, Any], progress: Progress, anchor_lines: list[str]
) -> dict[str, int]:
    connection = connections[DEFAULT_DB_ALIAS]
    by_label = {m._meta.label_lower: m for m in backup_models()}
    labels = [label for label in manifest.get("models", {}) if label in by_label]
    restored_models = [by_label[label] for label in labels]
    through = [t for m in restored_models for t in _auto_through_models(m)]
    tables = [m._meta.db_table for m in restored_models + through if m is not AuditEntry]
    existing = set(connection.introspection.table_names())
    # Credentials of the replaced data die with it (a backup never carries them);
    # derived rows are rebuilt by the triggers as the rows they derive from go in.
    tables += [
        m._meta.db_table
        for m in apps.get_models()
        if m._meta.label_lower in SECRET_MODELS | DERIVED_MODELS and m._meta.db_table in existing
    ]
    connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables))
    counts: dict[str, int] = {}
    for label in labels:
        model = by_label[label]
        path = tmp / "db" / f"{label}.jsonl"
        counts[label] = _load_model(model, path, plan if model is AuditEntry else None)
        progress(f"数据表 {label}：{counts[label]} 条")
    for label in labels:
        actual = by_label[label]._base_manager.count()
        expected = manifest["models"][label]
        if (actual < expected) if by_label[label] is AuditEntry else (actual != expected):
            raise ValueError(f"{label} 恢复后为 {actual} 条，备份中为 {expected} 条")
    sequences = connection.ops.sequence_reset_sql(no_style(), restored_models + through)
    if sequences:
        with connection.cursor() as cursor:
            for sql in sequences:
                cursor.execute(sql)
    connection.check_constraints()
    # Still inside the transaction: a log that does not verify (hashes, HMACs
    # under this key, the anchors of both sides) is rolled back with the rest.
    broken = audit_verify(anchor_lines=anchor_lines)
    if broken is not None:
        raise ValueError(f"恢复后审计日志校验失败：{broken.reason}")
    return counts


def _load_model(model: type[models.Model], path: Path, audit_plan: dict[str, Any] | None) -> int:
    if not path.exists():
        return 0
    fields = [f for f in model._meta.local_concrete_fields if not getattr(f, "generated", False)]
    if audit_plan is not None and not audit_plan["keep_pk"]:
        fields = [f for f in fields if not f.primary_key]
    batch_size = max(1, BATCH_VARIABLES // max(1, len(fields)))
    batch: list[models.Model] = []
    m2m_rows: dict[Any, list[models.Model]] = {}
    count = 0
    with open(path, encoding="utf-8") as fh:
        for item in serializers.deserialize("jsonl", fh, ignorenonexistent=True):
            obj = item.object
            if audit_plan is not None and obj.seq in audit_plan["skip"]:  # type: ignore[attr-defined]
                continue
            batch.append(obj)
            for name, values in (item.m2m_data or {}).items():
                field = model._meta.get_field(name)
                through = field.remote_field.through  # type: ignore[union-attr]
                source = field.m2m_field_name()  # type: ignore[union-attr]
                target = field.m2m_reverse_field_name()  # type: ignore[union-attr]
                m2m_rows.setdefault(through, []).extend(
                    through(**{f"{source}_id": obj.pk, f"{target}_id": value}) for value in values
                )
            if len(batch) >= batch_size:
                _insert(model, batch, fields)
                count += len(batch)
                batch = []
    if batch:
        _insert(model, batch, fields)
        count += len(batch)
    for through, rows in m2m_rows.items():
        through_fields = [f for f in through._meta.local_concrete_fields if not f.primary_key]
        size = max(1, BATCH_VARIABLES // len(through_fields))
        for start in range(0, len(rows), size):
            _insert(through, rows[start : start + size], through_fields)
    return count


def _insert(model: type[models.Model], objs: list[models.Model], fields: list[Any]) -> None:
    # The raw INSERT that Model.save_base(raw=True) issues, for a batch: no pre_save
    # (auto_now fields keep their stored values), no UPDATE attempt, no signals.
    model._base_manager._insert(objs, fields=fields, using=DEFAULT_DB_ALIAS, raw=True)  # type: ignore[attr-defined]


def backup_digest() -> dict[str, Any]:
    """What a backup would carry, as one SHA-256 per table and per stored file.

    Rows are serialised as in a backup (secrets left out) and each line's JSON is
    re-written with sorted keys, so the digest is the same on SQLite and PostgreSQL
    (jsonb keeps keys in its own order). Compare the digest before a backup with the
    digest after its restore, on either engine: equal digests, equal data."""
    tables: dict[str, dict[str, Any]] = {}
    existing = set(connections[DEFAULT_DB_ALIAS].introspection.table_names())
    with tempfile.TemporaryDirectory() as tmp, transaction.atomic():
        for model in backup_models():
            label = model._meta.label_lower
            if model._meta.db_table not in existing:
                continue
            path = Path(tmp) / f"{label}.jsonl"
            count = _dump_model(model, path)
            digest = hashlib.sha256()
            with open(path, encoding="utf-8") as fh:
                for line in fh:
                    canonical = json.dumps(json.loads(line), sort_keys=True, ensure_ascii=False)
                    digest.update(canonical.encode("utf-8") + b"\n")
            tables[label] = {"rows": count, "sha256": digest.hexdigest()}
    files = {name: _storage_sha256(name) for name in storage_files()}
    return {"tables": tables, "files": files}


BACKUP_NAME_PREFIX = "fazhi-"
BACKUP_NAME_SUFFIX = ".tar.gz"


def backup_scheduled(
    *, directory: str | os.PathLike[str], keep: int, progress: Progress = _quiet
) -> dict[str, Any]:
    """One backup named by the time into `directory`, then keep only the newest `keep`
    scheduled backups there (files named fazhi-YYYYMMDD-HHMMSS.tar.gz; nothing else is
    ever deleted). Run daily by deploy/fazhi-backup.timer."""
    if keep < 1:
        raise BackupError("--keep 至少为 1（保留的备份份数）。")
    folder = Path(directory)
    if not folder.is_dir():
        raise BackupError(f"目录不存在：{folder}")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    summary = backup_create(
        path=folder / f"{BACKUP_NAME_PREFIX}{stamp}{BACKUP_NAME_SUFFIX}", progress=progress
    )
    scheduled = sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and p.name.startswith(BACKUP_NAME_PREFIX)
        and p.name.endswith(BACKUP_NAME_SUFFIX)
        and len(p.name) == len(f"{BACKUP_NAME_PREFIX}{stamp}{BACKUP_NAME_SUFFIX}")
    )
    removed = []
    for old in scheduled[: max(0, len(scheduled) - keep)]:
        old.unlink()
        removed.append(old.name)
        progress(f"已按保留份数删除旧备份：{old.name}")
    if removed:
        audit_record(actor=None, action="backups.backup.pruned", data={"removed": removed, "keep": keep})
    return {**summary, "removed": removed, "kept": [p.name for p in scheduled if p.name not in removed]}
