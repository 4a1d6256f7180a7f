"""Sessions that end (security review, point 2), log-in limits that cannot lock out a commune
(point 3) and the error page that survives a database error (point 7)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from lms import create_app
from lms.auth.models import UserSession
from lms.config import ConfigError, load_config
from lms.extensions import db
from lms.models_base import utcnow
from tests.factories import PASSWORD


def _login(app, person, password=PASSWORD):
    browser = app.test_client()
    response = browser.post("/login", data={"phone": person.phone, "password": password})
    assert response.status_code == 302
    return browser


def _cookie(browser) -> str:
    return browser.get_cookie("session").value


def test_copied_cookie_is_dead_after_logout(app, make):
    person = make.user(phone_number="+84912345678")
    make.commit()
    browser = _login(app, person)
    stolen = _cookie(browser)
    assert browser.get("/org/me").status_code == 200
    browser.post("/logout")
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get("/org/me").status_code == 302  # back to the log-in page


def test_password_change_ends_every_other_session(app, make):
    person = make.user(phone_number="+84912345678")
    make.commit()
    phone, laptop = _login(app, person), _login(app, person)
    response = laptop.post("/password", data={"current": PASSWORD, "new": "mot-mat-khau-moi",
                                              "confirm": "mot-mat-khau-moi"})
    assert response.status_code == 302
    assert laptop.get("/org/me").status_code == 200  # the session that changed it goes on
    assert phone.get("/org/me").status_code == 302


def test_log_out_on_every_other_device(app, make):
    person = make.user(phone_number="+84912345678")
    make.commit()
    lost, kept = _login(app, person), _login(app, person)
    assert "2 thiết bị" in kept.get("/org/me").get_data(as_text=True)
    kept.post("/sessions/end-others")
    assert lost.get("/org/me").status_code == 302
    assert kept.get("/org/me").status_code == 200


def test_idle_session_expires(app, make):
    person = make.user(phone_number="+84912345678")
    make.commit()
    browser = _login(app, person)
    db.session.execute(update(UserSession).values(
        last_seen_at=utcnow() - timedelta(days=app.config["SESSION_IDLE_DAYS"], minutes=1)))
    db.session.commit()
    assert browser.get("/org/me").status_code == 302
    assert db.session.scalar(select(UserSession.ended_at)) is not None


def test_session_too_old_expires_even_when_used(app, make):
    person = make.user(phone_number="+84912345678")
    make.commit()
    browser = _login(app, person)
    db.session.execute(update(UserSession).values(
        created_at=utcnow() - timedelta(days=app.config["SESSION_MAX_DAYS"], minutes=1)))
    db.session.commit()
    assert browser.get("/org/me").status_code == 302


def test_account_closed_while_logged_in_is_out_at_the_next_request(app, make):
    person = make.user(phone_number="+84912345678")
    make.commit()
    browser = _login(app, person)
    assert browser.get("/org/me").status_code == 200
    person.active = False
    db.session.commit()
    assert browser.get("/org/me").status_code == 302  # back to the log-in page


def test_cookie_without_server_session_is_refused(app, make):
    """A cookie forged with the secret but naming no live session opens nothing."""
    person = make.user(phone_number="+84912345678")
    make.commit()
    serializer = app.session_interface.get_signing_serializer(app)
    browser = app.test_client()
    browser.set_cookie("session", serializer.dumps({"_user_id": str(person.id), "_fresh": True}))
    assert browser.get("/org/me").status_code == 302


def test_failures_from_one_address_do_not_lock_out_the_office(app, make):
    """Five failed log-ins from the office's one address leave colleagues able to log in."""
    colleague = make.user(phone_number="+84912345678")
    make.commit()
    browser = app.test_client()
    for i in range(5):
        browser.post("/login", data={"phone": f"09876543{i:02d}", "password": "x"})
    response = browser.post("/login", data={"phone": colleague.phone, "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.app_config(TRUSTED_PROXIES=1, LOGIN_ADDRESS_LIMIT="3 per minute")
def test_client_address_comes_from_the_trusted_proxy(app, make):
    make.commit()
    browser = app.test_client()
    for _ in range(3):
        browser.post("/login", data={"phone": "0987654300", "password": "x"},
                     headers={"X-Forwarded-For": "203.0.113.7"})
    blocked = browser.post("/login", data={"phone": "0987654301", "password": "x"},
                           headers={"X-Forwarded-For": "203.0.113.7"})
    assert blocked.status_code == 429
    other = browser.post("/login", data={"phone": "0987654302", "password": "x"},
                         headers={"X-Forwarded-For": "198.51.100.9"})
    assert other.status_code == 200


@pytest.mark.app_config(LOGIN_ADDRESS_LIMIT="3 per minute")
def test_forwarded_header_is_ignored_without_trusted_proxies(app, make):
    make.commit()
    browser = app.test_client()
    for i in range(3):
        browser.post("/login", data={"phone": "0987654300", "password": "x"},
                     headers={"X-Forwarded-For": f"203.0.113.{i}"})
    blocked = browser.post("/login", data={"phone": "0987654301", "password": "x"},
                           headers={"X-Forwarded-For": "198.51.100.9"})
    assert blocked.status_code == 429


def test_production_refuses_unset_rate_limit_storage(monkeypatch):
    monkeypatch.setenv("LMS_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 32)
    monkeypatch.setenv("BASE_URL", "https://cnscd.example.gov.vn")
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URI"):
        load_config()
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/0")
    assert load_config()["RATELIMIT_STORAGE_URI"].startswith("redis://")


def test_production_warns_loudly_about_memory_storage(monkeypatch, caplog):
    monkeypatch.setenv("LMS_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 32)
    monkeypatch.setenv("BASE_URL", "https://cnscd.example.gov.vn")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")
    load_config()
    assert "per worker process" in caplog.text


def test_database_error_page_rolls_back_and_keeps_security_headers(database_url, _schema, make):
    from tests.conftest import _empty_tables, base_config

    settings = base_config(database_url)
    settings.update(TESTING=False, PROPAGATE_EXCEPTIONS=False)
    app = create_app(settings)

    @app.route("/_broken")
    def broken():
        from sqlalchemy import text

        db.session.execute(text("SELECT * FROM no_such_table"))
        return "never"

    with app.app_context():
        person = make.user(phone_number="+84912345678")
        make.commit()
        browser = app.test_client()
        browser.post("/login", data={"phone": person.phone, "password": PASSWORD})
        response = browser.get("/_broken")
        assert response.status_code == 500
        assert "Content-Security-Policy" in response.headers
        assert "X-Frame-Options" in response.headers
        assert "<html" in response.get_data(as_text=True)  # the app's page, not Werkzeug's
        db.session.remove()
        _empty_tables()
        db.engine.dispose()


def test_base_url_follows_host_and_port_in_development(monkeypatch):
    monkeypatch.delenv("BASE_URL", raising=False)
    monkeypatch.delenv("LMS_ENV", raising=False)
    monkeypatch.setenv("HOST", "127.0.0.1")
    monkeypatch.setenv("PORT", "8000")
    assert load_config()["BASE_URL"] == "http://127.0.0.1:8000"
    monkeypatch.setenv("BASE_URL", "https://cnscd.example.gov.vn/")
    assert load_config()["BASE_URL"] == "https://cnscd.example.gov.vn"


def test_production_requires_base_url(monkeypatch):
    monkeypatch.setenv("LMS_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 32)
    monkeypatch.delenv("BASE_URL", raising=False)
    with pytest.raises(ConfigError, match="BASE_URL"):
        load_config()


def _officer_and_member(make):
    commune = make.commune()
    officer, member = make.officer(commune), make.user()
    make.commit()
    return officer, member


@pytest.mark.app_config(BASE_URL="http://127.0.0.1:5000")
def test_officer_sees_a_notice_when_base_url_differs(app, client, auth, make, caplog):
    officer, member = _officer_and_member(make)
    auth.login_as(officer)  # the test client talks to http://localhost
    page = client.get("/").get_data(as_text=True)
    assert 'id="base-url-notice"' in page and "localhost" in page
    assert "BASE_URL is http://127.0.0.1:5000" in caplog.text
    auth.logout()
    auth.login_as(member)
    assert 'id="base-url-notice"' not in client.get("/").get_data(as_text=True)


def test_no_notice_when_the_address_matches(app, client, auth, make):
    officer, _member = _officer_and_member(make)
    auth.login_as(officer)
    assert 'id="base-url-notice"' not in client.get("/").get_data(as_text=True)


def test_the_cookie_is_renewed_once_a_day_not_on_every_request(app, make, monkeypatch):
    """Responses of an unchanged session carry no Set-Cookie (an autosave is a few hundred
    bytes lighter and is not signed again); the first request of a new day renews the cookie,
    so its idle expiry still follows use."""
    import time

    person = make.member_of(make.team(make.commune()))
    make.commit()
    browser = _login(app, person)
    browser.get("/")  # the first page after log-in adds the form token to the session
    assert "Set-Cookie" not in browser.get("/").headers
    assert "Set-Cookie" not in browser.get("/learn").headers
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 86400)
    renewed = browser.get("/")
    assert renewed.status_code == 200
    cookie = renewed.headers["Set-Cookie"]
    assert cookie.startswith("session=") and "Expires=" in cookie
    assert "Set-Cookie" not in browser.get("/").headers
    # A visitor's cookie (the log-in form's token) stays a browser-session cookie.
    assert "Expires=" not in app.test_client().get("/login").headers["Set-Cookie"]
