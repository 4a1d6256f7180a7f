"""Learner screens, mark-read (form and fetch), images, the web app files, team progress."""

from __future__ import annotations

import re

import pytest
from flask import g
from sqlalchemy import select

from lms.courses.models import LessonProgress, ModuleImage
from lms.extensions import db
from tests.courses.conftest import lesson_of


@pytest.fixture
def learner(make, synced):
    team = make.team()
    person = make.member_of(team, full_name="Phạm Thị Hoa")
    person.locale = "en"
    make.commit()
    return person


def test_pages_need_login(client, synced):
    assert client.get("/learn").status_code == 302
    assert client.get("/learn/thu-nghiem/bat-dau").status_code == 302


def test_catalogue_module_and_lesson_pages(client, auth, learner):
    auth.login_as(learner)
    page = client.get("/learn").get_data(as_text=True)
    assert "Test module" in page and "Module without a quiz" in page
    assert "Continue learning" in page and 'href="/learn/thu-nghiem/bat-dau"' in page
    page = client.get("/learn/thu-nghiem").get_data(as_text=True)
    assert "Getting started" in page and "3 min" in page
    assert 'href="/modules/thu-nghiem/quiz"' in page  # quizzes.start exists and the module has a quiz
    page = client.get("/learn/khong-quiz").get_data(as_text=True)
    assert "/quiz" not in page
    response = client.get("/learn/thu-nghiem/bat-dau")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Getting started</h1>" in page and "Practice" in page
    assert "Finished reading — next lesson" in page and 'rel="next"' in page and 'rel="prev"' not in page
    assert len(response.data) < 30 * 1024
    assert client.get("/learn/thu-nghiem/no-such-lesson").status_code == 404
    assert client.get("/learn/no-such-module").status_code == 404


def test_vietnamese_reader_sees_the_vietnamese_lesson(client, auth, make, synced):
    person = make.user(locale="vi")
    make.commit()
    auth.login_as(person)
    page = client.get("/learn/thu-nghiem/bat-dau").get_data(as_text=True)
    assert "<h1>Bắt đầu</h1>" in page and "Thực hành" in page


def test_mark_read_form_without_javascript(client, auth, learner):
    auth.login_as(learner)
    response = client.post("/learn/thu-nghiem/bat-dau/read")
    assert response.status_code == 302 and response.headers["Location"] == "/learn/thu-nghiem/tiep-theo"
    client.post("/learn/thu-nghiem/bat-dau/read")  # a double submit is harmless
    assert len(db.session.scalars(select(LessonProgress)).all()) == 1
    page = client.get("/learn/thu-nghiem/bat-dau").get_data(as_text=True)
    assert "You have read this lesson." in page
    last = client.post("/learn/thu-nghiem/tiep-theo/read")
    assert last.headers["Location"] == "/modules/thu-nghiem/quiz"  # the last lesson leads to the quiz


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_mark_read_by_fetch_with_the_csrf_header(client, auth, learner):
    client.get("/login")
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"', page)
    token = token.group(1) or token.group(2)
    client.post("/login", data={"phone": learner.phone, "password": "correct horse 42", "csrf_token": token})
    # The test's app context outlives requests: drop the token Flask-WTF cached in `g`
    # before the log-in cleared the session (a real server has a fresh `g` per request).
    g.pop("csrf_token", None)
    page = client.get("/learn/khong-quiz/mot").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/learn/khong-quiz/mot/read", json={}, headers={"X-CSRFToken": token})
    assert response.status_code == 200, response.get_data(as_text=True)[-1500:]
    assert response.get_json() == {"read": True, "new": True, "completed": True, "next": "/learn/khong-quiz"}
    again = client.post("/learn/khong-quiz/mot/read", json={}, headers={"X-CSRFToken": token})
    assert again.get_json()["new"] is False and again.get_json()["completed"] is True
    refused = client.post("/learn/khong-quiz/mot/read", json={})
    assert refused.status_code == 400


def test_path_page_and_home_section(client, auth, learner):
    auth.login_as(learner)
    page = client.get("/path").get_data(as_text=True)
    assert "Test path" in page and "0 of 2 modules completed" in page
    client.post("/learn/khong-quiz/mot/read")
    page = client.get("/path/lo-trinh-thu").get_data(as_text=True)
    assert "1 of 2 modules completed" in page and '<progress class="bar" max="100" value="50"' in page
    home = client.get("/").get_data(as_text=True)
    assert "Continue learning" in home and "1 of 2 modules completed" in home
    assert client.get("/path/none").status_code == 404


def test_module_images_are_served_with_long_cache_headers(client, synced):
    digest = db.session.scalars(select(ModuleImage.content_hash)).one()
    response = client.get(f"/media/thu-nghiem/hinh.svg?v={digest[:10]}")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert "immutable" in response.headers["Cache-Control"]
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert "max-age=300" in client.get("/media/thu-nghiem/hinh.svg").headers["Cache-Control"]
    assert client.get("/media/thu-nghiem/other.svg").status_code == 404


def test_web_app_files(client, auth, learner):
    sw = client.get("/sw.js")
    assert sw.status_code == 200 and sw.mimetype == "text/javascript"
    assert "/offline" in sw.get_data(as_text=True) and "caches" in sw.get_data(as_text=True)
    manifest = client.get("/manifest.webmanifest").get_json()
    assert manifest["display"] == "standalone" and {i["sizes"] for i in manifest["icons"]} >= {"192x192", "512x512"}
    for size in (192, 512):
        png = client.get(f"/icon-{size}.png")
        assert png.data[:8] == b"\x89PNG\r\n\x1a\n" and int.from_bytes(png.data[16:20], "big") == size
    assert client.get("/offline").status_code == 200
    page = client.get("/login").get_data(as_text=True)
    assert 'data-sw="/sw.js"' in page and 'rel="manifest"' in page
    auth.login_as(learner)
    urls = client.get("/offline/thu-nghiem.json").get_json()["urls"]
    assert "/learn/thu-nghiem/bat-dau" in urls and any(u.startswith("/media/thu-nghiem/hinh.svg?v=") for u in urls)


def test_officer_sees_team_progress_only_in_own_commune(client, auth, make, synced):
    commune = make.commune()
    team = make.team(commune)
    reader = make.member_of(team, full_name="Đỗ Văn Đọc")
    make.member_of(team, full_name="Vũ Thị Chưa")
    other_team = make.team()
    officer = make.officer(commune)
    officer.locale = "en"
    make.commit()
    from lms.courses import services

    services.mark_lesson_read(reader.id, lesson_of("khong-quiz", "mot").id)
    db.session.commit()
    auth.login_as(officer)
    page = client.get("/learning-progress").get_data(as_text=True)
    assert team.name in page and other_team.name not in page
    page = client.get(f"/learning-progress?team={team.id}").get_data(as_text=True)
    assert "Đỗ Văn Đọc" in page and "Vũ Thị Chưa" in page and "0/2" in page and "✓" in page
    assert client.get(f"/learning-progress?team={other_team.id}").status_code == 404


def test_members_cannot_open_team_progress(client, auth, learner):
    auth.login_as(learner)
    assert client.get("/learning-progress").status_code == 403
