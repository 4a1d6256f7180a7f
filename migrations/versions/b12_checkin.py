"""check-in through log-in, short codes

Revision ID: b12_checkin
Revises: b11_spreadsheets
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = 'b12_checkin'
down_revision = 'b11_spreadsheets'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'checkin_tickets',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('scanned_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['session_id'], ['training_sessions.id'],
                                name=op.f('fk_checkin_tickets_session_id_training_sessions'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_checkin_tickets_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_checkin_tickets')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_checkin_tickets_token_hash')),
    )
    with op.batch_alter_table('checkin_tickets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checkin_tickets_session_id'), ['session_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('checkin_tickets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checkin_tickets_session_id'))
    op.drop_table('checkin_tickets')
