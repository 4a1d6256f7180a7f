"""Officer analytics: figures per quiz, per question (with flags), per team; scoped."""

from werkzeug.datastructures import MultiDict

from lms.extensions import db
from lms.quizzes import analytics, services
from tests.quizzes.conftest import ALL_RIGHT, form_for


def _flat(form):
    return MultiDict([(k, v) for k, values in form.items() for v in values])


def take(person, quiz, answers):
    attempt = services.start_attempt(person.id, quiz)
    return services.submit_attempt(attempt.id, person.id, _flat(form_for(attempt, answers)))


def test_officer_sees_own_commune_only(client, auth, make, load_quiz, quiz_data, completions):
    quiz = load_quiz(quiz_data)
    commune = make.commune(code="DT")
    team_a, team_b = make.team(commune), make.team(commune)
    members = [make.member_of(team_a, full_name=f"Người A{i}") for i in range(4)]
    members += [make.member_of(team_b, full_name=f"Người B{i}") for i in range(2)]
    outsider = make.member_of(make.team(make.commune(code="TQ")), full_name="Người Ngoài")
    officer = make.officer(commune)
    make.commit()
    take(members[0], quiz, ALL_RIGHT)
    take(members[1], quiz, ALL_RIGHT)
    take(members[2], quiz, {"q-single": "b"})
    take(members[4], quiz, {})
    take(outsider, quiz, ALL_RIGHT)

    summary = analytics.quiz_summaries(officer)[0]
    assert summary["attempts"] == 4 and summary["people"] == 4
    assert summary["pass_rate"] == 0.5 and summary["best"] == 100
    assert round(summary["average"], 2) == round((100 + 100 + 100 / 6 + 0) / 4, 2)

    stats = {q["key"]: q for q in analytics.question_stats(officer, quiz.id)}
    assert stats["q-single"]["drawn"] == 4 and stats["q-single"]["right"] == 0.75
    assert stats["q-tf"]["right"] == 0.5
    assert stats["q-tf"]["discrimination"] == 1.0  # the top group got it, the bottom did not

    teams = {t["team_id"]: t for t in analytics.team_results(officer, quiz.id)}
    assert set(teams) == {team_a.id, team_b.id}
    assert teams[team_a.id]["members"] == 4 and teams[team_a.id]["tried"] == 3
    assert teams[team_a.id]["passed"] == 2 and teams[team_b.id]["passed"] == 0

    auth.login_as(officer)
    page = client.get("/quizzes/results").get_data(as_text=True)
    assert "Ứng dụng VNeID" in page
    detail = client.get(f"/quizzes/{quiz.id}/results")
    assert detail.status_code == 200 and "q-single" in detail.get_data(as_text=True)


def test_questions_everybody_or_nobody_gets_are_flagged(make, load_quiz, quiz_data, completions):
    quiz_data["draw"] = 6
    quiz = load_quiz(quiz_data)
    commune = make.commune()
    team = make.team(commune)
    officer = make.officer(commune)
    people = [make.member_of(team, full_name=f"Thành viên {i}") for i in range(6)]
    make.commit()
    for person in people:
        take(person, quiz, {k: v for k, v in ALL_RIGHT.items() if k != "q-scen"})
    stats = {q["key"]: q for q in analytics.question_stats(officer, quiz.id)}
    assert stats["q-single"]["flag"] == "easy"
    assert stats["q-scen"]["flag"] == "hard"


def test_members_cannot_see_analytics(client, auth, member, load_quiz, quiz_data):
    quiz = load_quiz(quiz_data)
    auth.login_as(member)
    assert client.get("/quizzes/results").status_code == 403
    assert client.get(f"/quizzes/{quiz.id}/results").status_code == 403
    db.session.rollback()
