"""the public statistics' daily figures (submissions per category and day; decisions per
category, decision day, submission day and due-date flag), filled from the applications

Revision ID: 7c1e5a9d2b40
Revises: b7d41c2e9a10
Create Date: 2026-12-01 19:10:00.000000

"""
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c1e5a9d2b40'
down_revision = 'b7d41c2e9a10'
branch_labels = None
depends_on = None


def _timezone() -> str:
    try:
        from flask import current_app

        return current_app.config["TIMEZONE"]
    except (ImportError, RuntimeError, KeyError):
        return "Asia/Makassar"


def _local_day(column: str) -> str:
    tz = _timezone()
    if op.get_bind().dialect.name == "postgresql":
        return f"CAST(timezone('{tz}', {column}) AS DATE)"
    offset = ZoneInfo(tz).utcoffset(datetime.now()) or timedelta(0)
    return f"date({column}, '{int(offset.total_seconds() // 60):+d} minutes')"


def upgrade():
    op.create_table('stat_submission_days',
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('n', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['permit_categories.id'], name=op.f('fk_stat_submission_days_category_id_permit_categories')),
    sa.PrimaryKeyConstraint('category_id', 'day', name=op.f('pk_stat_submission_days'))
    )
    op.create_table('stat_decision_days',
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('due', sa.SmallInteger(), nullable=False),
    sa.Column('n', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['permit_categories.id'], name=op.f('fk_stat_decision_days_category_id_permit_categories')),
    sa.PrimaryKeyConstraint('category_id', 'decided_on', 'submitted_on', 'due', name=op.f('pk_stat_decision_days'))
    )
    # Filled from the applications as they are (as portal.applications.rollup.rebuild does);
    # from here on every change of an application keeps them.
    submitted = _local_day("submitted_at")
    decided = _local_day("decided_at")
    op.execute(
        "INSERT INTO stat_submission_days (category_id, day, n) "
        f"SELECT category_id, {submitted}, count(*) FROM applications "
        f"WHERE submitted_at IS NOT NULL GROUP BY category_id, {submitted}"
    )
    due = f"CASE WHEN due_date IS NULL THEN -1 WHEN {decided} <= due_date THEN 1 ELSE 0 END"
    op.execute(
        "INSERT INTO stat_decision_days (category_id, decided_on, submitted_on, due, n) "
        f"SELECT category_id, {decided}, {submitted}, {due}, count(*) FROM applications "
        "WHERE status IN ('approved', 'rejected') AND decided_at IS NOT NULL "
        f"AND submitted_at IS NOT NULL GROUP BY category_id, {decided}, {submitted}, {due}"
    )


def downgrade():
    op.drop_table('stat_decision_days')
    op.drop_table('stat_submission_days')
