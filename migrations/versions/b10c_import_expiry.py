"""import previews expire

Revision ID: b10c_import_expiry
Revises: b10b_quiz_answers
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = 'b10c_import_expiry'
down_revision = 'b10b_quiz_answers'
branch_labels = None
depends_on = None


def upgrade():
    # Expired previews are purged by age (lms.imports.purge_expired).
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_batches_created_at"), ["created_at"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_batches_created_at"))
