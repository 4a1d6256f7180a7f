"""The province role: read-only scope over its communes, 404 elsewhere, no members' phones."""

import re

import pytest
from flask import g

from lms.auth.permissions import can_see_phone, has_role, role_of
from lms.extensions import db
from lms.normalize import display_phone

# Routes a province officer must reach for its own province's objects.
MUST_REACH = {"/org/people/<int:user_id>", "/org/communes/<int:commune_id>/officers",
              "/province/communes/<int:commune_id>", "/reports/communes/<int:commune_id>",
              "/reports/communes/<int:commune_id>/<period>",
              "/reports/communes/<int:commune_id>/<period>.<fmt>",
              "/province/officers/<int:user_id>/reset"}


def _ids(place, officer_routes: bool) -> dict:
    return {"commune_id": place.commune.id, "team_id": place.team.id,
            "user_id": place.officer.id if officer_routes else place.member.id,
            "membership_id": place.membership.id, "request_id": place.request.id,
            "session_id": place.session.id, "cert_id": place.certificate.id,
            "period": "2026-Q1", "fmt": "docx"}


def _object_routes(app):
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or not any(
                type(c).__name__ == "IntegerConverter" for c in rule._converters.values()):
            continue
        if rule.endpoint == "main.icon" or "size" in rule.arguments:
            continue
        yield rule


def _url(rule, ids):
    if not rule.arguments <= set(ids):
        return None
    url = rule.rule
    for name in rule.arguments:
        url = re.sub(rf"<(?:\w+:)?{name}>", str(ids[name]), url)
    return url


def test_role_and_decorators(app, world):
    with app.test_request_context():
        g.pop("_roles", None)
        pa = world.nb_officer
        pa.is_authenticated  # noqa: B018
        assert role_of(pa) == "province"
        assert not has_role(pa, "officer") and not has_role(pa, "leader", "officer")
        assert has_role(pa, "province")
        assert not can_see_phone(pa, world.dt.member)
        assert can_see_phone(pa, world.dt.officer)
        assert not can_see_phone(pa, world.tq.officer)


def test_crawl_every_object_route(app, world, auth, client):
    """Every GET route with an integer id: the foreign province officer gets 404 (or 403 where
    the province has no access at all); the own one reaches the read-only screens; no member's
    phone on any page the province officer reaches."""
    routes = list(_object_routes(app))
    assert len(routes) > 25
    phones = {display_phone(p.member.phone) for p in (world.dt, world.gv)}
    phones |= {p.member.phone for p in (world.dt, world.gv)}
    reached, checked = set(), 0
    for officer_routes in (False, True):
        ids = _ids(world.dt, officer_routes)
        for rule in routes:
            url = _url(rule, ids)
            if url is None:
                continue
            auth.login_as(world.na_officer)
            foreign = client.get(url)
            auth.logout()
            auth.login_as(world.nb_officer)
            own = client.get(url)
            auth.logout()
            checked += 1
            assert foreign.status_code in (403, 404), (url, foreign.status_code)
            assert own.status_code in (200, 403, 404), (url, own.status_code)
            if own.status_code == 200:
                reached.add(rule.rule)
                assert foreign.status_code == 404, url
                if own.mimetype == "text/html":
                    text = own.get_data(as_text=True)
                    assert not any(p in text for p in phones), url
    assert checked > 25
    assert MUST_REACH <= reached, MUST_REACH - reached


@pytest.mark.parametrize("url", ["/org/communes/{c}", "/org/teams/{t}/join",
                                 "/org/communes/{c}/import", "/training/sessions/new",
                                 "/accounts/new", "/compliance/rule"])
def test_write_views_stay_officer_only(app, world, auth, client, url):
    auth.login_as(world.nb_officer)
    response = client.get(url.format(c=world.dt.commune.id, t=world.dt.team.id))
    assert response.status_code in (403, 404)


def test_menu_of_the_province_officer(app, world, auth, client):
    auth.login_as(world.nb_officer)
    page = client.get("/").get_data(as_text=True)
    assert "/province" in page and "/reports" in page and "/org/me" in page
    assert "/training/sessions" not in page and "/org/search" not in page
    assert 'id="home-province"' in page


