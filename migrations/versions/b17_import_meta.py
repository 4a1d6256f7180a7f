"""where a previewed import's table was found, its skipped rows and unused columns

Revision ID: b17_import_meta
Revises: b16_privacy
"""
from alembic import op
import sqlalchemy as sa


revision = 'b17_import_meta'
down_revision = 'b16_privacy'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('import_batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meta', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('import_batches', schema=None) as batch_op:
        batch_op.drop_column('meta')
