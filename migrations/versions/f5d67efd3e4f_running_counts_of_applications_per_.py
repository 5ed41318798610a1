"""running counts of applications per category and status (filled from the applications);
an index for "every officer"

Revision ID: f5d67efd3e4f
Revises: ac17ef6d068c
Create Date: 2026-12-01 15:21:23.299461

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f5d67efd3e4f'
down_revision = 'ac17ef6d068c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('application_counts',
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('n', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['permit_categories.id'], name=op.f('fk_application_counts_category_id_permit_categories')),
    sa.PrimaryKeyConstraint('category_id', 'key', name=op.f('pk_application_counts'))
    )
    # Filled from the applications as they are: every status but draft, and how many of each
    # category were ever submitted. From here on workflow.transition keeps them.
    op.execute(
        "INSERT INTO application_counts (category_id, key, n) "
        "SELECT category_id, status, count(*) FROM applications WHERE status <> 'draft' "
        "GROUP BY category_id, status"
    )
    op.execute(
        "INSERT INTO application_counts (category_id, key, n) "
        "SELECT category_id, 'submitted_ever', count(*) FROM applications "
        "WHERE submitted_at IS NOT NULL GROUP BY category_id"
    )


    with op.batch_alter_table('user_roles', schema=None) as batch_op:
        batch_op.create_index('ix_user_roles_role_user_id', ['role', 'user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('user_roles', schema=None) as batch_op:
        batch_op.drop_index('ix_user_roles_role_user_id')
    op.drop_table('application_counts')
