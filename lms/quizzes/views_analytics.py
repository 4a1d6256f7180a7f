"""Officer views: quiz results across the commune, per question and per team."""

from __future__ import annotations

from flask import abort, render_template

from lms.auth.permissions import roles_required
from lms.quizzes import analytics, bp


@bp.route("/quizzes/results")
@roles_required("officer")
def analytics_index():
    """Every quiz with attempts, pass rate, average and best scores (actor's scope)."""
    return render_template("quizzes/analytics_index.html",
                           rows=analytics.quiz_summaries(_actor()))


@bp.route("/quizzes/<int:quiz_id>/results")
@roles_required("officer")
def analytics_quiz(quiz_id: int):
    """One quiz: summary, question statistics with flags, results per team."""
    actor = _actor()
    rows = analytics.quiz_summaries(actor, quiz_id)
    if not rows:
        abort(404)
    return render_template(
        "quizzes/analytics_quiz.html", summary=rows[0],
        questions=analytics.question_stats(actor, quiz_id),
        teams=analytics.team_results(actor, quiz_id),
    )


def _actor():
    from flask_login import current_user

    return current_user
