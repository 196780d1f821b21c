"""The former 整改清单 (assessments.Rectification, a plain open/done list of lost
points) becomes problems of the tracker, source 考评失分: one problem per item,
linked to its score (else its indicator) and, in `source_ref`, to the
publication, year, target, indicator, points lost and the item itself; its
status kept (整改中 → rectifying, 已整改 → closed) and its creation time kept,
with a history entry saying where it came from. Items already carried over are
skipped, so running it again changes nothing."""

from decimal import Decimal

from django.db import migrations

STATES = {"open": ("rectifying", "整改中"), "done": ("closed", "已整改")}


def _points(value):
    return f"{Decimal(str(value or 0)).quantize(Decimal('0.01')).normalize():f}"


def _content_type(apps, model):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.get_or_create(app_label="assessments", model=model)[0]


def forwards(apps, schema_editor):
    Rectification = apps.get_model("assessments", "Rectification")
    Score = apps.get_model("assessments", "Score")
    Problem = apps.get_model("problems", "Problem")
    ProblemEvent = apps.get_model("problems", "ProblemEvent")
    items = Rectification.objects.select_related(
        "publication__campaign", "target", "indicator__section", "created_by"
    ).order_by("created_at", "pk")
    score_type = indicator_type = None
    for item in items:
        if Problem.objects.filter(source="assessment", source_ref__rectification=item.pk).exists():
            continue
        campaign = item.publication.campaign
        indicator = item.indicator
        score = Score.objects.filter(
            campaign_id=campaign.pk, target_id=item.target_id, indicator_id=indicator.pk
        ).first()
        if score is not None:
            score_type = score_type or _content_type(apps, "score")
        else:
            indicator_type = indicator_type or _content_type(apps, "indicator")
        state, label = STATES.get(item.status, STATES["open"])
        user = item.created_by
        problem = Problem.objects.create(
            source="assessment",
            category=indicator.section.name[:50],
            title=f"考评失分：{indicator.code} {indicator.name}（失 {_points(item.points_lost)} 分）"[:200],
            description=item.reason,
            org_id=item.target_id,
            severity="normal",
            supervised=False,
            state=state,
            source_type=score_type if score is not None else indicator_type,
            source_id=str(score.pk if score is not None else indicator.pk),
            source_label=f"{campaign.year}年度法治建设考评 · {item.target.name} · 指标 {indicator.code}"[
                :300
            ],
            source_ref={
                "publication": item.publication_id,
                "year": campaign.year,
                "target": item.target.code,
                "indicator": indicator.code,
                "points_lost": str(Decimal(str(item.points_lost or 0)).quantize(Decimal("0.01"))),
                **({"score": score.pk} if score is not None else {}),
                "rectification": item.pk,
            },
            registered_by=user,
            registered_org_id=user.org_id if user else None,
            registered_at=item.created_at,
            assigned_at=item.created_at,
        )
        ProblemEvent.objects.create(
            problem=problem,
            action="migrated",
            from_state="",
            to_state=state,
            actor=user,
            actor_name=(user.name or user.username) if user else "系统",
            actor_org_id=user.org_id if user else None,
            org_id=item.target_id,
            note=f"由整改清单转入（原状态：{label}；整改项 {item.pk}）",
            created_at=item.created_at,
        )


def backwards(apps, schema_editor):
    Problem = apps.get_model("problems", "Problem")
    Problem.objects.filter(source="assessment", source_ref__has_key="rectification").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("problems", "0001_initial_problem_tracker"),
        ("assessments", "0006_framework_groups_overflow_and_rule_kinds"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
