"""Module completion (one service), path progress and the set-based path query."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from lms import signals
from lms.courses import services
from lms.courses.models import ModuleCompletion
from lms.extensions import db
from lms.quizzes.models import Attempt, Quiz, QuizVersion
from lms.timeutil import local_today
from tests.courses.conftest import lesson_of, module_of


def read_all(user, module_slug):
    for lesson in module_of(module_slug).lessons:
        services.mark_lesson_read(user.id, lesson.id)


def passed_attempt(user, module_slug, score=80.0, passed=True):
    module = module_of(module_slug)
    quiz = db.session.scalars(select(Quiz).where(Quiz.module_id == module.id)).first()
    if quiz is None:
        quiz = Quiz(module_id=module.id)
        db.session.add(quiz)
        db.session.flush()
    version = db.session.scalars(select(QuizVersion).where(QuizVersion.quiz_id == quiz.id)).first()
    if version is None:
        version = QuizVersion(quiz_id=quiz.id, number=1, content_hash="x")
        db.session.add(version)
        db.session.flush()
    attempt = Attempt(user_id=user.id, quiz_id=quiz.id, version_id=version.id, layout=[],
                      score=score, passed=passed, submitted_at=datetime.now(UTC))
    db.session.add(attempt)
    db.session.flush()
    return attempt


class Received:
    def __init__(self):
        self.calls = []

    def __call__(self, sender, **kw):
        self.calls.append(kw)


def test_module_without_quiz_completes_when_its_lessons_are_read(app, make, synced):
    learner = make.user()
    received = Received()
    signals.module_completed.connect(received)
    try:
        read_all(learner, "khong-quiz")
        services.mark_lesson_read(learner.id, lesson_of("khong-quiz", "mot").id)  # again: harmless
        assert services.check_module_completion(learner.id, module_of("khong-quiz").id) is not None
    finally:
        signals.module_completed.disconnect(received)
    completion = db.session.scalars(select(ModuleCompletion)).one()
    assert completion.score is None and completion.attempt_id is None
    assert received.calls == [{"user_id": learner.id, "module_id": module_of("khong-quiz").id,
                               "completion_id": completion.id}]


def test_module_with_quiz_needs_a_passed_attempt_and_keeps_the_best_score(app, make, synced):
    learner = make.user()
    module = module_of("thu-nghiem")
    read_all(learner, "thu-nghiem")
    assert services.check_module_completion(learner.id, module.id) is None
    passed_attempt(learner, "thu-nghiem", score=40.0, passed=False)
    assert services.check_module_completion(learner.id, module.id) is None
    passed_attempt(learner, "thu-nghiem", score=75.0)
    best = passed_attempt(learner, "thu-nghiem", score=90.0)
    completion = services.check_module_completion(learner.id, module.id)
    assert completion.score == 90.0 and completion.attempt_id == best.id
    assert services.check_module_completion(learner.id, module.id).id == completion.id
    assert db.session.scalar(select(func.count()).select_from(ModuleCompletion)) == 1


def test_quiz_passed_first_then_last_lesson_read_completes(app, make, synced):
    learner = make.user()
    passed_attempt(learner, "thu-nghiem")
    services.mark_lesson_read(learner.id, lesson_of("thu-nghiem", "bat-dau").id)
    _new, completion = services.mark_lesson_read(learner.id, lesson_of("thu-nghiem", "tiep-theo").id)
    assert completion is not None


def test_retired_lessons_are_not_required(app, make, synced):
    learner = make.user()
    lesson_of("thu-nghiem", "tiep-theo").retired = True
    passed_attempt(learner, "thu-nghiem")
    _new, completion = services.mark_lesson_read(learner.id, lesson_of("thu-nghiem", "bat-dau").id)
    assert completion is not None


def test_path_progress_and_completed_path_users(app, make, synced):
    done, half, nobody = make.user(), make.user(), make.user()
    for person in (done, half):
        read_all(person, "khong-quiz")
    read_all(done, "thu-nghiem")
    passed_attempt(done, "thu-nghiem")
    services.check_module_completion(done.id, module_of("thu-nghiem").id)
    db.session.commit()
    progress = services.path_progress(done.id, "lo-trinh-thu")
    assert progress["completed"] and progress["completed_modules"] == 2
    progress = services.path_progress(half.id, "lo-trinh-thu")
    assert not progress["completed"] and progress["completed_modules"] == 1
    assert progress["fraction"] == 0.5 and progress["lessons_read"] == 1
    today = local_today()  # the function takes a date in Vietnam time
    stmt = services.completed_path_users_stmt("lo-trinh-thu", today)
    assert set(db.session.scalars(stmt)) == {done.id}
    assert set(db.session.scalars(services.completed_path_users_stmt("lo-trinh-thu", date(2020, 1, 1)))) == set()
    assert set(db.session.scalars(services.completed_path_users_stmt("khong-co", today))) == set()
    when = services.path_completed_on([done.id, half.id, nobody.id], "lo-trinh-thu")
    assert set(when) == {done.id}


def test_resume_goes_to_the_last_opened_unread_lesson_then_onwards(app, make, synced):
    learner = make.user()
    assert services.resume_lesson(learner.id).slug == "bat-dau"
    second = lesson_of("thu-nghiem", "tiep-theo")
    services.remember_lesson(learner.id, second.id)
    assert services.resume_lesson(learner.id).id == second.id
    services.mark_lesson_read(learner.id, second.id)
    assert services.resume_lesson(learner.id).slug == "mot"  # next module
