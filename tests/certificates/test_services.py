"""Issuing, idempotence, serials and codes, revoke and reissue, the audit log."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from lms.audit import AuditEvent
from lms.certificates import services
from lms.certificates.codes import ALPHABET, group_code, new_code, normalize_code
from lms.certificates.models import Certificate
from lms.extensions import db
from lms.training import services as training
from tests.certificates.conftest import complete_module, make_module, make_session


def _certs(**where):
    return db.session.scalars(select(Certificate).filter_by(**where).order_by(Certificate.id)).all()


def test_code_alphabet_and_entropy():
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == 12 and set(code) <= set(ALPHABET)
    assert not set("01ILO") & set(ALPHABET)
    assert 12 * __import__("math").log2(len(ALPHABET)) >= 50
    code = new_code()
    assert normalize_code(f" {group_code(code).lower()} ") == code
    assert normalize_code(code[:4] + " " + code[4:]) == code
    assert normalize_code("ABC") == "" and normalize_code("O" * 12) == ""


def test_module_completion_issues_once(world):
    member, module = world["member"], world["module"]
    complete_module(member, module)
    certs = _certs(user_id=member.id)
    assert len(certs) == 1
    cert = certs[0]
    assert cert.kind == "module" and cert.module_id == module.id
    assert cert.commune_id == world["dt"].id
    assert re.fullmatch(r"DT-\d{4}-00001", cert.serial)
    assert cert.holder_name == "Nguyễn Thị Mai" and cert.holder_birth_year == 1996
    assert cert.team_name == "Tổ CNSCĐ tổ dân phố Hòa Lạc" and cert.team_id == world["team"].id
    assert cert.hours == 1.5 and cert.status == "valid"
    # Idempotent: issuing again (signal or service) gives the same certificate.
    assert services.issue_for_module(member.id, module.id).id == cert.id
    complete_module(member, module)
    assert len(_certs(user_id=member.id)) == 1
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.object_type == "certificate")).all()
    assert [e.action for e in events] == ["certificate.issue"]


def test_module_completion_without_team_issues_nothing(world, caplog):
    complete_module(world["no_team"], world["module"])
    assert _certs(user_id=world["no_team"].id) == []
    assert "no active team" in caplog.text


def test_serials_count_per_commune_and_year(world):
    second = make_module(slug="mat-khau", title_vi="Mật khẩu an toàn", title_en="Safe passwords")
    db.session.commit()
    a = services.issue_for_module(world["member"].id, world["module"].id)
    b = services.issue_for_module(world["member2"].id, world["module"].id)
    c = services.issue_for_module(world["member"].id, second.id)
    t = services.issue_for_module(world["member_tq"].id, world["module"].id)
    db.session.commit()
    year = a.year
    assert [a.serial, b.serial, c.serial] == [f"DT-{year}-0000{n}" for n in (1, 2, 3)]
    assert t.serial == f"TQ-{year}-00001"
    assert len({a.code, b.code, c.code, t.code}) == 4


def test_serial_retries_after_a_collision(world, monkeypatch):
    """Two issuers read the same max number: the unique constraint makes the loser retry."""
    first = services.issue_for_module(world["member"].id, world["module"].id)
    db.session.commit()
    real_scalar = db.session.scalar
    calls = {"n": 0}

    def stale_max(stmt, *args, **kwargs):
        if "max(certificates.number)" in str(stmt) and calls["n"] == 0:
            calls["n"] += 1
            return 0  # as if the first certificate were not committed yet
        return real_scalar(stmt, *args, **kwargs)

    monkeypatch.setattr(db.session, "scalar", stale_max)
    second = services.issue_for_module(world["member2"].id, world["module"].id)
    monkeypatch.undo()
    db.session.commit()
    assert calls["n"] == 1
    assert second.number == first.number + 1


def test_attendance_certificates_wait_for_closing_then_issue_once(world):
    from lms.training import closing

    session = make_session(world["dt"])
    db.session.commit()
    officer = world["officer"]
    training.set_status(officer, session, world["member"].id, "late")
    training.set_status(officer, session, world["member2"].id, "absent")
    db.session.commit()
    # Not at the tap: the session may still be running.
    assert _certs(session_id=session.id) == []
    assert closing.close_attendance(officer, session)
    db.session.commit()
    certs = _certs(session_id=session.id)
    assert [c.user_id for c in certs] == [world["member"].id]
    cert = certs[0]
    assert cert.kind == "session" and cert.title_vi == "Lớp tập huấn kỹ năng số 2026"
    assert cert.activity_date == date(2026, 4, 10) and cert.hours == 3.0
    # Closing again issues nothing more.
    assert not closing.close_attendance(officer, session)
    from lms.certificates.closing import issue_for_closed_session

    issue_for_closed_session(session.id)
    db.session.commit()
    assert len(_certs(session_id=session.id)) == 1
    # After closing: officers only, with a reason; absent → present issues.
    with pytest.raises(training.TrainingError) as err:
        training.set_status(officer, session, world["member2"].id, "present")
    assert err.value.code == "change_reason_required"
    training.set_status(officer, session, world["member2"].id, "present",
                        reason="Có mặt, điểm danh nhầm")
    db.session.commit()
    assert sorted(c.user_id for c in _certs(session_id=session.id)) == sorted(
        [world["member"].id, world["member2"].id])
    # A closed status changed to excused revokes, with the reason.
    training.set_status(officer, session, world["member"].id, "excused",
                        reason="Về sớm, không đủ thời lượng")
    db.session.commit()
    db.session.refresh(cert)
    assert cert.status == "revoked" and cert.revoke_reason == "Về sớm, không đủ thời lượng"


def test_session_without_certificates_issues_nothing(world):
    session = make_session(world["dt"], issues=False)
    db.session.commit()
    training.set_status(world["officer"], session, world["member"].id, "present")
    db.session.commit()
    assert _certs(session_id=session.id) == []


def test_revoke_requires_reason_and_is_audited(world):
    cert = services.issue_for_module(world["member"].id, world["module"].id)
    db.session.commit()
    with pytest.raises(services.CertificateError) as err:
        services.revoke(world["officer"], cert, "   ")
    assert err.value.code == "reason_required"
    services.revoke(world["officer"], cert, "Cấp nhầm người")
    db.session.commit()
    assert cert.status == "revoked" and cert.revoked_at is not None
    with pytest.raises(services.CertificateError):
        services.revoke(world["officer"], cert, "again")
    event = db.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "certificate.revoke")).one()
    assert event.actor_id == world["officer"].id and event.after["reason"] == "Cấp nhầm người"


def test_reissue_replaces_with_new_serial(world):
    cert = services.issue_for_module(world["member"].id, world["module"].id)
    db.session.commit()
    new = services.reissue(world["officer"], cert, {"holder_name": "Nguyễn Thị  Mai Anh",
                                                    "holder_birth_year": 1997})
    db.session.commit()
    assert cert.status == "replaced" and cert.replaced_by_id == new.id
    assert new.status == "valid" and new.serial != cert.serial and new.code != cert.code
    assert new.holder_name == "Nguyễn Thị Mai Anh" and new.holder_birth_year == 1997
    assert new.title_vi == cert.title_vi and new.module_id == cert.module_id
    # The replaced one is not "current": the member sees only the new one.
    assert [c.id for c in services.member_certificates(world["member"].id)] == [new.id]
    actions = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.object_type == "certificate").order_by(AuditEvent.id)).all()
    assert actions == ["certificate.issue", "certificate.issue", "certificate.reissue"]


def test_manual_issue(world):
    officer = world["officer"]
    session = make_session(world["dt"], issues=False)
    db.session.commit()
    cert = services.issue_manual(officer, world["member"].id, session_id=session.id)
    assert cert.kind == "session" and cert.issued_by_id == officer.id
    with pytest.raises(services.CertificateError) as err:
        services.issue_manual(officer, world["member"].id, session_id=session.id)
    assert err.value.code == "already_issued"
    with pytest.raises(services.CertificateError) as err:
        services.issue_manual(officer, world["member"].id)
    assert err.value.code == "choose_one"
    # A session of another commune is not the officer's to certify.
    other = make_session(world["tq"])
    with pytest.raises(services.CertificateError):
        services.issue_manual(officer, world["member"].id, session_id=other.id)
    cert = services.issue_manual(officer, world["member2"].id, module_id=world["module"].id)
    assert cert.commune_id == world["dt"].id
