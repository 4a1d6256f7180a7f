"""Training history import: CLI and screens, problems, all-or-nothing, idempotence."""

from datetime import date

import pytest
from sqlalchemy import func, select

from lms.extensions import db
from lms.imports import ImportBatch
from lms.training.models import Attendance, TrainingSession


@pytest.fixture
def w(make):
    c = make.commune(code="DT")
    t = make.team(c, "Tổ 1")
    a = make.member_of(t, "Nguyễn Thị Mai", )
    b = make.member_of(t, "Trần Văn Dũng")
    officer = make.officer(c)
    db.session.commit()
    return dict(c=c, t=t, a=a, b=b, officer=officer)


def local(phone):
    return "0" + phone[3:]


def sheet(tmp_path, rows, name="lich-su.csv"):
    path = tmp_path / name
    lines = ["Ngày,Tên lớp,Hình thức,Số điện thoại,Họ và tên,Trạng thái", *rows]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def counts():
    return (db.session.scalar(select(func.count()).select_from(TrainingSession)),
            db.session.scalar(select(func.count()).select_from(Attendance)))


def test_import_creates_sessions_and_is_idempotent(w, runner, tmp_path):
    path = sheet(tmp_path, [
        f"10/03/2025,Lớp kỹ năng số,Trực tiếp,{local(w['a'].phone)},Nguyễn Thị Mai,Có mặt",
        f"10/03/2025,lớp KỸ NĂNG số,Trực tiếp,{local(w['b'].phone)},Trần Văn Dũng,Đến muộn",
        f"05/04/2025,Họp trực tuyến,Trực tuyến,{local(w['a'].phone)},Nguyễn Thị Mai,Vắng có phép",
    ])
    dry = runner.invoke(args=["attendance", "import", str(path), "--commune", "DT", "--dry-run"])
    assert dry.exit_code == 0 and counts() == (0, 0)
    result = runner.invoke(args=["attendance", "import", str(path), "--commune", "DT"])
    assert result.exit_code == 0, result.output
    assert counts() == (2, 3)
    s = db.session.scalars(select(TrainingSession).where(TrainingSession.date == date(2025, 3, 10))).one()
    assert s.imported and len(s.teams) == 1
    statuses = dict(db.session.execute(select(Attendance.user_id, Attendance.status)
                                       .where(Attendance.session_id == s.id)).all())
    assert statuses == {w["a"].id: "present", w["b"].id: "late"}
    again = runner.invoke(args=["attendance", "import", str(path), "--commune", "DT"])
    assert again.exit_code == 0 and counts() == (2, 3)
    assert "3 không đổi" in again.output  # the CLI speaks Vietnamese by default


def test_row_errors_block_everything(w, runner, tmp_path):
    path = sheet(tmp_path, [
        f"10/03/2025,Lớp A,Trực tiếp,{local(w['a'].phone)},Nguyễn Thị Mai,Có mặt",
        "31/02/2025,Lớp A,Trực tiếp,0987654321,Ai Đó,Có mặt",
        f"10/03/2099,Lớp A,Trực tiếp,{local(w['b'].phone)},Trần Văn Dũng,Có mặt",
        f"10/03/2025,Lớp A,Trực tiếp,{local(w['b'].phone)},Trần Văn Dũng,Không rõ",
    ])
    result = runner.invoke(args=["attendance", "import", str(path), "--commune", "DT"])
    assert result.exit_code == 1
    assert counts() == (0, 0)
    for row in ("3", "4", "5"):
        assert f"Row {row}" in result.output or f"Dòng {row}" in result.output


def test_name_mismatch_is_only_a_warning(w, runner, tmp_path):
    path = sheet(tmp_path, [
        f"10/03/2025,Lớp A,Trực tiếp,{local(w['a'].phone)},Nguyễn Thị Hoa,Có mặt"])
    result = runner.invoke(args=["attendance", "import", str(path), "--commune", "DT"])
    assert result.exit_code == 0 and "Cần xem lại:" in result.output and "Nguyễn Thị Mai" in result.output
    assert counts() == (1, 1)


def test_unknown_phone_and_missing_columns(w, runner, tmp_path):
    path = sheet(tmp_path, ["10/03/2025,Lớp A,Trực tiếp,0988888888,Ai Đó,Có mặt"])
    assert runner.invoke(args=["attendance", "import", str(path), "--commune", "DT"]).exit_code == 1
    bad = tmp_path / "x.csv"
    bad.write_text("Họ và tên,Số điện thoại\nA,0912345678\n", encoding="utf-8")
    result = runner.invoke(args=["attendance", "import", str(bad), "--commune", "DT"])
    assert result.exit_code == 1 and counts() == (0, 0)


def test_web_preview_then_confirm(w, client, auth, tmp_path):
    import io

    auth.login_as(w["officer"])
    body = ("Ngày,Tên lớp,Hình thức,Số điện thoại,Họ và tên,Trạng thái\n"
            f"10/03/2025,Lớp A,Trực tiếp,{local(w['a'].phone)},Nguyễn Thị Mai,Có mặt\n")
    resp = client.post("/training/import", data={"file": (io.BytesIO(body.encode()), "a.csv")},
                       content_type="multipart/form-data")
    assert resp.status_code == 200 and 'id="import-confirm"' in resp.get_data(as_text=True)
    assert counts() == (0, 0)
    imp = db.session.scalars(select(ImportBatch)).one()
    client.post(f"/training/import/{imp.token}")
    client.post(f"/training/import/{imp.token}")  # double submit is harmless
    assert counts() == (1, 1)
