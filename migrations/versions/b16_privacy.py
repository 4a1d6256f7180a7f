"""privacy notice acknowledgement, erasure

Revision ID: b16_privacy
Revises: b15_province
"""
from alembic import op
import sqlalchemy as sa


revision = 'b16_privacy'
down_revision = 'b15_province'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('privacy_ack_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('privacy_version', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
        batch_op.drop_column('privacy_version')
        batch_op.drop_column('privacy_ack_at')
