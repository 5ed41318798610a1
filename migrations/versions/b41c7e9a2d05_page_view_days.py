"""page_view_days: page views per office day and page (portal.visits), nothing about visitors

Revision ID: b41c7e9a2d05
Revises: b3e1c0a9d2f4
Create Date: 2026-12-02 02:45:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "b41c7e9a2d05"
down_revision = "b3e1c0a9d2f4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "page_view_days",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("page", sa.String(length=200), nullable=False),
        sa.Column("views", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("day", "page", name=op.f("pk_page_view_days")),
    )


def downgrade():
    op.drop_table("page_view_days")
