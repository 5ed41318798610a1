"""public register of issued permits: permit_register_settings, the per-category opt-in

Revision ID: b7d41c2e9a10
Revises: de3b80e82fa8
Create Date: 2026-12-01 19:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d41c2e9a10'
down_revision = 'de3b80e82fa8'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('permit_register_settings',
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('published', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('business_name_field', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['category_id'], ['permit_categories.id'], name=op.f('fk_permit_register_settings_category_id_permit_categories'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('category_id', name=op.f('pk_permit_register_settings'))
    )


def downgrade():
    op.drop_table('permit_register_settings')
