"""answers saved one row each; attempt limits

Each answer of an attempt becomes a row of ``attempt_answers`` (one per attempt and question,
upserted as the learner goes) instead of a key of the JSON column ``attempts.answers``, which
is dropped. The answers already saved are moved to the new table, and back on downgrade.
The attempt limits (``attempts_per_day``, ``show_correct``) live in the versions' settings JSON
and need no schema change.

Revision ID: b10b_quiz_answers
Revises: b10a_sessions_accounts
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401


revision = 'b10b_quiz_answers'
down_revision = 'b10a_sessions_accounts'
branch_labels = None
depends_on = None

_attempts = sa.table('attempts', sa.column('id', sa.Integer()),
                     sa.column('answers', sa.JSON()), sa.column('started_at', sa.DateTime()))
_questions = sa.table('questions', sa.column('id', sa.Integer()))
_answers = sa.table('attempt_answers', sa.column('attempt_id', sa.Integer()),
                    sa.column('question_id', sa.Integer()), sa.column('value', sa.JSON()),
                    sa.column('saved_at', sa.DateTime(timezone=True)))


def upgrade():
    # The saved answers, read before their column goes.
    conn = op.get_bind()
    known = {qid for (qid,) in conn.execute(sa.select(_questions.c.id))}
    rows = []
    for attempt_id, answers, started_at in conn.execute(
        sa.select(_attempts.c.id, _attempts.c.answers, _attempts.c.started_at)
    ):
        for key, value in (answers or {}).items():  # {"<question id>": answer}
            if str(key).isdigit() and int(key) in known and value is not None:
                rows.append({'attempt_id': attempt_id, 'question_id': int(key), 'value': value,
                             'saved_at': started_at})
    # ALTER TABLE … DROP COLUMN (SQLite ≥ 3.35), never a copy of the table: on SQLite dropping
    # the old copy would fire the foreign-key actions of the tables that point at ``attempts``
    # (``module_completions.attempt_id`` would be set to NULL).
    with op.batch_alter_table('attempts', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('answers')
    op.create_table(
        'attempt_answers',
        sa.Column('attempt_id', sa.Integer(), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=False),
        sa.Column('value', sa.JSON(), nullable=False),
        sa.Column('saved_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['attempt_id'], ['attempts.id'],
                                name=op.f('fk_attempt_answers_attempt_id_attempts'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['question_id'], ['questions.id'],
                                name=op.f('fk_attempt_answers_question_id_questions'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('attempt_id', 'question_id', name=op.f('pk_attempt_answers')),
    )
    if rows:
        op.bulk_insert(_answers, rows)


def downgrade():
    conn = op.get_bind()
    answers: dict[int, dict] = {}
    for attempt_id, question_id, value in conn.execute(
        sa.select(_answers.c.attempt_id, _answers.c.question_id, _answers.c.value)
    ):
        answers.setdefault(attempt_id, {})[str(question_id)] = value
    op.drop_table('attempt_answers')
    # Added NOT NULL with a default, so that SQLite needs no copy of the table (see upgrade).
    with op.batch_alter_table('attempts', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('answers', sa.JSON(), nullable=False,
                                      server_default=sa.text("'{}'")))
    for attempt_id, saved in answers.items():
        conn.execute(sa.update(_attempts).where(_attempts.c.id == attempt_id)
                     .values(answers=saved))
    if conn.dialect.name != 'sqlite':
        op.alter_column('attempts', 'answers', existing_type=sa.JSON(), server_default=None)
