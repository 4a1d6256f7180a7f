"""Quizzes, their versions and questions, and learners' attempts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lms.extensions import db
from lms.models_base import utcnow

QUESTION_TYPES = ("single", "multiple", "true_false", "ordering", "matching", "scenario")
# When the review shows the right answers (``show_correct``); the first is the default.
SHOW_CORRECT = ("after_pass_or_last", "after_pass", "never")
# Attempts a member may start per local calendar day unless quiz.yaml says otherwise.
DEFAULT_ATTEMPTS_PER_DAY = 3


class Quiz(db.Model):
    """The quiz of a module; its questions live in versions."""

    __tablename__ = "quizzes"

    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(
        ForeignKey("modules.id", ondelete="CASCADE"), unique=True
    )
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("quiz_versions.id", use_alter=True, ondelete="SET NULL")
    )

    module = relationship("Module")
    current_version: Mapped[QuizVersion | None] = relationship(
        foreign_keys=[current_version_id], post_update=True
    )


class QuizVersion(db.Model):
    """An immutable snapshot of a quiz file; attempts stay pinned to theirs."""

    __tablename__ = "quiz_versions"
    __table_args__ = (UniqueConstraint("quiz_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    # pass_mark, draw, shuffle_questions, shuffle_options, time_limit_minutes,
    # max_attempts, attempts_per_day, show_correct
    settings: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    quiz: Mapped[Quiz] = relationship(foreign_keys=[quiz_id])
    questions: Mapped[list[Question]] = relationship(
        back_populates="version", order_by="Question.position", cascade="all, delete-orphan"
    )


class Question(db.Model):
    """A question of one quiz version. ``data`` holds the whole spec, answers included:
    it never leaves the server before submission."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("version_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("quiz_versions.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(64))  # stable id from quiz.yaml
    type: Mapped[str] = mapped_column(String(16))
    position: Mapped[int] = mapped_column(Integer, default=0)
    data: Mapped[dict] = mapped_column(JSON)

    version: Mapped[QuizVersion] = relationship(back_populates="questions")


class Attempt(db.Model):
    """One sitting of a quiz: the drawn questions and their option order are stored; the
    answers are ``AttemptAnswer`` rows."""

    __tablename__ = "attempts"
    __table_args__ = (
        Index("ix_attempts_user_quiz", "user_id", "quiz_id"),
        # One open attempt per member per quiz.
        Index(
            "uq_attempts_one_open",
            "user_id",
            "quiz_id",
            unique=True,
            sqlite_where=text("submitted_at IS NULL"),
            postgresql_where=text("submitted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"))
    version_id: Mapped[int] = mapped_column(ForeignKey("quiz_versions.id"))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    deadline_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # [{"question_id": 12, "type": "single", "multiple": false, "order": ["b", "a", "c"],
    #   "tokens": [...]}, ...] in display order (type and multiple: since 2026-12)
    layout: Mapped[list] = mapped_column(JSON, default=list)
    score: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool] = mapped_column(Boolean, default=False)
    # per-question points after grading: {"<question_id>": 0.5}
    results: Mapped[dict | None] = mapped_column(JSON)

    version: Mapped[QuizVersion] = relationship()
    quiz: Mapped[Quiz] = relationship()


class AttemptAnswer(db.Model):
    """The saved answer to one drawn question of an attempt (one row per question).

    Saves are upserts of single rows (``INSERT … ON CONFLICT DO UPDATE``), so two questions
    saved at the same time never overwrite each other; the shapes of ``value`` are described
    in ``lms.quizzes.grading``.
    """

    __tablename__ = "attempt_answers"

    attempt_id: Mapped[int] = mapped_column(
        ForeignKey("attempts.id", ondelete="CASCADE"), primary_key=True
    )
    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True
    )
    value: Mapped[Any] = mapped_column(JSON)
    saved_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
