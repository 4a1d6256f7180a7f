"""Join and leave (seed 004), moves, audit, and the officer screens with their scoping."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from lms.audit import AuditEvent
from lms.auth.models import User
from lms.extensions import db
from lms.imports import ImportBatch
from lms.org import requests as proposals
from lms.org import services as svc
from lms.org.models import Membership, MembershipRequest
from tests.factories import PASSWORD


def test_join_needs_approval_then_creates_account(org):
    req = proposals.propose_join(org.yen_bac, actor_id=org.officer.id,
                                 proposed_on=date(2026, 11, 1), proposer_name="Tổ trưởng",
                                 full_name="Hà Văn Nam", phone="0977 111 222", role="member")
    db.session.commit()
    assert db.session.scalar(select(User).where(User.phone == "+84977111222")) is None
    with pytest.raises(svc.OrgError) as err:
        proposals.approve(req, actor_id=org.officer.id, decided_on=date(2026, 11, 5),
                          decision_no="")
    assert err.value.code == "decision_required"
    membership, person, password = proposals.approve(
        req, actor_id=org.officer.id, decided_on=date(2026, 11, 5), decision_no="12/QĐ-UBND")
    db.session.commit()
    assert password and person.must_change_password
    assert membership.joined_on == date(2026, 11, 5) and membership.decision_no == "12/QĐ-UBND"
    with pytest.raises(svc.OrgError):
        proposals.approve(req, actor_id=org.officer.id, decided_on=date(2026, 11, 5),
                          decision_no="12")
    leave = proposals.propose_leave(membership, actor_id=org.officer.id,
                                    proposed_on=date(2026, 11, 10), reason="Chuyển công tác")
    proposals.approve(leave, actor_id=org.officer.id, decided_on=date(2026, 11, 20),
                      decision_no="15/QĐ-UBND")
    db.session.commit()
    assert membership.left_on == date(2026, 11, 20)
    assert membership.leave_reason == "Chuyển công tác"
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"membership.join", "membership.leave", "membership_request.approve"} <= actions
    # Rejoining is a new row: history kept.
    again = svc.start_membership(person, org.yen_bac, "member", date(2026, 11, 22),
                                 actor_id=org.officer.id)
    assert again.id != membership.id
    assert db.session.scalar(select(func.count(Membership.id)).where(
        Membership.user_id == person.id)) == 2


def test_commune_and_village_team_at_once_and_move(org):
    svc.start_membership(org.member, org.commune_team, "deputy", date(2026, 1, 1),
                         actor_id=org.officer.id)
    m = svc.active_membership(org.member.id, org.hoa_lac.id)
    new = svc.move_member(m, org.yen_bac, date(2026, 6, 1), actor_id=org.officer.id)
    db.session.commit()
    assert m.left_on == date(2026, 6, 1) and new.joined_on == date(2026, 6, 1)
    teams = {x.team_id for x in svc.memberships_of(org.member) if x.left_on is None}
    assert teams == {org.commune_team.id, org.yen_bac.id}


def test_other_commune_is_refused(org):
    with pytest.raises(svc.OrgError) as err:
        svc.start_membership(org.other_leader, org.yen_bac, "member", date(2026, 2, 1),
                             actor_id=None)
    assert err.value.code == "other_commune"


def test_overview_counts_and_warnings(org):
    rows = {r.team.id: r for r in svc.team_overview(org.commune)}
    assert rows[org.hoa_lac.id].active == 2 and rows[org.hoa_lac.id].leader == "Trần Văn Dũng"
    assert rows[org.hoa_lac.id].warnings == ["too_small"]
    assert rows[org.yen_bac.id].warnings == ["too_small", "no_leader"]


def test_search_ignores_diacritics(org, auth, client):
    auth.login_as(org.officer)
    page = client.get("/org/search?q=nguyen thi MAI").get_data(as_text=True)
    assert "Nguyễn Thị Mai" in page
    page = client.get("/org/search?q=0900000004").get_data(as_text=True)
    assert "Nguyễn Thị Mai" in page
    page = client.get("/org/search?q=Pâng").get_data(as_text=True)
    assert "Lò Văn Pâng" not in page  # another commune


def test_officer_screens(org, auth, client):
    auth.login_as(org.officer)
    assert client.get("/org/").status_code == 302
    page = client.get(f"/org/communes/{org.commune.id}").get_data(as_text=True)
    assert 'id="team-list"' in page and "Trần Văn Dũng" in page
    page = client.get(f"/org/teams/{org.hoa_lac.id}").get_data(as_text=True)
    assert "0900 000 004" in page
    assert client.get(f"/org/people/{org.member.id}").status_code == 200
    home = client.get("/").get_data(as_text=True)
    assert 'id="org-home"' in home
    # Join with approval at once: the slip is shown.
    response = client.post(f"/org/teams/{org.yen_bac.id}/join", data={
        "full_name": "Lường Thị Hoa", "phone": "0966 123 456", "role": "leader",
        "proposed_on": "01/11/2026", "decided_on": "05/11/2026", "decision_no": "20/QĐ-UBND"})
    assert response.status_code == 200 and "0966 123 456" in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.phone == "+84966123456"))
    # Bad date: a message, nothing written.
    before = db.session.scalar(select(func.count(MembershipRequest.id)))
    response = client.post(f"/org/teams/{org.yen_bac.id}/join", data={
        "full_name": "A", "phone": "0966 123 457", "role": "member", "proposed_on": "31/02/2026"})
    assert "dd/mm/yyyy" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(MembershipRequest.id))) == before


def test_leader_and_member_views(org, auth, client):
    auth.login_as(org.leader)
    assert client.get(f"/org/teams/{org.hoa_lac.id}").status_code == 200
    assert client.get(f"/org/teams/{org.yen_bac.id}").status_code == 404
    assert "0900 000 004" in client.get(f"/org/people/{org.member.id}").get_data(as_text=True)
    auth.logout()
    auth.login_as(org.member)
    assert client.get(f"/org/teams/{org.hoa_lac.id}").status_code == 403
    assert client.get(f"/org/people/{org.leader.id}").status_code == 404
    response = client.post("/org/me", data={"phone": "0911 222 333", "occupation": "Kế toán",
                                            "password": PASSWORD})
    assert response.status_code == 302
    db.session.refresh(org.member)
    assert org.member.phone == "+84911222333" and org.member.occupation == "Kế toán"


def test_every_object_route_is_404_for_another_commune(org, auth, client):
    m = svc.active_membership(org.member.id, org.hoa_lac.id)
    req = proposals.propose_join(org.yen_bac, actor_id=None, proposed_on=date(2026, 11, 1),
                                 full_name="X Y", phone="0977000111")
    imp = ImportBatch(kind="roster", token="t" * 43, commune_id=org.commune.id, rows=[], problems=[])
    db.session.add(imp)
    db.session.commit()
    auth.login_as(org.other_officer)
    urls = [f"/org/communes/{org.commune.id}", f"/org/teams/{org.hoa_lac.id}",
            f"/org/people/{org.member.id}", f"/org/people/{org.member.id}/edit",
            f"/org/teams/{org.hoa_lac.id}/join", f"/org/requests/{req.id}",
            f"/org/memberships/{m.id}/leave", f"/org/memberships/{m.id}/move",
            f"/org/memberships/{m.id}/role", f"/org/communes/{org.commune.id}/import",
            f"/org/imports/{imp.token}", f"/org/communes/{org.commune.id}/roster.xlsx",
            f"/org/communes/{org.commune.id}/roster.csv"]
    for url in urls:
        assert client.get(url).status_code == 404, url
        assert client.post(url, data={}).status_code in (404, 405), url


def test_import_preview_confirm_through_the_screens(org, auth, client):
    auth.login_as(org.officer)
    text = ("Họ và tên,Số điện thoại,Thôn,Vai trò,Ngày tham gia\n"
            "Bùi Văn Long,0933444555,Thôn Mới,Thành viên,01/01/2026\n"
            "Sai Số,123,Hòa Lạc,Thành viên,01/01/2026\n")
    response = client.post(f"/org/communes/{org.commune.id}/import",
                           data={"file": (io.BytesIO(text.encode()), "ds.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert 'id="problems"' in page and "Thôn Mới" in page and "123" in page
    assert 'id="confirm-form"' not in page
    fixed = text.replace("Sai Số,123,", "Sai Số,0933444556,")
    response = client.post(f"/org/communes/{org.commune.id}/import",
                           data={"file": (io.BytesIO(("\ufeff" + fixed).encode()), "ds.csv")},
                           content_type="multipart/form-data")
    url = response.location
    assert 'id="confirm-form"' in client.get(url).get_data(as_text=True)
    response = client.post(url, data={"create_villages": "y"})
    assert 'id="import-result"' in response.get_data(as_text=True)
    assert db.session.scalar(select(User).where(User.phone == "+84933444555"))
    again = client.post(url, data={"create_villages": "y"})  # double submit: harmless
    assert again.status_code == 200
    assert db.session.scalar(select(func.count(User.id)).where(
        User.phone.in_(["+84933444555", "+84933444556"]))) == 2


def test_export_download(org, auth, client):
    auth.login_as(org.officer)
    response = client.get(f"/org/communes/{org.commune.id}/roster.csv")
    assert response.status_code == 200
    assert "Nguyễn Thị Mai" in response.data.decode("utf-8-sig")
    response = client.get(f"/org/communes/{org.commune.id}/roster.xlsx")
    assert response.data[:2] == b"PK"


def test_upload_over_the_cap_is_refused(org, auth, client):
    auth.login_as(org.officer)
    big = io.BytesIO(b"a" * (5 * 1024 * 1024))
    response = client.post(f"/org/communes/{org.commune.id}/import",
                           data={"file": (big, "big.csv")}, content_type="multipart/form-data")
    assert response.status_code == 413


def test_admin_creates_commune_and_assigns_officer(app, make, auth, client):
    admin = make.admin()
    db.session.commit()
    auth.login_as(admin)
    response = client.post("/org/communes", data={"code": "kb", "name": "Xã Kim Bảng",
                                                  "province": "Ninh Bình",
                                                  "village_kind": "thon"})
    assert response.status_code == 302
    from lms.org.models import Commune

    commune = db.session.scalar(select(Commune).where(Commune.code == "KB"))
    response = client.post(f"/org/communes/{commune.id}/officers",
                           data={"phone": "0922 333 444", "full_name": "Đinh Thị Thảo"})
    assert response.status_code == 200
    officer = db.session.scalar(select(User).where(User.phone == "+84922333444"))
    assert officer.account_role == "officer" and officer.commune_id == commune.id
