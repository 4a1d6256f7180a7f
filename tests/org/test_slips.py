"""Log-in slips for a whole team (people imported from a roster have no password yet)."""

from datetime import UTC, datetime

from lms.auth.passwords import verify
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
    assert html.count('class="slip"') == 1 and "<svg" in html and "data-print" in html
    db.session.refresh(newcomer)
    db.session.refresh(regular)
    assert newcomer.must_change_password and newcomer.password_hash
    password = html.split('class="mono big">')[1].split("<")[0]
    assert verify(newcomer.password_hash, password)
    assert regular.password_hash == old_hash


def test_slips_are_scoped_to_the_officers_commune(client, auth, make):
    team = make.team(make.commune())
    other_officer = make.officer(make.commune())
    make.commit()
    auth.login_as(other_officer)
    assert client.get(f"/org/teams/{team.id}/slips").status_code == 404
    assert client.post(f"/org/teams/{team.id}/slips").status_code == 404


def test_team_slips_as_one_pdf_eight_per_page(client, auth, make, tmp_path):
    import shutil
    import subprocess

    from pypdf import PdfReader

    commune = make.commune()
    team = make.team(commune, name="Tổ CNSCĐ tổ dân phố Hòa Lạc")
    officer = make.officer(commune)
    names = [f"Nguyễn Thị Người {i:02d}" for i in range(10)]
    people = [make.member_of(team, name) for name in names]
    for person in people:
        person.password_hash = None
    make.commit()
    auth.login_as(officer)
    response = client.post(f"/org/teams/{team.id}/slips", data={"format": "pdf"})
    assert response.mimetype == "application/pdf"
    assert "phieu-dang-nhap-to-cnscd-to-dan-pho-hoa-lac.pdf" in response.headers[
        "Content-Disposition"]
    path = tmp_path / "slips.pdf"
    path.write_bytes(response.data)

    reader = PdfReader(str(path))
    assert len(reader.pages) == 2  # 10 slips: 8 on the first page, 2 on the second
    text = "".join(page.extract_text() for page in reader.pages)
    for name in names:
        assert name in text
    assert "Hòa Lạc" in text and "Mật khẩu tạm" in text
    # Every password in the PDF opens its account.
    db.session.expire_all()
    for person in people:
        assert person.must_change_password and person.password_hash
    if shutil.which("pdffonts"):
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True).stdout
        rows = [line for line in fonts.splitlines()[2:] if line.strip()]
        assert rows and all(" yes " in line for line in rows), fonts
