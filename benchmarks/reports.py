"""1,000 项目绩效自评报告 rendered to docx through the project's code, against writing
the same docx bytes as plain zip files in the same run.

project: read 1,000 projects with their indicators (two queries), score each by its
rule set, build the six-section report and render the docx (performance.selectors →
performance.engine → performance.report → documents.gongwen).
baseline: zipfile writing the very same members (names and bytes) for each report —
the cost of producing those files with no work at all behind them.
The outputs are checked byte for byte before timing. Target (DESIGN §5): ratio ≤ 3.
"""

from __future__ import annotations

import datetime
import sys
import time
from collections.abc import Callable
from decimal import Decimal

from common import emit, setup_django

N = 1000


def interleaved(runs: dict[str, Callable[[], object]], *, rounds: int = 5) -> dict[str, float]:
    """The fastest of `rounds` runs of each, taken in turn so that a busy machine
    slows the project and the baseline alike instead of whichever ran during the burst."""
    best = {name: float("inf") for name in runs}
    for _ in range(rounds):
        for name, fn in runs.items():
            start = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def create_projects() -> None:
    from orgs.models import Org, OrgType
    from performance.demo import INDICATORS, NARRATIVE
    from performance.models import BudgetProject, Indicator
    from performance.services import target_fields

    org = Org.objects.create(
        code="440700-SFJ",
        name="江门市司法局",
        short_name="市司法局",
        type=OrgType.DEPARTMENT,
        path="440700-SFJ",
    )
    projects = BudgetProject.objects.bulk_create(
        [
            BudgetProject(
                org=org,
                year=2023,
                name=f"全面依法治市{n:04d}",
                implementing_unit=org.name,
                budget_initial=Decimal(698000 + n),
                budget_adjusted=Decimal(698000 + n),
                budget_executed=Decimal(349845 + 37 * n),
                declared_execution_score=Decimal(10),
                declared_total=Decimal(97),
                **NARRATIVE,
            )
            for n in range(N)
        ]
    )
    Indicator.objects.bulk_create(
        [
            Indicator(
                project=p,
                position=i,
                level1=l1,
                level2=l2,
                name=name,
                actual=actual,
                weight=Decimal(w),
                declared_score=Decimal(d),
                **target_fields(target),
            )
            for p in projects
            for i, (l1, l2, name, target, actual, _live, w, d) in enumerate(INDICATORS, start=1)
        ]
    )


def main() -> int:
    setup_django()
    from documents import gongwen
    from performance import metrics, selectors
    from performance.engine import load_rule_set
    from performance.models import BudgetProject
    from performance.report import ReportInput, build_report

    create_projects()
    now = datetime.datetime(2024, 3, 1, tzinfo=datetime.UTC)
    date = datetime.date(2024, 3, 1)

    def documents() -> list[gongwen.Document]:
        live = metrics.LiveValues()
        out = []
        for project in (
            BudgetProject.objects.select_related("org").prefetch_related("indicators").order_by("pk")
        ):
            scored = selectors.scored_project(project, indicators=list(project.indicators.all()), live=live)
            out.append(
                build_report(
                    ReportInput(
                        scored.evaluation,
                        scored.result,
                        load_rule_set(project.rule_set),
                        project.narrative(),
                        project.implementing_unit,
                        date,
                    )
                )
            )
        return out

    def project_run() -> list[bytes]:
        return [gongwen.render_docx(doc, now=now) for doc in documents()]

    members = [gongwen.docx_members(doc, now=now) for doc in documents()]

    def baseline_run() -> list[bytes]:
        return [gongwen.write_zip(m) for m in members]

    produced, expected = project_run(), baseline_run()
    if len(produced) != N or produced != expected:
        print('{"error": "项目生成的 docx 与基线的字节不一致"}', file=sys.stderr)
        return 1
    docs = documents()
    timings = interleaved(
        {
            "project": project_run,
            "baseline": baseline_run,
            "render": lambda: [gongwen.render_docx(d, now=now) for d in docs],
        }
    )
    project_s, baseline_s, render_only = timings["project"], timings["baseline"], timings["render"]
    emit(
        "reports",
        project_s,
        baseline_s,
        reports=N,
        docx_bytes=sum(map(len, produced)) // N,
        render_only_s=round(render_only, 6),
        target_ratio=3,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
