"""Aggregate, rank and grade 2,850 targets × 100 indicators (285,000 approved
scores: every county-level unit of China) through the project's code
(assessments.results + assessments.scoring) against a raw SQL GROUP BY +
ORDER BY over the same table, in the same run.

The project reads the per-target totals that the database's triggers keep
(`TargetTotal`, migration 0010; the scores are inserted after the triggers
exist, so they are built as any write builds them) and sums the bonus
indicators' scores; what the triggers cost is measured too: re-approving one
indicator for every target (2 × 2,850 rows updated) with the triggers against
the same statements with them off, in the same run (`write_*`).

分类考评 is on: the targets fall into two classes (县区, 市直单位) graded on
折算百分制, and one indicator applies to only half of each class, so the
other half is rescaled (their own full marks are the class's less it).

One JSON line per database: SQLite always, PostgreSQL (database fazhi_bench,
recreated) when it answers on 127.0.0.1:5432. Each database runs in its own
child process because Django is configured once per process.
"""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

TARGETS = 2850
INDICATORS = 100
PARTIAL = 50  # the indicator that applies to half of the targets
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/fazhi_bench")


def _pg_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return True
    except OSError:
        return False


def _pg_recreate() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS fazhi_bench")
        conn.execute("CREATE DATABASE fazhi_bench")


def populate() -> int:
    """The campaign's data, inserted in bulk; returns the campaign pk."""
    from django.db import connection, transaction
    from django.utils import timezone

    from assessments.models import Campaign, Framework, Indicator, Score, Section, UnitClass
    from orgs.models import Org, OrgType

    rng = random.Random(2023)
    now = timezone.now()
    with transaction.atomic():
        root = Org(code="100000", name="全国", type=OrgType.CITY)
        root.path = root.compute_path()
        root.save()
        orgs = []
        for i in range(TARGETS):
            org = Org(
                code=f"{110101 + i:06d}",
                name=f"县级单位{i + 1:04d}",
                type=OrgType.COUNTY,
                parent=root,
                is_target=True,
                sort_order=i,
            )
            org.path = org.compute_path()
            orgs.append(org)
        Org.objects.bulk_create(orgs, batch_size=1000)
        framework = Framework.objects.create(
            year=2023, name="基准测试考评办法", status="locked", locked_at=now
        )
        sections = Section.objects.bulk_create(
            [
                Section(framework=framework, code=f"S{s + 1:02d}", name=f"板块{s + 1}", order=s)
                for s in range(10)
            ]
        )
        indicators = Indicator.objects.bulk_create(
            [
                Indicator(
                    section=sections[n // 10],
                    code=f"I{n + 1:03d}",
                    name=f"指标{n + 1}",
                    # 99 扣分制 indicators worth 100 in all, and one 加分 indicator
                    max_score=Decimal("5")
                    if n == INDICATORS - 1
                    else Decimal("1.01")
                    if n < 99
                    else Decimal(1),
                    method="bonus" if n == INDICATORS - 1 else "deduct",
                    bonus_cap=Decimal("5") if n == INDICATORS - 1 else None,
                    order=n,
                )
                for n in range(INDICATORS)
            ]
        )
        campaign = Campaign.objects.create(
            year=2023, name="基准测试考评", framework=framework, phase="review"
        )
        target_ids = list(Org.objects.filter(is_target=True).order_by("code").values_list("pk", flat=True))
        Campaign.targets.through.objects.bulk_create(
            [Campaign.targets.through(campaign_id=campaign.pk, org_id=pk) for pk in target_ids],
            batch_size=2000,
        )
        # two classes of the same full marks; PARTIAL applies to the even targets only
        full = sum((i.max_score for i in indicators if i.method != "bonus"), Decimal(0))
        half = len(target_ids) // 2
        for n, (name, members) in enumerate((("县区", target_ids[:half]), ("市直单位", target_ids[half:]))):
            unit_class = UnitClass.objects.create(campaign=campaign, name=name, full_marks=full, order=n)
            UnitClass.members.through.objects.bulk_create(
                [UnitClass.members.through(unitclass_id=unit_class.pk, org_id=pk) for pk in members],
                batch_size=2000,
            )
        partial = indicators[PARTIAL]
        applying = set(target_ids[::2])
        Indicator.applies_to.through.objects.bulk_create(
            [Indicator.applies_to.through(indicator_id=partial.pk, org_id=pk) for pk in sorted(applying)],
            batch_size=2000,
        )
        # every column of the score table, so fields added to the model later keep working
        template = Score(
            campaign=campaign, status="approved", approved_at=now, updated_at=now, entered_at=now
        )
        fields = [f for f in Score._meta.concrete_fields if not f.primary_key]
        varying = {"campaign_id": 0, "target_id": 1, "indicator_id": 2, "score": 3, "veto": 4}
        defaults = [f.get_db_prep_save(getattr(template, f.attname), connection) for f in fields]
        columns = ", ".join(connection.ops.quote_name(f.column or f.attname) for f in fields)
        slots = [varying.get(f.attname) for f in fields]
        rows = []
        for target_id in target_ids:
            veto = rng.random() < 0.002
            for ind in indicators:
                if ind.pk == partial.pk and target_id not in applying:
                    continue  # does not apply: no score, the target is rescaled
                if ind.method == "bonus":
                    points = Decimal(rng.choice((0, 0, 0, 1, 2, 3, 5)))
                else:
                    points = max(
                        Decimal(0), ind.max_score - Decimal(rng.choice((0, 0, 0, 0, 25, 50, 101))) / 100
                    )
                values = (campaign.pk, target_id, ind.pk, points, veto and ind.pk == indicators[0].pk)
                rows.append([defaults[i] if slot is None else values[slot] for i, slot in enumerate(slots)])
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY assessments_score ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(fields))
                sql = f"INSERT INTO assessments_score ({columns}) VALUES ({marks})"
                for start in range(0, len(rows), 20000):
                    cursor.executemany(sql, rows[start : start + 20000])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return campaign.pk


