"""tutorial panel preferences: a logged-in person's open/closed choice of the stage panel

Revision ID: b7c41e9d2a10
Revises: 7405b7ad6ae0
Create Date: 2026-12-01 19:10:00.000000

"""

from alembic import op
import sqlalchemy as sa

import portal.db


# revision identifiers, used by Alembic.
revision = "b7c41e9d2a10"
down_revision = "7405b7ad6ae0"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "tutorial_panel_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("panel_open", sa.Boolean(), nullable=False),
        sa.Column("updated_at", portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_tutorial_panel_preferences_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_tutorial_panel_preferences")),
    )


def downgrade():
    op.drop_table("tutorial_panel_preferences")
