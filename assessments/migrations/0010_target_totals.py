"""Per-target totals of the approved scores, kept by triggers on the score table.

The triggers run in the database, in the transaction of the statement that
writes a score, so no path of the application (or outside it) can leave the
totals behind. SQLite has row triggers only; PostgreSQL uses statement
triggers over transition tables, which add up a bulk update in one upsert
and lock the totals in (campaign, target) order, so two bulk approvals over
the same targets cannot deadlock on them. A total whose count falls to 0 is
deleted, so deleting a campaign (whose scores and totals Django deletes in
either order) never leaves a row behind, and a decrease for a total already
gone is dropped."""

import django.db.models.deletion
from django.db import migrations, models

# Σ points in hundredths: the column is Decimal(7, 2), so × 100 is a whole number
SQLITE_POINTS = "CAST(ROUND(COALESCE({row}.score, 0) * 100) AS INTEGER)"
SQLITE_ADD = f"""INSERT INTO assessments_targettotal (campaign_id, target_id, points, scored, vetoes)
    SELECT NEW.campaign_id, NEW.target_id, {SQLITE_POINTS.format(row="NEW")}, 1, NEW.veto
    WHERE NEW.status = 'approved'
    ON CONFLICT (campaign_id, target_id) DO UPDATE SET
        points = points + excluded.points, scored = scored + 1, vetoes = vetoes + excluded.vetoes;"""
SQLITE_SUBTRACT = f"""UPDATE assessments_targettotal SET
        points = points - {SQLITE_POINTS.format(row="OLD")}, scored = scored - 1, vetoes = vetoes - OLD.veto
    WHERE OLD.status = 'approved' AND campaign_id = OLD.campaign_id AND target_id = OLD.target_id;
    DELETE FROM assessments_targettotal
    WHERE campaign_id = OLD.campaign_id AND target_id = OLD.target_id AND scored <= 0;"""  # noqa: S608
