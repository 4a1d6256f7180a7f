"""Accounts belong to one place: an officer cannot attach, rename, edit or reset an account that
is not a member of their commune (security review, point 1), and every account change is
audited."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from lms.audit import AuditEvent
from lms.auth.models import User
from lms.extensions import db
from lms.org.models import Membership
from lms.org.roster import check_rows, read_roster
from lms.org.roster_db import apply_rows
from lms.org.services import OrgError
from tests.factories import PASSWORD

HEADER = "Họ và tên,Số điện thoại,Năm sinh,Giới tính,Tổ dân phố,Vai trò,Nghề nghiệp,Ngày tham gia,Ngày rời tổ\n"


@pytest.fixture
def admin(make, org):
    person = make.user("Quản Trị Hệ Thống", phone_number="+84900000001", account_role="admin")
    db.session.commit()
    return person


def _memberships(person) -> int:
    return db.session.scalar(select(func.count(Membership.id)).where(
        Membership.user_id == person.id))


def _join(client, team, phone, name="Kẻ Mạo Danh"):
    return client.post(f"/org/teams/{team.id}/join", data={
        "full_name": name, "phone": phone, "role": "member",
        "proposed_on": "01/11/2026", "decided_on": "02/11/2026", "decision_no": "9/QĐ-UBND"})


@pytest.mark.parametrize("target", ["admin", "other_officer", "officer_self"])
def test_takeover_by_join_form_fails(org, admin, auth, client, target):
    victim = {"admin": admin, "other_officer": org.other_officer,
              "officer_self": org.officer}[target]
    auth.login_as(org.officer)
    # Request 1: attach the account to the officer's own team.
    response = _join(client, org.hoa_lac, victim.phone.replace("+84", "0"))
    assert response.status_code == 200
    assert "thuộc về một tài khoản bạn không thể thay đổi" in response.get_data(as_text=True)
    assert _memberships(victim) == 0
    # Requests 2–3: reset its password — a 404, and the hash is unchanged.
    before = victim.password_hash
    assert client.get(f"/accounts/{victim.id}/reset-password").status_code == 404
    assert client.post(f"/accounts/{victim.id}/reset-password").status_code == 404
    db.session.expire_all()
    assert db.session.get(User, victim.id).password_hash == before
    assert client.post(f"/org/people/{victim.id}/edit", data={
        "full_name": "Đổi Tên", "phone": "0999999999"}).status_code == 404


def test_takeover_by_roster_import_fails(org, admin):
    text = (HEADER + f"Kẻ Mạo Danh,{admin.phone},1990,Nam,Tổ dân phố Hòa Lạc,Thành viên,,"
            "01/03/2025,\n")
    raw, _headers = read_roster(text.encode(), "roster.csv")
    checked = check_rows(org.commune, raw)
    assert [p["code"] for p in checked.problems] == ["foreign_account"]
    assert checked.rows == []
    # A forged confirmation of a preview made before is refused too, and nothing changes.
    from lms.org import roster

    forged = roster.Checked(rows=[{
        "row": 2, "phone": admin.phone, "full_name": "Kẻ Mạo Danh", "birth_year": None,
        "gender": None, "occupation": None, "village_key": "", "role": "member",
        "joined_on": "2025-03-01", "left_on": None}])
    with pytest.raises(OrgError):
        apply_rows(org.commune, forged, actor_id=org.officer.id)
    db.session.rollback()
    assert db.session.get(User, admin.id).full_name == "Quản Trị Hệ Thống"
    assert _memberships(admin) == 0


def test_import_page_explains_the_foreign_phone(org, admin, auth, client):
    import io

    auth.login_as(org.officer)
    text = HEADER + f"Ai Đó,{admin.phone},1990,Nam,Tổ dân phố Hòa Lạc,Thành viên,,01/03/2025,\n"
    response = client.post(f"/org/communes/{org.commune.id}/import", data={
        "file": (io.BytesIO(text.encode()), "roster.csv")}, content_type="multipart/form-data",
        follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "không thể thay đổi" in page and "quản trị" in page


def test_person_who_moved_away_leaves_the_old_officers_reach(org, make, auth, client):
    mover = make.user("Hà Văn Chuyển")
    make.membership(mover, org.hoa_lac, joined_on=date(2024, 1, 1), left_on=date(2025, 6, 1))
    make.membership(mover, org.other_team, joined_on=date(2025, 6, 2))
    db.session.commit()
    auth.login_as(org.officer)
    # The history stays readable …
    assert client.get(f"/org/people/{mover.id}").status_code == 200
    # … but the account is no longer the old commune's to change.
    assert client.post(f"/accounts/{mover.id}/reset-password").status_code == 404
    assert client.get(f"/org/people/{mover.id}/edit").status_code == 404
    # The new commune's officer may.
    auth.logout()
    auth.login_as(org.other_officer)
    response = client.post(f"/accounts/{mover.id}/reset-password")
    assert response.status_code == 200


def test_officer_reset_of_a_member_is_audited_and_ends_sessions(org, auth, client, app):
    member_client = app.test_client()
    member_client.post("/login", data={"phone": org.member.phone, "password": PASSWORD})
    assert member_client.get("/org/me").status_code == 200
    auth.login_as(org.officer)
    response = client.post(f"/accounts/{org.member.id}/reset-password")
    assert response.status_code == 200
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.password_reset"))
    assert event.actor_id == org.officer.id and event.commune_id == org.commune.id
    # The member's phone session is over.
    assert member_client.get("/org/me").status_code == 302


def test_admin_may_still_reset_an_officer(org, admin, auth, client):
    auth.login_as(admin)
    assert client.post(f"/accounts/{org.officer.id}/reset-password").status_code == 200


def test_account_creation_and_slips_are_audited(org, auth, client):
    auth.login_as(org.officer)
    response = _join(client, org.yen_bac, "0966 555 111", name="Lường Thị Hoa")
    assert response.status_code == 200
    person = db.session.scalar(select(User).where(User.phone == "+84966555111"))
    created = db.session.scalar(select(AuditEvent).where(
        AuditEvent.action == "user.create", AuditEvent.object_id == person.id))
    assert created.actor_id == org.officer.id and created.commune_id == org.commune.id
    # Log-in slips for people who never logged in: each one audited.
    client.post(f"/org/teams/{org.yen_bac.id}/slips")
    slips = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "user.slip")).all()
    assert [e.object_id for e in slips] == [person.id]


def test_slips_skip_accounts_the_commune_cannot_change(org, make, auth, client):
    # An officer account that somehow sits in a team (e.g. added by the administrator).
    make.membership(org.other_officer, org.yen_bac, joined_on=date(2025, 1, 1))
    db.session.commit()
    before = org.other_officer.password_hash
    auth.login_as(org.officer)
    page = client.post(f"/org/teams/{org.yen_bac.id}/slips").get_data(as_text=True)
    assert org.other_officer.full_name not in page
    db.session.expire_all()
    assert db.session.get(User, org.other_officer.id).password_hash == before


def test_own_phone_change_needs_the_password(org, auth, client):
    auth.login_as(org.member)
    # Probing whether a number has an account needs the password now.
    response = client.post("/org/me", data={"phone": org.leader.phone, "occupation": ""})
    page = response.get_data(as_text=True)
    assert "đã có tài khoản" not in page and "mật khẩu hiện tại" in page
    response = client.post("/org/me", data={"phone": "0911 222 333", "occupation": "",
                                            "password": "wrong-one"})
    db.session.expire_all()
    assert db.session.get(User, org.member.id).phone == org.member.phone
    response = client.post("/org/me", data={"phone": "0911 222 333", "occupation": "Nông dân",
                                            "password": PASSWORD})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, org.member.id).phone == "+84911222333"
    # The change shows on the commune's audit log.
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.update"))
    assert event.commune_id == org.commune.id
    assert event.before == {"phone": "+84900000004", "occupation": None}


def test_own_profile_changes_are_rate_limited(org, auth, client):
    auth.login_as(org.member)
    codes = [client.post("/org/me", data={"phone": f"09112223{i:02d}", "password": "x"}
                         ).status_code for i in range(11)]
    assert codes[:10] == [200] * 10 and codes[10] == 429
