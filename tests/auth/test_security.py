"""CSRF, rate limits, cookie flags and security headers."""

import re

import pytest

from tests.factories import PASSWORD


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_form_without_csrf_token_is_rejected(client, make):
    make.user(phone_number="+84912345678")
    make.commit()
    response = client.post("/login", data={"phone": "0912345678", "password": PASSWORD})
    assert response.status_code == 400
    assert "Biểu mẫu đã hết hạn" in response.get_data(as_text=True)


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_forged_csrf_token_is_rejected_and_real_one_accepted(client, make):
    make.user(phone_number="+84912345678")
    make.commit()
    html = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)
    forged = client.post(
        "/login", data={"phone": "0912345678", "password": PASSWORD, "csrf_token": token[:-2] + "xx"}
    )
    assert forged.status_code == 400
    real = client.post(
        "/login", data={"phone": "0912345678", "password": PASSWORD, "csrf_token": token}
    )
    assert real.status_code == 302


def test_csrf_token_lives_at_least_four_hours(app):
    assert app.config["WTF_CSRF_TIME_LIMIT"] >= 4 * 3600


def test_login_is_rate_limited_per_phone(client, make):
    make.user(phone_number="+84912345678")
    make.commit()
    for _ in range(5):
        assert client.post("/login", data={"phone": "0912345678", "password": "x"}).status_code == 200
    blocked = client.post("/login", data={"phone": "0912 345 678", "password": PASSWORD})
    assert blocked.status_code == 429
    assert "Bạn đã thử quá nhiều lần" in blocked.get_data(as_text=True)


@pytest.mark.app_config(LOGIN_ADDRESS_LIMIT="5 per minute")
def test_login_is_rate_limited_per_address(client, make):
    make.commit()
    for i in range(5):
        client.post("/login", data={"phone": f"09123456{i:02d}", "password": "x"})
    response = client.post("/login", data={"phone": "0987654321", "password": "x"})
    assert response.status_code == 429


def test_successful_logins_do_not_count_towards_the_limit(client, auth, make):
    make.user(phone_number="+84912345678")
    make.commit()
    for _ in range(7):
        assert auth.login("0912345678").status_code == 302
        auth.logout()


def test_session_cookie_flags(client, auth, make):
    make.user(phone_number="+84912345678")
    make.commit()
    response = auth.login("0912345678")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


@pytest.mark.app_config(SESSION_COOKIE_SECURE=True)
def test_session_cookie_is_secure_under_https(client, auth, make):
    make.user(phone_number="+84912345678")
    make.commit()
    response = auth.login("0912345678")
    assert "Secure" in response.headers["Set-Cookie"]


def test_https_base_url_turns_on_secure_cookies(monkeypatch):
    from lms.config import load_config

    monkeypatch.setenv("BASE_URL", "https://cnscd.example.gov.vn")
    config = load_config({"SECRET_KEY": "x"})
    assert config["SESSION_COOKIE_SECURE"] is True


def test_production_refuses_to_start_without_secret(monkeypatch):
    from lms.config import ConfigError, load_config

    monkeypatch.setenv("LMS_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError):
        load_config()


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert "script-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_no_inline_script_in_pages(client):
    html = client.get("/login").get_data(as_text=True)
    for match in re.finditer(r"<script([^>]*)>(.*?)</script>", html, re.S):
        assert "src=" in match.group(1) and not match.group(2).strip()
    assert " onclick=" not in html and " onload=" not in html


@pytest.mark.app_config(MAX_CONTENT_LENGTH=1024)
def test_upload_size_is_capped(client, caplog):
    response = client.post("/login", data={"phone": "x" * 4096, "password": "x"})
    assert response.status_code == 413
    assert "Tệp quá lớn" in response.get_data(as_text=True)
    # The log-in limit's key reads the form; an oversized body must not look like a dead
    # counter store (which would make every process count on its own).
    assert not [r for r in caplog.records if r.name.startswith("flask-limiter")
                or "storage unreachable" in r.getMessage()]


def test_error_pages_are_translated(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.get_data(as_text=True)


def test_login_limit_counters_can_live_in_redis(database_url, caplog):
    """Several app servers share rate-limit counters through Redis (RATELIMIT_STORAGE_URI)."""
    import os
    import uuid

    url = os.environ.get("REDIS_TEST_URL")
    if not url:
        pytest.skip("Redis rate-limit test skipped: REDIS_TEST_URL is not set")
    from lms import create_app
    from lms.extensions import db
    from tests.conftest import base_config

    # The Redis database outlives the test run, and so does the per-address counter of earlier
    # runs (every test client is 127.0.0.1): a fresh key prefix starts from zero.
    settings = dict(base_config(database_url), RATELIMIT_STORAGE_URI=url,
                    RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex}")
    phone = f"09{uuid.uuid4().int % 10**8:08d}"
    first, second = create_app(settings), create_app(settings)
    try:
        # Two "servers": failures on one count on the other.
        codes = [first.test_client().post("/login", data={"phone": phone, "password": "x"})
                 .status_code for _ in range(3)]
        codes += [second.test_client().post("/login", data={"phone": phone, "password": "x"})
                  .status_code for _ in range(2)]
        assert codes == [200] * 5
        blocked = first.test_client().post("/login", data={"phone": phone, "password": "x"})
        assert blocked.status_code == 429
        # Counted in Redis, not in a process's fallback memory.
        assert not [r for r in caplog.records if "storage unreachable" in r.getMessage()]
    finally:
        for app in (first, second):
            with app.app_context():
                db.engine.dispose()



# Port 1 on loopback refuses connections at once, as a stopped Redis does.
@pytest.mark.app_config(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0")
def test_redis_down_keeps_log_in_working_and_limited(app):
    """With the shared counter store unreachable, log-in neither fails with a 500 nor goes
    unlimited: the limiter falls back to counting in the process until Redis is back."""
    codes = [app.test_client().post("/login", data={"phone": "0912345678", "password": "x"})
             .status_code for _ in range(6)]
    assert 500 not in codes
    assert codes[0] == 200 and codes[-1] == 429
