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


def test_reminder_names_the_missing_and_the_next_session(client, auth, make):
    from datetime import time

    from lms.timeutil import local_today

    commune = make.commune()
    team = make.team(commune, name="Tổ CNSCĐ bản Nà Sài")
    make.member_of(team, "Lò Thị Ban")
    officer = make.officer(commune)
    upcoming = TrainingSession(commune_id=commune.id, title="Tập huấn VNeID mức độ 2",
                               date=local_today(), start_time=time(23, 50), place="Nhà văn hóa bản")
    upcoming.teams = [team]
    db.session.add(upcoming)
    make.commit()
    auth.login_as(officer)
    html = client.get(f"/compliance/reminders?team={team.id}").get_data(as_text=True)
    assert "Kính gửi các thành viên Tổ CNSCĐ bản Nà Sài" in html
    assert "Lò Thị Ban" in html
    assert "Tập huấn VNeID mức độ 2" in html and "Nhà văn hóa bản" in html
    csv = client.get(f"/compliance/reminders.csv?team={team.id}").get_data(as_text=True)
    assert "Lò Thị Ban" in csv and "Tập huấn VNeID mức độ 2" in csv
