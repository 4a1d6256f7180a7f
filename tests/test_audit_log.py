"""The officer's audit log lists the commune's changes, and only theirs."""

from lms.audit import record


def test_officer_sees_own_commune_changes_only(client, auth, make):
    a, b = make.commune(code="A"), make.commune(code="B")
    officer = make.officer(a)
    record("attendance.mark", "attendance", 1, actor_id=officer.id, commune_id=a.id,
           before={"status": "absent"}, after={"status": "present"})
    record("certificate.revoke", "certificate", 2, actor_id=None, commune_id=b.id,
           after={"reason": "sai tên"})
    make.commit()
    auth.login_as(officer)
    html = client.get("/audit").get_data(as_text=True)
    assert 'data-action="attendance.mark"' in html
    assert "absent → present" in html
    assert "certificate.revoke" not in html
    html = client.get("/audit?group=certificate").get_data(as_text=True)
    assert 'data-action="attendance.mark"' not in html


def test_members_cannot_open_the_audit_log(client, auth, make):
    member = make.member_of(make.team())
    make.commit()
    auth.login_as(member)
    assert client.get("/audit").status_code == 403
