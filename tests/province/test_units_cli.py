"""Official units: look-up, ``lms communes add|link|import``, the admin's commune form."""

from sqlalchemy import func, select

from lms.extensions import db
from lms.org import units
from lms.org.models import Commune, Province


def test_lookup_ignores_diacritics_and_lists_ambiguous_names(app):
    assert units.resolve_unit("13324").name == "Phường Duy Tiên"
    assert units.resolve_unit("phuong duy tien").code == 13324
    assert units.resolve_unit("DUY TIÊN").province_name == "Ninh Bình"
    try:
        units.resolve_unit("Xã Bình Minh")
    except units.UnitError as exc:
        assert exc.code == "ambiguous"
        assert {u.province_name for u in exc.candidates} >= {"Ninh Bình", "Nghệ An"}
    else:
        raise AssertionError("ambiguous")
    assert units.resolve_unit("Xã Bình Minh", 37).code == 14623
    assert units.search_units("tam quang")[0].code == 16933
    assert units.unit_by_code(16933).kind == "xa" and len(units.all_units()) == 3321


def test_cli_add_by_code_name_and_old_form(app, runner):
    result = runner.invoke(args=["communes", "add", "13324", "--code", "DT"])
    assert result.exit_code == 0, result.output
    dt = db.session.scalar(select(Commune).where(Commune.code == "DT"))
    assert (dt.name, dt.official_code, dt.unit_kind, dt.province.name, dt.place_name) == (
        "Phường Duy Tiên", 13324, "phuong", "Ninh Bình", "Duy Tiên")
    assert dt.province.official_code == 37
    result = runner.invoke(args=["communes", "add", "xa tam quang"])
    assert result.exit_code == 0 and "X16933" in result.output
    result = runner.invoke(args=["communes", "add", "Xã Bình Minh"])
    assert result.exit_code == 1 and "Ninh Bình" in result.output and "14623" in result.output
    result = runner.invoke(args=["communes", "add", "Phường Duy Tiên"])
    assert result.exit_code == 1 and "DT" in result.output
    result = runner.invoke(args=["communes", "add", "kb", "Xã Kim Bảng", "--province", "Ninh Bình"])
    assert result.exit_code == 0
    kb = db.session.scalar(select(Commune).where(Commune.code == "KB"))
    assert kb.official_code is None and kb.province_id == dt.province_id
    result = runner.invoke(args=["communes", "link", "KB", "14464"])
    assert result.exit_code == 0, result.output
    db.session.refresh(kb)
    assert (kb.code, kb.name, kb.official_code) == ("KB", "Xã Gia Viễn", 14464)


def test_cli_import_province_is_idempotent(app, runner):
    runner.invoke(args=["communes", "add", "13324", "--code", "DT"])
    result = runner.invoke(args=["communes", "import", "--province", "ninh binh"])
    assert result.exit_code == 0, result.output
    assert "tạo mới 128" in result.output and "đã có 1" in result.output
    again = runner.invoke(args=["communes", "import", "--province", "37"])
    assert "tạo mới 0" in again.output
    assert db.session.scalar(select(func.count(Commune.id))) == 129
    assert db.session.scalar(select(func.count(Province.id))) == 1


def test_admin_form_searches_the_official_list(app, make, auth, client):
    admin = make.admin()
    make.commit()
    auth.login_as(admin)
    page = client.get("/org/communes?q=duy+tien").get_data(as_text=True)
    assert "Phường Duy Tiên (13324), Ninh Bình" in page and 'value="13324"' in page
    response = client.post("/org/communes", data={"official_code": "13324", "code": "dt",
                                                  "village_kind": "to_dan_pho"})
    assert response.status_code == 302
    dt = db.session.scalar(select(Commune).where(Commune.code == "DT"))
    assert dt.official_code == 13324
    page = client.get("/org/communes?q=13324").get_data(as_text=True)
    assert "(DT)" in page and 'name="official_code" value="13324"' not in page
