import pytest

from lms.auth.models import User
from lms.extensions import db
from tests.factories import PASSWORD


def test_login_page_renders_in_vietnamese_by_default(client):
    response = client.get("/login")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="vi"' in html
    assert "Đăng nhập" in html


@pytest.mark.parametrize("spelling", ["0912 345 678", "+84912345678", "84912345678"])
def test_login_accepts_every_phone_spelling(client, auth, make, spelling):
    make.user(phone_number="+84912345678")
    make.commit()
    response = auth.login(spelling)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_unknown_phone_and_wrong_password_get_the_same_message(client, auth, make):
    make.user(phone_number="+84912345678")
    make.commit()
    wrong_password = auth.login("0912345678", "not the password").get_data(as_text=True)
    unknown_phone = auth.login("0987654321", PASSWORD).get_data(as_text=True)
    message = "Số điện thoại hoặc mật khẩu không đúng."
    assert message in wrong_password
    assert message in unknown_phone


def test_disabled_account_cannot_log_in(client, auth, make):
    make.user(phone_number="+84912345678", active=False)
    make.commit()
    assert auth.login("0912345678").status_code == 200


def test_temporary_password_forces_a_change(client, auth, make):
    user = make.user(phone_number="+84912345678", must_change_password=True)
    make.commit()
    response = auth.login("0912345678")
    assert response.headers["Location"].endswith("/password")
    # Every other page sends the user back to the change form.
    assert client.get("/").headers["Location"].endswith("/password")
    response = client.post(
        "/password",
        data={"current": PASSWORD, "new": "a-new-secret-9", "confirm": "a-new-secret-9"},
    )
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.must_change_password is False
    assert client.get("/").status_code == 200


def test_first_log_in_asks_only_for_the_new_password(client, auth, make):
    user = make.user(phone_number="+84912345678", must_change_password=True)
    make.commit()
    auth.login("0912345678")
    page = client.get("/password").get_data(as_text=True)
    assert 'name="current"' not in page and 'name="new"' in page
    # The temporary password cannot be kept as the new one.
    page = client.post("/password", data={"new": PASSWORD, "confirm": PASSWORD}
                       ).get_data(as_text=True)
    assert "Mật khẩu mới phải khác mật khẩu cũ." in page
    response = client.post("/password", data={"new": "a-new-secret-9",
                                              "confirm": "a-new-secret-9"})
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.must_change_password is False
    # Later changes ask for the current password again.
    assert 'name="current"' in client.get("/password").get_data(as_text=True)


def test_a_rejected_change_keeps_what_was_right(client, auth, make):
    make.user(phone_number="+84912345678")
    make.commit()
    auth.login("0912345678")
    # Too short: the current password stays filled in, the two new ones are to be retyped.
    page = client.post("/password", data={"current": PASSWORD, "new": "short",
                                          "confirm": "short"}).get_data(as_text=True)
    assert f'value="{PASSWORD}"' in page and 'value="short"' not in page
    assert "ít nhất 8 ký tự" in page
    # Wrong current password: the new ones stay.
    page = client.post("/password", data={"current": "nope", "new": "a-new-secret-9",
                                          "confirm": "a-new-secret-9"}).get_data(as_text=True)
    assert 'value="a-new-secret-9"' in page and 'value="nope"' not in page


def test_change_password_rejects_wrong_current_and_weak_new(client, auth, make):
    make.user(phone_number="+84912345678")
    make.commit()
    auth.login("0912345678")
    html = client.post(
        "/password", data={"current": "wrong", "new": "another-secret", "confirm": "another-secret"}
    ).get_data(as_text=True)
    assert "Mật khẩu hiện tại không đúng." in html
    html = client.post(
        "/password", data={"current": PASSWORD, "new": "0912345678", "confirm": "0912345678"}
    ).get_data(as_text=True)
    assert "Không dùng số điện thoại làm mật khẩu." in html


def test_logout_needs_post(client, auth, make):
    make.user(phone_number="+84912345678")
    make.commit()
    auth.login("0912345678")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/").headers["Location"].endswith("/login")


def test_next_parameter_cannot_redirect_elsewhere(client, make):
    make.user(phone_number="+84912345678")
    make.commit()
    response = client.post(
        "/login?next=https://evil.example/", data={"phone": "0912345678", "password": PASSWORD}
    )
    assert response.headers["Location"] == "/"


