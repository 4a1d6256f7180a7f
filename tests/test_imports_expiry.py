"""Import previews expire: an old one cannot be confirmed and is purged (on the next preview and
by ``lms imports purge``)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from lms import imports
from lms.extensions import db
from lms.imports import ImportBatch, ImportExpired
from lms.imports_cli import imports_group
from lms.models_base import utcnow


@pytest.fixture
def commune(make):
    commune = make.commune(code="DT", name="Phường Duy Tiên")
    make.team(commune, commune_level=True)
    db.session.commit()
    return commune


def _preview(commune, hours_old: float = 0, kind: str = "roster") -> ImportBatch:
    row = {"row": 2, "full_name": "Nguyễn Văn An", "phone": "0912345678",
           "joined_on": "01/03/2025"}
    batch = imports.save_preview(kind, commune.id, [row], [], filename="ds.csv", actor_id=None)
    batch.created_at = utcnow() - timedelta(hours=hours_old)
    db.session.commit()
    return batch


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(ImportBatch))


def test_a_fresh_preview_confirms(commune):
    from lms.org.models import Membership
    from lms.org.roster_db import confirm_import

    batch = _preview(commune, hours_old=23)
    stats = confirm_import(batch, actor_id=None)
    db.session.commit()
    assert stats and batch.status == "applied"
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 1


def test_an_expired_preview_cannot_be_confirmed(commune):
    from lms.org.models import Membership
    from lms.org.roster_db import confirm_import

    batch = _preview(commune, hours_old=25)
    assert imports.is_expired(batch)
    with pytest.raises(ImportExpired) as err:
        confirm_import(batch, actor_id=None)
    assert err.value.code == "import_expired" and err.value.hours == 24
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Membership)) == 0
    assert db.session.get(ImportBatch, batch.id).status == "preview"


def test_an_expired_history_preview_cannot_be_confirmed(commune):
    from lms.training.importer import confirm_import

    batch = _preview(commune, hours_old=30, kind="attendance")
    with pytest.raises(ImportExpired):
        confirm_import(batch)


def test_an_applied_batch_never_expires(commune):
    batch = _preview(commune, hours_old=0)
    imports.confirm(batch, lambda rows: {"created": len(rows)})
    batch.created_at = utcnow() - timedelta(days=30)
    db.session.commit()
    assert not imports.is_expired(batch)
    assert imports.confirm(batch, lambda rows: {})["already"] is True
    assert imports.purge_expired() == 0 and _count() == 1


def test_a_new_preview_purges_the_expired_ones(commune):
    fresh = _preview(commune, hours_old=1)
    old = _preview(commune, hours_old=48)
    tokens = (fresh.token, old.token)
    assert _count() == 2
    newest = _preview(commune)
    assert set(db.session.scalars(select(ImportBatch.token))) == {tokens[0], newest.token}


def test_purge_command(commune, runner, monkeypatch):
    monkeypatch.delenv("LMS_LANGUAGE", raising=False)
    # Made fresh, then aged: making a preview purges the expired ones already there.
    batches = [_preview(commune) for _ in range(3)]
    for batch, hours in zip(batches, (25, 26, 2), strict=True):
        batch.created_at = utcnow() - timedelta(hours=hours)
    db.session.commit()
    assert _count() == 3
    result = runner.invoke(imports_group, ["purge"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Đã xoá 2 bản xem trước nhập tệp chưa xác nhận, quá hạn 24 giờ."
    db.session.expire_all()
    assert _count() == 1
    monkeypatch.setenv("LMS_LANGUAGE", "en")
    again = runner.invoke(imports_group, ["purge"])
    assert again.exit_code == 0
    assert again.output.strip() == ("Deleted 0 unconfirmed import previews past the 24-hour "
                                    "limit.")
    assert _count() == 1


@pytest.mark.app_config(IMPORT_PREVIEW_HOURS=2)
def test_the_lifetime_is_a_setting(commune):
    batch = _preview(commune, hours_old=3)
    with pytest.raises(ImportExpired) as err:
        imports.confirm(batch, lambda rows: {})
    assert err.value.hours == 2
    assert imports.purge_expired() == 1


def test_expired_message_tells_to_upload_again(app):
    with app.test_request_context("/"):
        text = imports.expired_text(24)
    assert "24" in text and "again" in text.lower() or "lại" in text


def test_an_expired_preview_through_the_web_is_not_imported(make, commune, auth, client):
    """Confirming an expired history preview on the web imports nothing (the screen's message
    is chosen by the view)."""
    from lms.training.models import Attendance

    person = make.member_of(make.team(commune, "Tổ 1"), "Nguyễn Thị Mai")
    officer = make.officer(commune)
    db.session.commit()
    row = {"row": 2, "date": date(2025, 3, 10).isoformat(), "session_title": "Lớp A",
           "mode": "Trực tiếp", "phone": "0" + person.phone[3:], "status": "Có mặt"}
    batch = imports.save_preview("attendance", commune.id, [row], [], filename="a.csv",
                                 actor_id=officer.id)
    batch.created_at = utcnow() - timedelta(hours=25)
    db.session.commit()
    auth.login_as(officer)
    response = client.post(f"/training/import/{batch.token}")
    assert response.status_code in (200, 302)
    assert db.session.scalar(select(func.count()).select_from(Attendance)) == 0
