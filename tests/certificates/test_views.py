"""Verification page (public), the member's certificates, the office's pages, scoping."""

from __future__ import annotations

import io
import zipfile

import pytest
from pypdf import PdfReader

from lms.certificates import services
from lms.certificates.codes import group_code
from lms.extensions import db, limiter
from tests.certificates.conftest import make_session


@pytest.fixture
def issued(world):
    """A DT certificate for the member, another DT one, and a TQ one."""
    mine = services.issue_for_module(world["member"].id, world["module"].id)
    other = services.issue_for_module(world["member2"].id, world["module"].id)
    foreign = services.issue_for_module(world["member_tq"].id, world["module"].id)
    db.session.commit()
    return {"mine": mine, "other": other, "foreign": foreign}


def test_verify_valid_without_login_and_without_private_data(client, world, issued):
    cert = issued["mine"]
    world["member"].phone = "+84912345678"
    db.session.commit()
    page = client.get(f"/verify/{cert.code}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-status="valid"' in html and "Nguyễn Thị Mai" in html and cert.serial in html
    assert "Nhận diện lừa đảo trực tuyến" in html and "Phường Duy Tiên" in html
    assert "1996" not in html and "0912" not in html and "+8491234" not in html


def test_verify_ignores_case_spaces_and_dashes(client, issued):
    code = issued["mine"].code
    page = client.get(f"/verify/{group_code(code).lower()}")
    assert page.status_code == 302 and page.headers["Location"].endswith(f"/verify/{code}")
    page = client.get("/verify", query_string={"code": f" {group_code(code).lower()} "})
    assert page.status_code == 302 and page.headers["Location"].endswith(f"/verify/{code}")
    assert client.get("/verify").status_code == 200


def test_verify_json(client, issued):
    code = issued["mine"].code
    data = client.get(f"/verify/{code}.json").get_json()
    assert data["found"] is True and data["status"] == "valid"
    assert data["holder_name"] == "Nguyễn Thị Mai" and data["serial"] == issued["mine"].serial
    assert "phone" not in data and "holder_birth_year" not in data
    data = client.get(f"/verify/{code}", headers={"Accept": "application/json"}).get_json()
    assert data["code"] == code
    missing = client.get("/verify/ABCDABCDABCD.json")
    assert missing.status_code == 404 and missing.get_json() == {"found": False,
                                                                 "code": "ABCDABCDABCD"}


def test_verify_unknown_code_is_a_clear_404(client, world):
    page = client.get("/verify/ABCDABCDABCD")
    assert page.status_code == 404 and 'id="verify-not-found"' in page.get_data(as_text=True)
    assert client.get("/verify", query_string={"code": "nonsense"}).status_code == 404


def test_revoke_and_reissue_show_on_the_verification_page(client, auth, world, issued):
    auth.login_as(world["officer"])
    cert = issued["mine"]
    response = client.post(f"/certificates/office/{cert.id}/revoke", data={"reason": ""})
    assert response.status_code == 400 and issued["mine"].status == "valid"
    # Revoking asks first (a confirmation page; with JavaScript a dialog) and changes nothing.
    response = client.post(f"/certificates/office/{cert.id}/revoke",
                           data={"reason": "Cấp nhầm"})
    assert response.status_code == 200 and 'id="revoke-yes"' in response.get_data(as_text=True)
    assert issued["mine"].status == "valid"
    response = client.post(f"/certificates/office/{cert.id}/revoke",
                           data={"reason": "Cấp nhầm", "confirmed": "1"})
    assert response.status_code == 302
    html = client.get(f"/verify/{cert.code}").get_data(as_text=True)
    assert 'data-status="revoked"' in html
    other = issued["other"]
    response = client.post(f"/certificates/office/{other.id}/reissue", data={
        "holder_name": "Trần Văn Bảo Long", "holder_birth_year": "1990",
        "team_name": other.team_name, "title_vi": other.title_vi, "title_en": other.title_en})
    assert response.status_code == 302
    db.session.expire_all()
    old = db.session.get(type(other), other.id)
    assert old.status == "replaced" and old.replaced_by is not None
    html = client.get(f"/verify/{old.code}").get_data(as_text=True)
    assert 'data-status="replaced"' in html
    assert f"/verify/{old.replaced_by.code}" in html
    new_html = client.get(f"/verify/{old.replaced_by.code}").get_data(as_text=True)
    assert 'data-status="valid"' in new_html and "Trần Văn Bảo Long" in new_html


@pytest.mark.app_config(VERIFY_LIMIT="3 per minute", RATELIMIT_ENABLED=True)
def test_verify_is_rate_limited(client, issued):
    # RATELIMIT_ENABLED explicitly: flask-limiter keeps a previous app's "disabled" setting.
    limiter.reset()
    code = issued["mine"].code
    statuses = [client.get(f"/verify/{code}").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_officer_sees_only_their_communes_certificates(client, auth, world, issued):
    auth.login_as(world["officer"])
    html = client.get("/certificates/office").get_data(as_text=True)
    assert issued["mine"].serial in html and issued["other"].serial in html
    assert issued["foreign"].serial not in html and "Lò Thị Ánh" not in html
    assert client.get(f"/certificates/office/{issued['foreign'].id}").status_code == 404
    assert client.post(f"/certificates/office/{issued['foreign'].id}/revoke",
                       data={"reason": "x"}).status_code == 404
    assert client.get(f"/certificates/{issued['foreign'].id}.pdf").status_code == 404
    assert client.get(f"/certificates/office/{issued['mine'].id}").status_code == 200


def test_office_filters(client, auth, world, issued):
    auth.login_as(world["officer"])
    html = client.get("/certificates/office", query_string={"team": world["team2"].id}
                      ).get_data(as_text=True)
    assert issued["other"].serial in html and issued["mine"].serial not in html
    html = client.get("/certificates/office", query_string={"status": "revoked"}
                      ).get_data(as_text=True)
    assert issued["mine"].serial not in html
    assert client.get("/certificates/office", query_string={"from": "32/13/2026"}).status_code == 200


def test_members_cannot_open_office_pages(client, auth, world, issued):
    auth.login_as(world["member"])
    assert client.get("/certificates/office").status_code == 403
    assert client.get(f"/certificates/office/{issued['mine'].id}").status_code == 403


def test_member_sees_and_downloads_own_certificates(client, auth, world, issued):
    auth.login_as(world["member"])
    html = client.get("/certificates/mine").get_data(as_text=True)
    cert = issued["mine"]
    assert f'id="cert-download-{cert.id}"' in html
    assert f"http://localhost/verify/{cert.code}" in html
    assert issued["other"].serial not in html
    home = client.get("/").get_data(as_text=True)
    assert 'id="home-certificates"' in home
    response = client.get(f"/certificates/{cert.id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "Nguyễn Thị Mai" in PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    english = client.get(f"/certificates/{cert.id}.pdf?lang=en")
    assert "CERTIFICATE" in PdfReader(io.BytesIO(english.data)).pages[0].extract_text()
    assert client.get(f"/certificates/{issued['other'].id}.pdf").status_code == 404


def test_office_batch_print_pdf_and_zip(client, auth, world, issued):
    auth.login_as(world["officer"])
    # Without a filter: how many pages, and a question first.
    response = client.get("/certificates/office/print", query_string={"format": "pdf"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert 'id="print-all-yes"' in response.get_data(as_text=True)
    response = client.get("/certificates/office/print",
                          query_string={"format": "pdf", "confirm": "1"})
    assert response.status_code == 200
    assert len(PdfReader(io.BytesIO(response.data)).pages) == 2
    assert 'filename="giay-chung-nhan-DT-tat-ca.pdf"' in response.headers["Content-Disposition"]
    response = client.get("/certificates/office/print",
                          query_string={"format": "zip", "team": world["team"].id})
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert names == [f"{issued['mine'].serial}.pdf"]
    assert "giay-chung-nhan-DT-to-to-cnscd-to-dan-pho-hoa-lac.zip" in response.headers[
        "Content-Disposition"]


def test_verify_explains_a_serial_number_without_looking_it_up(client, issued):
    cert = issued["mine"]
    for typed in (cert.serial, f"Số: {cert.serial}"):
        html = client.get("/verify", query_string={"code": typed}).get_data(as_text=True)
        assert 'id="verify-serial"' in html and cert.holder_name not in html
    assert 'id="verify-serial"' in client.get("/verify/DT-2099-00001").get_data(as_text=True)


def test_office_manual_issue(client, auth, world, issued):
    session = make_session(world["dt"], issues=False)
    db.session.commit()
    auth.login_as(world["officer"])
    assert client.get("/certificates/office/new").status_code == 200
    response = client.post("/certificates/office/new", data={
        "user_id": world["member"].id, "session_id": session.id, "module_id": ""})
    assert response.status_code == 302
    again = client.post("/certificates/office/new", data={
        "user_id": world["member"].id, "session_id": session.id, "module_id": ""})
    assert again.status_code == 200 and 'class="error"' in again.get_data(as_text=True)
    assert len([c for c in services.member_certificates(world["member"].id)
                if c.session_id == session.id]) == 1
    # Someone of another commune is not in the officer's list of people.
    response = client.post("/certificates/office/new", data={
        "user_id": world["member_tq"].id, "session_id": session.id, "module_id": ""})
    assert response.status_code == 200
    assert services.member_certificates(world["member_tq"].id)[0].kind == "module"
    assert len(services.member_certificates(world["member_tq"].id)) == 1


@pytest.mark.app_config(WTF_CSRF_ENABLED=True)
def test_revoke_needs_the_csrf_token(client, auth, world, issued):
    client.post("/login", data={"phone": world["officer"].phone, "password": "x"})
    cert = issued["mine"]
    response = client.post(f"/certificates/office/{cert.id}/revoke", data={"reason": "x"})
    assert response.status_code in (302, 400)
    db.session.expire_all()
    assert db.session.get(type(cert), cert.id).status == "valid"
