"""The offline reading queue belongs to one person: pages carry an opaque per-user marker and
the server records a queue only under the logged-in user's marker."""

import re

import pytest
from flask import g
from sqlalchemy import select

from lms.courses import services
from lms.courses.models import Lesson, LessonProgress, Module
from lms.extensions import db
from tests.courses.conftest import lesson_of
from tests.factories import PASSWORD


@pytest.fixture
def people(make, synced):
    team = make.team()
    first = make.member_of(team, full_name="Phạm Thị Hoa")
    second = make.member_of(team, full_name="Trần Văn Nam")
    make.commit()
    return first, second


def marker_on(page: str) -> str:
    return re.search(r'<html[^>]* data-user="([^"]+)"', page).group(1)


def read_by(user) -> set[str]:
    rows = db.session.execute(
        select(Module.slug, Lesson.slug).join(Lesson, Lesson.module_id == Module.id)
        .join(LessonProgress, LessonProgress.lesson_id == Lesson.id)
        .where(LessonProgress.user_id == user.id))
    return {f"{module}/{lesson}" for module, lesson in rows}


def test_pages_carry_an_opaque_marker_per_user(client, auth, people):
    first, second = people
    auth.login_as(first)
    page = client.get("/learn/thu-nghiem/bat-dau").get_data(as_text=True)
    mine = marker_on(page)
    assert mine == services.offline_marker(first.id, "test-secret")
    assert first.phone.lstrip("+") not in mine and mine != str(first.id) and len(mine) == 32
    assert 'data-lesson="thu-nghiem/bat-dau"' in page
    assert re.search(r'<form[^>]*data-logout[^>]*data-offline-read="/offline/read"', page)
    auth.logout()
    assert 'data-user="' not in client.get("/login").get_data(as_text=True)
    auth.login_as(second)
    assert marker_on(client.get("/learn").get_data(as_text=True)) != mine


def test_own_queue_is_recorded_and_unknown_lessons_ignored(client, auth, people):
    first, _second = people
    auth.login_as(first)
    response = client.post("/offline/read", json={
        "user": services.offline_marker(first.id, "test-secret"),
        "lessons": ["thu-nghiem/bat-dau", "thu-nghiem/khong-co", "rubbish", "khong-quiz/mot"],
    })
    assert response.status_code == 200
    body = response.get_json()
    assert body["accepted"] is True
    assert sorted(body["read"]) == ["khong-quiz/mot", "thu-nghiem/bat-dau"]
    assert sorted(body["ignored"]) == ["rubbish", "thu-nghiem/khong-co"]
    assert read_by(first) == {"khong-quiz/mot", "thu-nghiem/bat-dau"}
    # Sending the same queue again (a retry) changes nothing.
    again = client.post("/offline/read", json={
        "user": services.offline_marker(first.id, "test-secret"), "lessons": ["thu-nghiem/bat-dau"]})
    assert again.status_code == 200 and len(read_by(first)) == 2


def test_the_previous_persons_queue_is_refused(client, auth, people):
    """On a shared phone, the next person's session sends the queue the previous person left."""
    first, second = people
    auth.login_as(second)
    for marker in (services.offline_marker(first.id, "test-secret"), "", None, "0" * 32):
        response = client.post("/offline/read", json={"user": marker,
                                                      "lessons": ["thu-nghiem/bat-dau"]})
        assert response.status_code == 409
        body = response.get_json()
        assert body["accepted"] is False and body["error"] == "other_user" and body["message"]
    assert read_by(second) == set() and read_by(first) == set()


def test_a_queue_without_a_list_is_a_bad_request(client, auth, people):
    first, _second = people
    auth.login_as(first)
    marker = services.offline_marker(first.id, "test-secret")
    assert client.post("/offline/read", json={"user": marker}).status_code == 400
    assert client.post("/offline/read", data="x", content_type="text/plain").status_code == 400


def test_logged_out_queue_is_not_accepted(client, people):
    response = client.post("/offline/read", json={"user": "x", "lessons": ["thu-nghiem/bat-dau"]})
    assert response.status_code in (302, 401)
    assert db.session.scalars(select(LessonProgress)).first() is None


def test_retired_lessons_are_ignored(app, people):
    first, _second = people
    lesson = lesson_of("thu-nghiem", "bat-dau")
    lesson.retired = True
    db.session.commit()
    recorded, ignored = services.mark_queued_reads(first.id, ["thu-nghiem/bat-dau"])
    assert recorded == [] and ignored == ["thu-nghiem/bat-dau"]


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_the_queue_needs_the_csrf_header(client, people):
    first, _second = people
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      client.get("/login").get_data(as_text=True)).group(1)
    client.post("/login", data={"phone": first.phone, "password": PASSWORD, "csrf_token": token})
    g.pop("csrf_token", None)
    page = client.get("/learn/thu-nghiem/bat-dau").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    body = {"user": marker_on(page), "lessons": ["thu-nghiem/bat-dau"]}
    assert client.post("/offline/read", json=body).status_code == 400
    ok = client.post("/offline/read", json=body, headers={"X-CSRFToken": token})
    assert ok.status_code == 200 and read_by(first) == {"thu-nghiem/bat-dau"}
