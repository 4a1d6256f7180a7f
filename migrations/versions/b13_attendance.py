"""attendance closing, certificates at closing

Revision ID: b13_attendance
Revises: b12_checkin
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = 'b13_attendance'
down_revision = 'b12_checkin'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attendance_closed_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('attendance_closed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_training_sessions_attendance_closed_by_id_users'), 'users',
            ['attendance_closed_by_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('compliance_rules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('close_after_hours', sa.Integer(), nullable=False,
                                      server_default='2'))
    op.create_table(
        'attendance_batches',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('items', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'],
                                name=op.f('fk_attendance_batches_actor_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['session_id'], ['training_sessions.id'],
                                name=op.f('fk_attendance_batches_session_id_training_sessions'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance_batches')),
    )
    with op.batch_alter_table('attendance_batches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_batches_session_id'), ['session_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('attendance_batches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_batches_session_id'))
    op.drop_table('attendance_batches')
    with op.batch_alter_table('compliance_rules', schema=None) as batch_op:
        batch_op.drop_column('close_after_hours')
    with op.batch_alter_table('training_sessions', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_training_sessions_attendance_closed_by_id_users'), type_='foreignkey')
        batch_op.drop_column('attendance_closed_by_id')
        batch_op.drop_column('attendance_closed_at')