SQLITE = [
    f"""CREATE TRIGGER assessments_score_total_insert AFTER INSERT ON assessments_score
    WHEN NEW.status = 'approved' BEGIN {SQLITE_ADD} END;""",
    f"""CREATE TRIGGER assessments_score_total_update
    AFTER UPDATE OF campaign_id, target_id, score, veto, status ON assessments_score
    WHEN OLD.status = 'approved' OR NEW.status = 'approved' BEGIN {SQLITE_SUBTRACT} {SQLITE_ADD} END;""",
    f"""CREATE TRIGGER assessments_score_total_delete AFTER DELETE ON assessments_score
    WHEN OLD.status = 'approved' BEGIN {SQLITE_SUBTRACT} END;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS assessments_score_total_insert;",
    "DROP TRIGGER IF EXISTS assessments_score_total_update;",
    "DROP TRIGGER IF EXISTS assessments_score_total_delete;",
]

# Statement triggers: the rows a statement made approved come in, the rows it
# took from approved go out, added up per (campaign, target) and applied in
# key order. A decrease for a total that is not there is dropped.
PG_POINTS = "(COALESCE(score, 0) * 100)::bigint"
PG_IN = f"""SELECT campaign_id, target_id, {PG_POINTS} AS points,
        1 AS scored, veto::integer AS vetoes FROM new_rows WHERE status = 'approved'"""  # noqa: S608
PG_OUT = f"""SELECT campaign_id, target_id, -{PG_POINTS} AS points,
        -1 AS scored, -(veto::integer) AS vetoes FROM old_rows WHERE status = 'approved'"""  # noqa: S608
PG_APPLY = """INSERT INTO assessments_targettotal AS t (campaign_id, target_id, points, scored, vetoes)
    SELECT d.campaign_id, d.target_id, SUM(d.points), SUM(d.scored), SUM(d.vetoes)
    FROM ({delta}) AS d
    GROUP BY d.campaign_id, d.target_id
    HAVING (SUM(d.points) <> 0 OR SUM(d.scored) <> 0 OR SUM(d.vetoes) <> 0)
       AND (SUM(d.scored) > 0 OR EXISTS (
            SELECT 1 FROM assessments_targettotal e
            WHERE e.campaign_id = d.campaign_id AND e.target_id = d.target_id))
    ORDER BY d.campaign_id, d.target_id
    ON CONFLICT (campaign_id, target_id) DO UPDATE SET
        points = t.points + EXCLUDED.points,
        scored = t.scored + EXCLUDED.scored,
        vetoes = t.vetoes + EXCLUDED.vetoes;"""
PG_EMPTIED = """DELETE FROM assessments_targettotal t USING (SELECT DISTINCT campaign_id, target_id
    FROM old_rows WHERE status = 'approved') AS o
    WHERE t.campaign_id = o.campaign_id AND t.target_id = o.target_id AND t.scored <= 0;"""
PG_BODY = {
    "insert": PG_APPLY.format(delta=PG_IN),
    "update": PG_APPLY.format(delta=f"{PG_IN} UNION ALL {PG_OUT}") + "\n    " + PG_EMPTIED,
    "delete": PG_APPLY.format(delta=PG_OUT) + "\n    " + PG_EMPTIED,
}
PG_TABLES = {
    "insert": "NEW TABLE AS new_rows",
    "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "delete": "OLD TABLE AS old_rows",
}
POSTGRES = [
    statement
    for op, body in PG_BODY.items()
    for statement in (
        f"""CREATE OR REPLACE FUNCTION assessments_score_total_{op}() RETURNS trigger AS $$
    BEGIN
    {body}
    RETURN NULL;
    END; $$ LANGUAGE plpgsql;""",
        f"""CREATE TRIGGER assessments_score_total_{op} AFTER {op.upper()} ON assessments_score
    REFERENCING {PG_TABLES[op]} FOR EACH STATEMENT EXECUTE FUNCTION assessments_score_total_{op}();""",
    )
]
POSTGRES_REVERSE = [
    statement
    for op in PG_BODY
    for statement in (
        f"DROP TRIGGER IF EXISTS assessments_score_total_{op} ON assessments_score;",
        f"DROP FUNCTION IF EXISTS assessments_score_total_{op}();",
    )
]

# the totals of the scores already there (fixed SQL: no value comes from outside)
BACKFILL = {
    vendor: f"""INSERT INTO assessments_targettotal (campaign_id, target_id, points, scored, vetoes)
    SELECT campaign_id, target_id, SUM({points}), COUNT(*), SUM({veto})
    FROM assessments_score WHERE status = 'approved' GROUP BY campaign_id, target_id"""  # noqa: S608
    for vendor, points, veto in (
        ("sqlite", SQLITE_POINTS.format(row="assessments_score"), "veto"),
        ("postgresql", PG_POINTS, "veto::integer"),
    )
}


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


def _forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor in BACKFILL:
        schema_editor.execute(BACKFILL[vendor])
    _run({"sqlite": SQLITE, "postgresql": POSTGRES})(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0009_merge_unit_classes_with_deadlines_and_bonus_claims"),
        ("orgs", "0001_initial_org_tree"),
    ]

    operations = [
        # vetoes are counted by the totals now (the index served that count)
        migrations.RemoveIndex(model_name="score", name="assessments_score_veto"),
        migrations.CreateModel(
            name="TargetTotal",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("points", models.BigIntegerField(default=0, verbose_name="得分合计（百分之一分）")),
                ("scored", models.IntegerField(default=0, verbose_name="已审核生效评分数")),
                ("vetoes", models.IntegerField(default=0, verbose_name="一票否决评分数")),
                (
                    "campaign",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="assessments.campaign",
                    ),
                ),
                (
                    "target",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="orgs.org"
                    ),
                ),
            ],
            options={
                "verbose_name": "评分合计",
                "verbose_name_plural": "评分合计",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("campaign", "target"), name="assessments_targettotal_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(_forward, _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE})),
    ]
