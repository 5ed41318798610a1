"""mandates: a representative files for a principal (kuasa); applications.mandate_id; users.is_consultant

Revision ID: c3a1f0e7d218
Revises: 06fed3a94753
Create Date: 2026-12-01 23:35:00

"""
from alembic import op
import sqlalchemy as sa

import portal.db


# revision identifiers, used by Alembic.
revision = 'c3a1f0e7d218'
down_revision = '06fed3a94753'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'mandates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('representative_id', sa.Integer(), nullable=False),
        sa.Column('principal_user_id', sa.Integer(), nullable=True),
        sa.Column('revoked_at', portal.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('revoked_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', portal.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint('representative_id <> principal_user_id', name=op.f('ck_mandates_not_self')),
        sa.ForeignKeyConstraint(['principal_user_id'], ['users.id'], name=op.f('fk_mandates_principal_user_id_users')),
        sa.ForeignKeyConstraint(['representative_id'], ['users.id'], name=op.f('fk_mandates_representative_id_users')),
        sa.ForeignKeyConstraint(['revoked_by_id'], ['users.id'], name=op.f('fk_mandates_revoked_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mandates')),
    )
    with op.batch_alter_table('mandates', schema=None) as batch_op:
        batch_op.create_index('ix_mandates_principal_revoked', ['principal_user_id', 'revoked_at'], unique=False)
        batch_op.create_index('ix_mandates_representative_revoked', ['representative_id', 'revoked_at'], unique=False)
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mandate_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_applications_mandate_id'), ['mandate_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_applications_mandate_id_mandates'), 'mandates', ['mandate_id'], ['id'])
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_consultant', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('is_consultant')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_applications_mandate_id_mandates'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_applications_mandate_id'))
        batch_op.drop_column('mandate_id')
    with op.batch_alter_table('mandates', schema=None) as batch_op:
        batch_op.drop_index('ix_mandates_representative_revoked')
        batch_op.drop_index('ix_mandates_principal_revoked')
    op.drop_table('mandates')