def test_province_creates_officers_but_not_members(app, world, auth, client):
    auth.login_as(world.nb_officer)
    response = client.post(f"/org/communes/{world.gv.commune.id}/officers",
                           data={"phone": "0922 333 444", "full_name": "Đinh Thị Thảo"})
    assert response.status_code == 200
    from lms.auth.models import User

    new = db.session.scalar(db.select(User).where(User.phone == "+84922333444"))
    assert new.account_role == "officer" and new.commune_id == world.gv.commune.id
    response = client.post(f"/org/communes/{world.gv.commune.id}/officers",
                           data={"phone": world.dt.member.phone, "full_name": ""})
    db.session.refresh(world.dt.member)
    assert world.dt.member.account_role == "member"
    assert "cannot change" in response.get_data(as_text=True)
    assert client.post(f"/org/communes/{world.tq.commune.id}/officers",
                       data={"phone": "0922333445", "full_name": "X"}).status_code == 404
    assert client.post(f"/province/officers/{world.dt.officer.id}/reset").status_code == 200
    assert client.get(f"/province/officers/{world.dt.member.id}/reset").status_code == 404
    assert client.get(f"/province/officers/{world.tq.officer.id}/reset").status_code == 404


def test_province_creates_communes_of_its_province_only(app, world, auth, client):
    from lms.org.models import Commune

    auth.login_as(world.nb_officer)
    page = client.get("/org/communes?q=binh+minh").get_data(as_text=True)
    assert "14623" in page and "17515" not in page
    client.post("/org/communes", data={"official_code": "17515", "village_kind": "thon"})
    assert db.session.scalar(db.select(Commune).where(Commune.official_code == 17515)) is None
    client.post("/org/communes", data={"code": "ZZ", "name": "Xã Tự Đặt", "village_kind": "thon"})
    assert db.session.scalar(db.select(Commune).where(Commune.code == "ZZ")) is None
    response = client.post("/org/communes", data={"official_code": "14623",
                                                  "village_kind": "thon"})
    assert response.status_code == 302
    created = db.session.scalar(db.select(Commune).where(Commune.official_code == 14623))
    assert created.province_id == world.nb.id and created.code == "X14623"


def test_bulk_officers_from_a_spreadsheet(app, world, auth, client):
    import io

    from lms.auth.models import User

    auth.login_as(world.nb_officer)
    bad = "Xã/phường,Họ và tên,Số điện thoại\nXã Tam Quang,Người A,0933000001\n"
    response = client.post("/province/officers/import", data={
        "file": (io.BytesIO(bad.encode()), "officers.csv")}, content_type="multipart/form-data")
    assert response.status_code == 200 and "Row 2" in response.get_data(as_text=True)
    assert db.session.scalar(db.select(User).where(User.phone == "+84933000001")) is None
    good = ("Xã/phường,Họ và tên,Số điện thoại\n14623,Lê Văn Bình,0933000002\n"
            "phuong duy tien,Trần Thị Hạnh,0933 000 003\n")
    response = client.post("/province/officers/import", data={
        "file": (io.BytesIO(good.encode()), "officers.csv")}, content_type="multipart/form-data")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    a = db.session.scalar(db.select(User).where(User.phone == "+84933000002"))
    b = db.session.scalar(db.select(User).where(User.phone == "+84933000003"))
    from lms.org.units import commune_of_unit

    assert a.account_role == "officer" and a.commune_id == commune_of_unit(14623).id
    assert b.commune_id == world.dt.commune.id


def test_admin_creates_province_accounts(app, world, auth, client):
    from lms.auth.models import User

    auth.login_as(world.admin)
    assert "Ninh Bình" in client.get("/province/accounts").get_data(as_text=True)
    response = client.post("/province/accounts", data={"province": "40", "full_name": "Võ Văn Kiệt",
                                                       "phone": "0944000001"})
    assert response.status_code == 200
    user = db.session.scalar(db.select(User).where(User.phone == "+84944000001"))
    assert user.account_role == "province" and user.province_id == world.na.id
    auth.logout()
    auth.login_as(world.nb_officer)
    assert client.get("/province/accounts").status_code == 403
