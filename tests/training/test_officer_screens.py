"""Officer and admin screens: roster filters, the administrator's overview."""

from datetime import date

from lms.extensions import db
from lms.training.models import TrainingSession


def test_roster_filters_by_team_and_name(client, auth, make):
    commune = make.commune()
    team_a, team_b = make.team(commune, name="Tổ A"), make.team(commune, name="Tổ B")
    make.member_of(team_a, "Nguyễn Văn Ánh")
    make.member_of(team_b, "Trần Thị Bích")
    officer = make.officer(commune)
    session = TrainingSession(commune_id=commune.id, title="Lớp thử", date=date(2026, 5, 1))
    session.teams = [team_a, team_b]
    db.session.add(session)
    make.commit()
    auth.login_as(officer)
    url = f"/training/sessions/{session.id}/attendance"
    html = client.get(url).get_data(as_text=True)
    assert "Nguyễn Văn Ánh" in html and "Trần Thị Bích" in html
    html = client.get(f"{url}?team={team_b.id}").get_data(as_text=True)
    assert "Nguyễn Văn Ánh" not in html and "Trần Thị Bích" in html
    html = client.get(f"{url}?q=nguyen van anh").get_data(as_text=True)
    assert "Nguyễn Văn Ánh" in html and "Trần Thị Bích" not in html


def test_admin_home_shows_every_commune(client, auth, make):
    make.commune(code="DT", name="Phường Duy Tiên")
    make.commune(code="TQ", name="Xã Tam Quang")
    admin = make.admin()
    make.commit()
    auth.login_as(admin)
    html = client.get("/").get_data(as_text=True)
    assert 'id="commune-table"' in html
    assert "Phường Duy Tiên" in html and "Xã Tam Quang" in html
