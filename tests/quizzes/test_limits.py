"""Attempts per day (default 3, local calendar day in Vietnam) and what the pages say."""

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from lms.i18n import short_date
from lms.quizzes import services
from lms.quizzes.models import Attempt
from lms.timeutil import LOCAL_TZ


@pytest.fixture
def english(auth, member):
    """The member, logged in, reading in English (the msgids) whatever is translated yet."""
    member.locale = "en"
    db.session.commit()
    auth.login_as(member)
    return member


def page(client, url: str, **kwargs) -> str:
    """A page's text with HTML entities decoded."""
    return html.unescape(client.get(url, **kwargs).get_data(as_text=True))


def take(client, slug="vneid"):
    response = client.post(f"/modules/{slug}/quiz", data={})
    match = re.search(r"/quiz/attempts/(\d+)", response.headers["Location"])
    if match is None:
        return None
    client.post(f"/quiz/attempts/{match.group(1)}/submit", data={})
    return int(match.group(1))


def a_day_back():
    """Move every attempt a day into the past (as if today were tomorrow)."""
    for attempt in db.session.scalars(select(Attempt)):
        attempt.started_at = attempt.started_at - timedelta(days=1)
    db.session.commit()


def count():
    return db.session.scalar(select(func.count(Attempt.id)))


def test_three_attempts_a_day_by_default_and_the_page_says_when_to_come_back(
        client, load_quiz, quiz_data, english):
    quiz_data.pop("attempts_per_day", None)
    load_quiz(quiz_data)
    intro = page(client, "/modules/vneid/quiz")
    assert "Attempts left today: 3 of 3." in intro
    take(client)
    assert "Attempts left today: 2 of 3." in page(client, "/modules/vneid/quiz")
    take(client)
    last = take(client)
    result = page(client, f"/quiz/attempts/{last}/result")
    tomorrow = short_date(datetime.now(LOCAL_TZ) + timedelta(days=1))
    expected = (f"You have used today's 3 attempts at this quiz. You can try again tomorrow "
                f"({tomorrow}).")
    assert expected in result and "Try again" not in result.split('id="quiz-allowance"')[1][:400]
    intro = page(client, "/modules/vneid/quiz")
    assert expected in intro and 'id="quiz-start"' not in intro
    # A fourth start (an old form, a crafted POST) is refused with the same explanation.
    refused = client.post("/modules/vneid/quiz", data={}, follow_redirects=True)
    assert expected in html.unescape(refused.get_data(as_text=True)) and count() == 3
    # Tomorrow (the attempts moved a day back) the member may try again.
    a_day_back()
    assert "Attempts left today: 3 of 3." in page(client, "/modules/vneid/quiz")
    assert take(client) is not None and count() == 4


def test_the_day_is_the_calendar_day_in_vietnam(app, load_quiz, quiz_data, member):
    quiz = load_quiz(quiz_data)
    # 23:50 in Vietnam on 10 May is 16:50 UTC; 00:10 on 11 May is 17:10 UTC.
    late_evening = datetime(2026, 5, 10, 16, 50, tzinfo=UTC)
    for minutes in (0, 1, 2):
        attempt = services.start_attempt(member.id, quiz, now=late_evening + timedelta(minutes=minutes))
        services.submit_attempt(attempt.id, member.id, now=late_evening + timedelta(minutes=minutes))
    used_up = services.allowance(quiz, member.id, now=late_evening + timedelta(minutes=5))
    assert used_up.left == 0 and used_up.retry_at == datetime(2026, 5, 10, 17, 0, tzinfo=UTC)
    with pytest.raises(services.QuizError) as exc:
        services.start_attempt(member.id, quiz, now=late_evening + timedelta(minutes=5))
    assert exc.value.code == "no_attempts_today"
    after_midnight = late_evening + timedelta(minutes=20)
    assert services.allowance(quiz, member.id, now=after_midnight).left_today == 3
    assert services.start_attempt(member.id, quiz, now=after_midnight).id


@pytest.mark.parametrize("per_day, starts", [(1, 1), (None, 5)])
def test_quiz_yaml_sets_the_daily_limit(client, load_quiz, quiz_data, english, per_day, starts):
    quiz_data["attempts_per_day"] = per_day
    load_quiz(quiz_data)
    for _ in range(5):
        take(client)
    assert count() == starts
    intro = page(client, "/modules/vneid/quiz")
    if per_day is None:
        assert "You may take this quiz as often as you like." in intro and 'id="quiz-start"' in intro
    else:
        assert "You have used today's 1 attempts" in intro


def test_total_and_daily_limits_together(client, load_quiz, quiz_data, english):
    quiz_data.update(max_attempts=4, attempts_per_day=3)
    load_quiz(quiz_data)
    intro = page(client, "/modules/vneid/quiz")
    assert "Attempts left today: 3 of 3." in intro and "Attempts left in all: 4." in intro
    for _ in range(3):
        take(client)
    a_day_back()
    take(client)
    intro = page(client, "/modules/vneid/quiz")
    assert "You have used all your attempts at this quiz." in intro
    assert "try again tomorrow" not in intro and count() == 4


def test_an_open_attempt_counts_and_the_page_says_it_is_the_last_today(
        client, load_quiz, quiz_data, english):
    quiz_data["attempts_per_day"] = 1
    load_quiz(quiz_data)
    client.post("/modules/vneid/quiz", data={})
    intro = page(client, "/modules/vneid/quiz")
    assert "This is your last attempt today." in intro and 'id="quiz-start"' in intro  # continue


def test_versions_stored_before_the_daily_limit_get_the_default(app, load_quiz, quiz_data, member):
    quiz = load_quiz(quiz_data)
    version = quiz.current_version
    version.settings = {k: v for k, v in version.settings.items() if k != "attempts_per_day"}
    db.session.commit()
    assert services.allowance(quiz, member.id).per_day == 3