def interleaved(project, baseline, *, repeat: int) -> tuple[float, float]:
    """Median times of the two, run alternately so that load from other
    processes on the machine falls on both alike."""
    import statistics

    project()
    baseline()
    p_times, b_times = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        project()
        p_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        baseline()
        b_times.append(time.perf_counter() - start)
    return statistics.median(p_times), statistics.median(b_times)


def child(database: str) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks.common import emit, setup_django

    if database == "postgresql":
        _pg_recreate()
        setup_django(database_url=PG_URL)
    else:
        os.environ.pop("DATABASE_URL", None)
        setup_django()
    from django.db import connection

    from assessments.models import Campaign
    from assessments.selectors import results

    started = time.perf_counter()
    campaign = Campaign.objects.get(pk=populate())
    setup_s = time.perf_counter() - started
    baseline_sql = (
        "SELECT s.target_id, SUM(s.score) AS total FROM assessments_score s "
        "WHERE s.campaign_id = %s AND s.status = 'approved' "
        "GROUP BY s.target_id ORDER BY total DESC, s.target_id"
    )

    def project() -> list:
        return results.campaign_ranking(campaign)

    def baseline() -> list:
        with connection.cursor() as cursor:
            cursor.execute(baseline_sql, [campaign.pk])
            return cursor.fetchall()

    ranking = project()
    raw = baseline()
    assert len(ranking) == len(raw) == TARGETS, (len(ranking), len(raw))
    assert all(r.unit_class for r in ranking) and any(r.full_marks != ranking[0].full_marks for r in ranking)
    assert [r.rank for r in ranking] == list(range(1, TARGETS + 1))
    project_s, baseline_s = interleaved(project, baseline, repeat=9)
    write_s, write_baseline_s = write_cost(campaign.pk)
    assert not results.totals_drift(campaign.pk), "totals drifted"
    grades: dict[str, int] = {}
    for r in ranking:
        grades[r.grade] = grades.get(r.grade, 0) + 1
    emit(
        "aggregate",
        project_s,
        baseline_s,
        database=connection.vendor,
        targets=TARGETS,
        scores=TARGETS * INDICATORS - (TARGETS - (TARGETS + 1) // 2),
        classes=2,
        rescaled=TARGETS // 2,
        setup_s=round(setup_s, 2),
        grades=grades,
        write_s=round(write_s, 6),
        write_baseline_s=round(write_baseline_s, 6),
        write_ratio=round(write_s / write_baseline_s, 3),
    )


def write_cost(campaign_pk: int) -> tuple[float, float]:
    """Median time of taking one indicator's 2,850 scores out of 审核生效 and
    back, with the totals' triggers and with them dropped (then put back)."""
    import importlib
    import statistics

    from django.db import connection, transaction

    migration = importlib.import_module("assessments.migrations.0010_target_totals")
    create = {"sqlite": migration.SQLITE, "postgresql": migration.POSTGRES}[connection.vendor]
    drop = {"sqlite": migration.SQLITE_REVERSE, "postgresql": migration.POSTGRES_REVERSE}[connection.vendor]
    sql = "UPDATE assessments_score SET status = %s WHERE campaign_id = %s AND indicator_id = %s"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT MIN(indicator_id) FROM assessments_score WHERE campaign_id = %s", [campaign_pk]
        )
        indicator = cursor.fetchone()[0]

    def toggle() -> float:
        start = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, ["submitted", campaign_pk, indicator])
            cursor.execute(sql, ["approved", campaign_pk, indicator])
        return time.perf_counter() - start

    def timed(statements: list[str]) -> float:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        toggle()
        return statistics.median(toggle() for _ in range(7))

    without = timed(drop)
    with_triggers = timed(create)
    return with_triggers, without


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        child(sys.argv[2])
        return 0
    databases = ["sqlite"] + (["postgresql"] if _pg_answers() else [])
    failed = 0
    for database in databases:
        result = subprocess.run([sys.executable, __file__, "--child", database], env=os.environ)
        failed += result.returncode != 0
    if "postgresql" not in databases:
        print(
            '{"bench": "aggregate", "database": "postgresql", "skipped": "127.0.0.1:5432 未响应"}', flush=True
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
