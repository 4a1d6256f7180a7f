"""A member's learning record on /org/people/<id> and /org/me; the leader's team status;
the menu entry."""

from datetime import date

from lms.extensions import db
from lms.training import services as svc


def test_record_lists_qr_on_behalf_and_imported_attendance(make, h, client, auth):
    c = make.commune(code="DT", name="Phường Duy Tiên")
    other = make.commune(code="TQ", name="Xã Tam Quang")
    team = make.team(c, "Tổ Hòa Lạc")
    officer = make.officer(c)
    leader = make.member_of(team, "Tổ Trưởng", role="leader")
    mai = make.member_of(team, "Nguyễn Thị Mai")
    s1 = h.session(c, date(2026, 3, 1), [team], title="Lớp quét mã")
    s2 = h.session(other, date(2026, 4, 1), [team], title="Lớp của xã bạn")
    s3 = h.session(c, date(2025, 5, 1), [team], title="Lớp nhập từ sổ")
    svc.set_status(mai, s1, mai.id, "present", method="qr", check_permission=False)
    svc.set_status(leader, s2, mai.id, "present", method="on_behalf", check_permission=False)
    svc.set_status(None, s3, mai.id, "late", method="import", check_permission=False)
    db.session.commit()
    for who, url in ((officer, f"/org/people/{mai.id}"), (leader, f"/org/people/{mai.id}"),
                     (mai, "/org/me")):
        auth.login_as(who)
        html = client.get(url).get_data(as_text=True)
        assert 'id="training-record"' in html, who.full_name
        for how in ("qr", "on_behalf", "import"):
            assert f'data-how="{how}"' in html
        assert "Lớp của xã bạn" in html and "Xã Tam Quang" in html
        assert 'data-status="compliant"' in html
        auth.logout()


def test_team_page_shows_everyone_and_menu_has_the_check(make, h, client, auth):
    c = make.commune(code="DT")
    team = make.team(c, "Tổ 1")
    leader = make.member_of(team, "Tổ Trưởng", role="leader")
    a = make.member_of(team, "Người A")
    make.member_of(team, "Người B")
    s = h.session(c, date(2026, 3, 1), [team])
    h.attend(s, a)
    db.session.commit()
    auth.login_as(leader)
    html = client.get(f"/compliance/teams/{team.id}?year=2026").get_data(as_text=True)
    assert html.count('data-status="compliant"') == 1 and html.count('data-status="missing"') == 2
    assert 'href="/compliance"' in client.get("/").get_data(as_text=True)
