"""co-applicants: a category's co-applicant role, and the co_applicants table (invitation links)

Revision ID: e7c2a9d4f318
Revises: e0dfbc332eea
Create Date: 2026-12-02 00:30:00

"""

from alembic import op
import sqlalchemy as sa

import portal.db


# revision identifiers, used by Alembic.
revision = "e7c2a9d4f318"
down_revision = "e0dfbc332eea"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("permit_categories", schema=None) as batch_op:
        batch_op.add_column(sa.Column("co_applicant_role_id", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("co_applicant_role_en", sa.String(length=120), nullable=True))
    op.execute(
        "UPDATE permit_categories SET co_applicant_role_id = 'Pemilik tanah', "
        "co_applicant_role_en = 'Land owner' WHERE code = 'PBG'"
    )
    op.create_table(
        "co_applicants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("expires_at", portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "pending", "confirmed", "declined", name="co_applicant_state", native_enum=False, length=32
            ),
            nullable=False,
        ),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", portal.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["application_id"], ["applications.id"], name=op.f("fk_co_applicants_application_id_applications")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_co_applicants_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_co_applicants")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_co_applicants_token_hash")),
    )
    with op.batch_alter_table("co_applicants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_co_applicants_application_id"), ["application_id"], unique=False)


def downgrade():
    with op.batch_alter_table("co_applicants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_co_applicants_application_id"))
    op.drop_table("co_applicants")
    with op.batch_alter_table("permit_categories", schema=None) as batch_op:
        batch_op.drop_column("co_applicant_role_en")
        batch_op.drop_column("co_applicant_role_id")
