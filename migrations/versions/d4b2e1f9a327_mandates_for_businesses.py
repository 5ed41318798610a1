"""mandates for businesses: mandates.principal_business_id, a person or a business as principal

Revision ID: d4b2e1f9a327
Revises: 6f6d14ff848d
Create Date: 2026-12-01 23:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4b2e1f9a327'
down_revision = '6f6d14ff848d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('mandates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('principal_business_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_mandates_principal_business_id'), ['principal_business_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_mandates_principal_business_id_businesses'), 'businesses', ['principal_business_id'], ['id']
        )
        batch_op.create_check_constraint(
            batch_op.f('ck_mandates_one_principal'),
            '(principal_user_id IS NULL) <> (principal_business_id IS NULL)',
        )


def downgrade():
    op.execute('DELETE FROM mandates WHERE principal_business_id IS NOT NULL AND id NOT IN '
               '(SELECT mandate_id FROM applications WHERE mandate_id IS NOT NULL)')
    with op.batch_alter_table('mandates', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_mandates_one_principal'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_mandates_principal_business_id_businesses'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_mandates_principal_business_id'))
        batch_op.drop_column('principal_business_id')
