"""the officers' workload: waiting applications counted by assigned officer (0: nobody) and due
date (9999-12-31: none), filled from the applications

Revision ID: a3f17c0d9e21
Revises: e7c2a9d4f318
Create Date: 2026-12-02 02:40:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "a3f17c0d9e21"
down_revision = "e7c2a9d4f318"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "waiting_counts",
        sa.Column("officer_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("n", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("officer_id", "due_on", name=op.f("pk_waiting_counts")),
    )
    # Filled from the applications as they are (as portal.applications.waiting.rebuild does);
    # from here on every change of an application's status, officer or due date keeps it.
    op.execute(
        "INSERT INTO waiting_counts (officer_id, due_on, n) "
        "SELECT COALESCE(assigned_officer_id, 0), COALESCE(due_date, '9999-12-31'), count(*) "
        "FROM applications WHERE status IN ('submitted', 'in_review', 'resubmitted', 'recommended') "
        "GROUP BY COALESCE(assigned_officer_id, 0), COALESCE(due_date, '9999-12-31')"
    )


def downgrade():
    op.drop_table("waiting_counts")