def test_password_hash_is_argon2id_at_owasp_cost(app):
    from argon2 import extract_parameters

    from lms.auth.passwords import make_hash
    from lms.config import load_config

    method = load_config()["PASSWORD_HASH_METHOD"]
    params = extract_parameters(make_hash("a long passphrase", method))
    # OWASP Password Storage Cheat Sheet: Argon2id, at least 19 MiB with 2 passes and 1 lane.
    assert params.type.name == "ID"
    assert params.memory_cost >= 19 * 1024 and params.time_cost >= 2


@pytest.mark.parametrize("old_method", ["scrypt:1024:8:1", "pbkdf2:sha256:1000",
                                        "argon2id:2048:1:1"])
def test_an_older_hash_still_logs_in_and_is_replaced(client, auth, make, old_method):
    from werkzeug.security import generate_password_hash

    from lms.auth.passwords import make_hash, verify

    user = make.user(phone_number="+84912345678")
    user.password_hash = (make_hash(PASSWORD, old_method) if old_method.startswith("argon2")
                          else generate_password_hash(PASSWORD, method=old_method))
    make.commit()
    assert auth.login("0912345678").status_code == 302
    db.session.expire_all()
    stored = db.session.get(User, user.id).password_hash
    assert stored.startswith("$argon2id$v=19$m=1024,t=1,p=1$") and verify(stored, PASSWORD)
    auth.logout()
    assert auth.login("0912345678").status_code == 302
    assert db.session.get(User, user.id).password_hash == stored  # current: left alone


def test_a_damaged_hash_is_a_failed_log_in_not_an_error(client, auth, make):
    for damaged in ("$argon2id$v=19$m=1024,t=1,p=1$broken", "scrypt:1024$nosalt",
                    "md5$abc$def"):
        user = make.user()
        user.password_hash = damaged
        make.commit()
        response = auth.login("0" + user.phone[3:])
        assert response.status_code == 200
        assert "Số điện thoại hoặc mật khẩu không đúng" in response.get_data(as_text=True)


def test_an_unknown_hash_method_stops_the_start(monkeypatch):
    from lms.config import ConfigError, load_config

    for method in ("argon2id:19456", "bcrypt:12", "argon2id:x:2:1"):
        monkeypatch.setenv("PASSWORD_HASH_METHOD", method)
        with pytest.raises(ConfigError, match="PASSWORD_HASH_METHOD"):
            load_config({"SECRET_KEY": "x"})


def test_officer_creates_account_with_temporary_password(client, auth, make):
    commune = make.commune()
    officer = make.officer(commune)
    make.commit()
    auth.login_as(officer)
    response = client.post(
        "/accounts/new",
        data={"full_name": "Phạm  Thị Hoa", "phone": "0977 000 111", "account_role": "member"},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Mật khẩu tạm" in html and "<svg" in html
    created = db.session.query(User).filter_by(phone="+84977000111").one()
    assert created.full_name == "Phạm Thị Hoa"
    assert created.must_change_password


def test_officer_cannot_create_an_officer_account(client, auth, make):
    commune = make.commune()
    officer = make.officer(commune)
    make.commit()
    auth.login_as(officer)
    client.post(
        "/accounts/new",
        data={"full_name": "Người Lạ", "phone": "0977000112", "account_role": "officer"},
    )
    assert db.session.query(User).filter_by(phone="+84977000112").first() is None


def test_member_cannot_open_officer_pages(client, auth, make):
    user = make.user()
    make.commit()
    auth.login_as(user)
    assert client.get("/accounts/new").status_code == 403


def test_language_chosen_before_log_in_becomes_the_accounts(client, auth, make):
    user = make.user(phone_number="+84912345678")
    make.commit()
    client.post("/language/en", data={"next": "/login"})
    assert '<html lang="en"' in client.get("/login").get_data(as_text=True)
    auth.login("0912345678")
    assert '<html lang="en"' in client.get("/").get_data(as_text=True)
    db.session.refresh(user)
    assert user.locale == "en"


def test_account_language_is_kept_when_nothing_was_chosen(client, auth, make):
    make.user(phone_number="+84912345678", locale="en")
    make.commit()
    auth.login("0912345678")
    assert '<html lang="en"' in client.get("/").get_data(as_text=True)
