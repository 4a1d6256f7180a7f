"""Log-in slips for a whole team (people imported from a roster have no password yet)."""

from datetime import UTC, datetime

from werkzeug.security import check_password_hash

from lms.extensions import db


def test_officer_prints_slips_for_members_who_never_logged_in(client, auth, make):
    commune = make.commune()
    team = make.team(commune)
    officer = make.officer(commune)
    newcomer = make.member_of(team, "Lò Văn Pành")
    newcomer.password_hash = None
    regular = make.member_of(team, "Cầm Thị Xuân")
    regular.last_login_at = datetime(2026, 5, 1, tzinfo=UTC)
    old_hash = regular.password_hash
    make.commit()
    auth.login_as(officer)

    page = client.get(f"/org/teams/{team.id}/slips").get_data(as_text=True)
    assert "Lò Văn Pành" in page and "Cầm Thị Xuân" not in page

    html = client.post(f"/org/teams/{team.id}/slips").get_data(as_text=True)
    assert html.count('class="slip slip-page"') == 1 and "<svg" in html
    db.session.refresh(newcomer)
    db.session.refresh(regular)
    assert newcomer.must_change_password and newcomer.password_hash
    password = html.split('class="mono big">')[1].split("<")[0]
    assert check_password_hash(newcomer.password_hash, password)
    assert regular.password_hash == old_hash


def test_slips_are_scoped_to_the_officers_commune(client, auth, make):
    team = make.team(make.commune())
    other_officer = make.officer(make.commune())
    make.commit()
    auth.login_as(other_officer)
    assert client.get(f"/org/teams/{team.id}/slips").status_code == 404
    assert client.post(f"/org/teams/{team.id}/slips").status_code == 404
