"""Roster import and export: problems by row and column, nothing written, idempotency."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from lms.audit import AuditEvent
from lms.auth.models import User
from lms.extensions import db
from lms.org.messages import problem_text
from lms.org.models import Membership, Village
from lms.org.roster import RosterFileError, check_rows, read_roster
from lms.org.roster_db import apply_rows, export_rows
from lms.org.services import OrgError
from lms.spreadsheets import write_rows

HEADER = "Họ và tên,Số điện thoại,Năm sinh,Giới tính,Tổ dân phố,Vai trò,Nghề nghiệp,Ngày tham gia,Ngày rời tổ\n"
GOOD = (
    HEADER
    + "Phạm Văn Hải,0912 345 678,1980,Nam,Tổ dân phố Hòa Lạc,Tổ phó,Giáo viên,01/03/2025,\n"
    + "Đỗ Thị Lan,0987654321,1995,Nữ,hoa lac,Thành viên,Công an,01/03/2025,\n"
    + "Đỗ Thị Lan,0987654321,1995,Nữ,,Cộng tác viên,Công an,05/05/2025,\n"
    + "Vũ Minh Tuấn,+84 345 678 901,,,Yên Bắc,thanh vien,,01/04/2025,15/06/2026\n"
)


def counts():
    return (db.session.scalar(select(func.count(User.id))),
            db.session.scalar(select(func.count(Membership.id))),
            db.session.scalar(select(func.count(Village.id))))


def run_import(commune, text, name="roster.csv", create_villages=False, encoding="utf-8"):
    raw, _headers = read_roster(text.encode(encoding), name)
    checked = check_rows(commune, raw)
    stats = apply_rows(commune, checked, actor_id=None, create_villages=create_villages)
    db.session.commit()
    return stats


def test_good_file_imports_and_again_changes_nothing(org):
    before = counts()
    stats = run_import(org.commune, GOOD)
    assert stats["people_created"] == 3 and stats["memberships_created"] == 4
    lan = db.session.scalar(select(User).where(User.phone == "+84987654321"))
    assert lan.full_name == "Đỗ Thị Lan" and lan.gender == "female" and lan.password_hash is None
    teams = {m.team_id: m.role for m in db.session.scalars(
        select(Membership).where(Membership.user_id == lan.id))}
    assert teams == {org.hoa_lac.id: "member", org.commune_team.id: "collaborator"}
    tuan = db.session.scalar(select(User).where(User.phone == "+84345678901"))
    left = db.session.scalar(select(Membership).where(Membership.user_id == tuan.id))
    assert left.left_on.isoformat() == "2026-06-15"
    audits = db.session.scalar(select(func.count(AuditEvent.id)).where(
        AuditEvent.action == "membership.import"))
    assert audits == 4
    after = counts()
    assert after[0] == before[0] + 3
    again = run_import(org.commune, GOOD)
    assert again["people_created"] == again["memberships_created"] == 0
    assert again["memberships_updated"] == again["people_updated"] == 0
    assert again["unchanged"] == 4
    assert counts() == after


def test_updated_file_updates(org):
    run_import(org.commune, GOOD)
    updated = GOOD.replace("Phạm Văn Hải,0912 345 678,1980,Nam,Tổ dân phố Hòa Lạc,Tổ phó",
                           "Phạm Văn Hải,0912 345 678,1981,Nam,Tổ dân phố Hòa Lạc,Tổ trưởng")
    updated = updated.replace("Thành viên,Công an,01/03/2025,", "Thành viên,Công an,01/03/2025,20/11/2026")
    stats = run_import(org.commune, updated)
    assert stats["people_updated"] == 1 and stats["memberships_updated"] == 2
    hai = db.session.scalar(select(User).where(User.phone == "+84912345678"))
    assert hai.birth_year == 1981
    m = db.session.scalar(select(Membership).where(Membership.user_id == hai.id))
    assert m.role == "leader"


def test_csv_with_and_without_bom_and_xlsx(org):
    stats = run_import(org.commune, "\ufeff" + GOOD)
    assert stats["people_created"] == 3
    # The same rows as .xlsx change nothing.
    raw, _ = read_roster(GOOD.encode(), "x.csv")
    lines = [line.split(",") for line in GOOD.strip().split("\n")]
    stream = io.BytesIO()
    write_rows(stream, "xlsx", lines[0], lines[1:])
    raw, _ = read_roster(stream.getvalue(), "x.xlsx")
    checked = check_rows(org.commune, raw)
    assert checked.problems == []
    assert apply_rows(org.commune, checked, actor_id=None)["unchanged"] == 4


ERRORS = [
    ("Họ và tên,Số điện thoại,Ngày tham gia\nAn,12345,01/01/2025\n", "phone", "bad_phone"),
    ("Họ và tên,Số điện thoại,Ngày tham gia\nAn,,01/01/2025\n", "phone", "phone_required"),
    ("Họ và tên,Số điện thoại,Ngày tham gia\n,0912345678,01/01/2025\n", "full_name",
     "name_required"),
    ("Họ và tên,Số điện thoại,Thôn,Ngày tham gia\nAn,0912345678,Hòa Lạc,01/01/2025\n"
     "Ân,0912.345.678,hoa lac,02/02/2025\n", "phone", "duplicate_phone"),
    ("Họ và tên,Số điện thoại,Thôn,Ngày tham gia\nAn,0912345678,Thôn Mới,01/01/2025\n",
     "village", "unknown_village"),
    ("Họ và tên,Số điện thoại,Vai trò,Ngày tham gia\nAn,0912345678,chủ tịch,01/01/2025\n",
     "role", "unknown_role"),
    ("Họ và tên,Số điện thoại,Ngày tham gia\nAn,0912345678,01/01/2099\n", "joined_on",
     "future_date"),
    ("Họ và tên,Số điện thoại,Ngày tham gia\nAn,0912345678,31/02/2025\n", "joined_on",
     "bad_date"),
    ("Họ và tên,Số điện thoại,Ngày tham gia\nAn,0912345678,\n", "joined_on", "joined_required"),
    ("Họ và tên,Số điện thoại,Ngày tham gia,Ngày rời tổ\nAn,0912345678,01/05/2025,01/04/2025\n",
     "left_on", "left_before_joined"),
    ("Họ và tên,Số điện thoại,Năm sinh,Ngày tham gia\nAn,0912345678,19xx,01/01/2025\n",
     "birth_year", "bad_birth_year"),
    ("Họ và tên,Số điện thoại,Giới tính,Ngày tham gia\nAn,0912345678,?,01/01/2025\n",
     "gender", "unknown_gender"),
]


@pytest.mark.parametrize(("text", "column", "code"), ERRORS)
def test_each_problem_is_reported_and_nothing_written(org, text, column, code):
    before = counts()
    raw, _ = read_roster(text.encode(), "f.csv")
    checked = check_rows(org.commune, raw)
    found = [(p["row"], p["column"], p["code"]) for p in checked.problems]
    row = 3 if code == "duplicate_phone" else 2
    assert (row, column, code) in found
    message = problem_text([p for p in checked.problems if p["code"] == code][0])
    assert message.split(",")[0].split(" (")[0] in (f"Row {row}", f"Dòng {row}")  # en or vi
    with pytest.raises(OrgError):
        apply_rows(org.commune, checked, actor_id=None)
    db.session.rollback()
    assert counts() == before


def test_person_active_in_another_commune(org):
    phone = org.other_leader.phone.replace("+84", "0")
    raw, _ = read_roster(f"Họ và tên,Số điện thoại,Ngày tham gia\nLò Văn Pâng,{phone},01/01/2026\n"
                         .encode(), "f.csv")
    checked = check_rows(org.commune, raw)
    assert [(p["row"], p["column"], p["code"], p["commune"]) for p in checked.problems] == [
        (2, "phone", "other_commune", "Xã Tam Quang")]
    assert "Xã Tam Quang" in problem_text(checked.problems[0])


def test_unknown_village_can_be_created(org):
    text = "Họ và tên,Số điện thoại,Thôn,Ngày tham gia\nAn,0912345678,Thôn Mới,01/01/2025\n"
    stats = run_import(org.commune, text, create_villages=True)
    assert stats["villages_created"] == 1 and stats["memberships_created"] == 1
    assert db.session.scalar(select(Village).where(Village.name == "Thôn Mới"))


def test_missing_columns_and_bad_files(org):
    with pytest.raises(RosterFileError) as err:
        read_roster("Tên,Ghi chú\nAn,x\n".encode(), "f.csv")
    assert err.value.code == "missing_columns" and err.value.columns == ["phone", "joined_on"]
    with pytest.raises(RosterFileError) as err:
        read_roster(b"PK\x03\x04junk", "f.xlsx")
    assert err.value.code == "unreadable"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_export_imports_back_unchanged(org, tmp_path, fmt):
    run_import(org.commune, GOOD)
    evil = db.session.scalar(select(User).where(User.phone == "+84912345678"))
    evil.occupation = "=HYPERLINK(\"http://x\",\"bấm\")"
    db.session.commit()
    headers, rows = export_rows(org.commune)
    assert len(rows) == 6  # 2 from the fixture + 4 imported
    path = tmp_path / f"out.{fmt}"
    write_rows(path, fmt, headers, rows)
    if fmt == "csv":
        assert "'=HYPERLINK" in path.read_text(encoding="utf-8-sig")
    before = counts()
    raw, _ = read_roster(path, path.name)
    checked = check_rows(org.commune, raw)
    assert checked.problems == []
    stats = apply_rows(org.commune, checked, actor_id=None)
    assert stats["unchanged"] == 6
    assert stats["people_updated"] == stats["memberships_updated"] == 0
    db.session.commit()
    assert counts() == before
    assert db.session.get(User, evil.id).occupation.startswith("=HYPERLINK")


def test_cli_import_export_and_dry_run(org, runner, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(GOOD, encoding="utf-8")
    result = runner.invoke(args=["members", "import", str(path), "--commune", "DT", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count(User.id)).where(User.phone == "+84912345678")) == 0
    result = runner.invoke(args=["members", "import", str(path), "--commune", "dt"])
    assert result.exit_code == 0, result.output
    assert "Đã thêm 3 người" in result.output or "Added 3 people" in result.output
    out = tmp_path / "dt.xlsx"
    result = runner.invoke(args=["members", "export", "--commune", "DT", "-o", str(out)])
    assert result.exit_code == 0 and out.exists()
    bad = tmp_path / "bad.csv"
    bad.write_text("Họ và tên,Số điện thoại,Ngày tham gia\nAn,123,01/01/2025\n", encoding="utf-8")
    result = runner.invoke(args=["members", "import", str(bad), "--commune", "DT"])
    assert result.exit_code == 1
    assert ("Row 2" in result.output or "Dòng 2" in result.output) and "123" in result.output


def test_cli_communes_add(app, runner):
    result = runner.invoke(args=["communes", "add", "kb", "Xã Kim Bảng", "--province", "Ninh Bình"])
    assert result.exit_code == 0, result.output
    from lms.org.models import Commune, Team

    commune = db.session.scalar(select(Commune).where(Commune.code == "KB"))
    assert commune.province.name == "Ninh Bình"
    assert db.session.scalar(select(Team).where(Team.commune_id == commune.id)).is_commune_level
    result = runner.invoke(args=["communes", "add", "KB", "Xã Khác"])
    assert result.exit_code != 0
