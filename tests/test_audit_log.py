"""The officer's audit log lists the commune's changes, and only theirs."""

from lms.audit import record


def test_officer_sees_own_commune_changes_only(client, auth, make):
    a, b = make.commune(code="A"), make.commune(code="B")
    officer = make.officer(a, full_name="Lê Thị Thu Hà")
    member = make.member_of(make.team(a), "Hà Văn Sơn")
    record("attendance.mark", "attendance", 1, actor_id=officer.id, commune_id=a.id,
           before={"status": "absent"},
           after={"status": "present", "method": "manual", "user_id": member.id})
    record("certificate.revoke", "certificate", 2, actor_id=None, commune_id=b.id,
           after={"reason": "sai tên"})
    make.commit()
    auth.login_as(officer)
    html = client.get("/audit").get_data(as_text=True)
    assert 'data-action="attendance.mark"' in html
    assert "Vắng → Có mặt" in html
    assert "Hà Văn Sơn" in html and "Lê Thị Thu Hà" in html
    assert f">{member.id}<" not in html
    assert "certificate.revoke" not in html
    html = client.get("/audit?group=certificate").get_data(as_text=True)
    assert 'data-action="attendance.mark"' not in html


def test_members_cannot_open_the_audit_log(client, auth, make):
    member = make.member_of(make.team())
    make.commit()
    auth.login_as(member)
    assert client.get("/audit").status_code == 403
