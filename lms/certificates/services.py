"""Issuing, revoking and reissuing certificates; finding them by code; listing for the office.

Plain functions: explicit arguments, plain results or :class:`CertificateError`. The caller
commits. Every change is written to the audit log in the same transaction.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from sqlalchemy import Select, func, or_, select
from sqlalchemy.exc import IntegrityError

from lms import audit
from lms.auth.models import User
from lms.auth.permissions import active_on, commune_condition
from lms.certificates.codes import format_serial, new_code, normalize_code
from lms.certificates.models import Certificate
from lms.courses.models import Module
from lms.extensions import db
from lms.models_base import utcnow
from lms.normalize import clean_name, clean_text
from lms.org.models import Commune, Membership, Team
from lms.timeutil import local_today
from lms.training.models import COUNTING_STATUSES, Attendance, TrainingSession

log = logging.getLogger(__name__)

MAX_TRIES = 8


class CertificateError(Exception):
    """A domain error; ``code`` names it (views translate it)."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


# --- helpers ---------------------------------------------------------------------------------


def holder_team(user_id: int, day: date, commune_id: int | None = None) -> Team | None:
    """The team a person is an active member of on ``day`` (in ``commune_id`` if given).

    A village team is preferred over the commune-level team; then the earliest membership.
    """
    stmt = (
        select(Team)
        .join(Membership, Membership.team_id == Team.id)
        .where(Membership.user_id == user_id, active_on(day))
        .order_by(Team.is_commune_level, Membership.joined_on, Membership.id)
    )
    if commune_id is not None:
        stmt = stmt.where(Team.commune_id == commune_id)
    return db.session.scalars(stmt.limit(1)).first()


def session_hours(session: TrainingSession) -> float | None:
    """Length of a session in hours (from its start and end times), or None. Kept exact (24
    minutes is 0.4 h): certificates print it in words, ``lms.i18n.duration``."""
    if session.start_time is None or session.end_time is None:
        return None
    start = datetime.combine(session.date, session.start_time)
    end = datetime.combine(session.date, session.end_time)
    minutes = round((end - start).total_seconds() / 60)
    return minutes / 60 if minutes > 0 else None


def verification_url(code: str) -> str:
    """The public address printed in the QR code: ``BASE_URL/verify/<code>``."""
    return f"{current_app.config['BASE_URL'].rstrip('/')}/verify/{code}"


def _insert(cert: Certificate, commune: Commune) -> Certificate:
    """Give ``cert`` the next serial of its commune and year and a fresh code, and flush.

    The unique constraints settle concurrent issues: on ``IntegrityError`` take the next
    number (and a new code) and try again.
    """
    for _ in range(MAX_TRIES):
        last = db.session.scalar(
            select(func.max(Certificate.number)).where(
                Certificate.commune_id == commune.id, Certificate.year == cert.year
            )
        )
        cert.number = (last or 0) + 1
        cert.serial = format_serial(commune.code, cert.year, cert.number)
        cert.code = new_code()
        try:
            with db.session.begin_nested():
                db.session.add(cert)
        except IntegrityError:
            continue
        return cert
    raise CertificateError("busy")


def _audit_issue(cert: Certificate, actor_id: int | None, action: str = "certificate.issue",
                 **extra) -> None:
    audit.record(
        action, "certificate", cert.id, actor_id=actor_id, commune_id=cert.commune_id,
        after={"serial": cert.serial, "kind": cert.kind, "user_id": cert.user_id,
               "module_id": cert.module_id, "session_id": cert.session_id, **extra},
    )


def _new_certificate(user: User, commune: Commune, team: Team | None, issued_on: date,
                     actor_id: int | None, **fields) -> Certificate:
    return Certificate(
        commune_id=commune.id, user_id=user.id, year=issued_on.year, issued_on=issued_on,
        holder_name=clean_name(user.full_name), holder_birth_year=user.birth_year,
        team_id=team.id if team else None, team_name=clean_name(team.name) if team else None,
        status="valid", issued_by_id=actor_id, **fields,
    )


def existing_certificate(user_id: int, *, module_id: int | None = None,
                         session_id: int | None = None) -> Certificate | None:
    """The person's current (not replaced) certificate for a module or a session, if any."""
    stmt = select(Certificate).where(Certificate.user_id == user_id,
                                     Certificate.status != "replaced")
    if module_id is not None:
        stmt = stmt.where(Certificate.kind == "module", Certificate.module_id == module_id)
    else:
        stmt = stmt.where(Certificate.kind == "session", Certificate.session_id == session_id)
    return db.session.scalars(stmt.order_by(Certificate.id.desc()).limit(1)).first()


# --- issuing ---------------------------------------------------------------------------------


def issue_for_module(user_id: int, module_id: int, *, actor_id: int | None = None,
                     issued_on: date | None = None, commune: Commune | None = None
                     ) -> Certificate | None:
    """Issue the module-completion certificate (idempotent: an existing one is returned).

    The commune is the holder's (their active membership's team); without one nothing is
    issued (logged) and None is returned. ``commune`` forces the issuing commune (manual issue).
    """
    found = existing_certificate(user_id, module_id=module_id)
    if found is not None:
        return found
    user = db.session.get(User, user_id)
    module = db.session.get(Module, module_id)
    if user is None or module is None:
        return None
    issued_on = issued_on or local_today()
    team = holder_team(user_id, issued_on, commune.id if commune else None)
    if commune is None:
        if team is None:
            log.warning("certificate not issued: user %s has no active team (module %s)",
                     user_id, module_id)
            return None
        commune = db.session.get(Commune, team.commune_id)
    cert = _new_certificate(
        user, commune, team, issued_on, actor_id, kind="module", module_id=module.id,
        title_vi=clean_text(module.title_vi), title_en=clean_text(module.title_en or module.title_vi),
        hours=module.minutes / 60 if module.minutes else None, activity_date=issued_on,
    )
    _insert(cert, commune)
    _audit_issue(cert, actor_id)
    return cert


def issue_for_session(user_id: int, session: TrainingSession, *, actor_id: int | None = None,
                      issued_on: date | None = None, after_revoked: bool = False
                      ) -> Certificate | None:
    """Issue the attendance certificate of one person for one session (idempotent: a current
    one is returned; with ``after_revoked`` a revoked one does not stop a new issue)."""
    found = existing_certificate(user_id, session_id=session.id)
    if found is not None and not (after_revoked and found.status == "revoked"):
        return found
    user = db.session.get(User, user_id)
    if user is None:
        return None
    issued_on = issued_on or local_today()
    commune = db.session.get(Commune, session.commune_id)
    team = holder_team(user_id, session.date, commune.id) or holder_team(user_id, session.date)
    title = clean_text(session.title)
    cert = _new_certificate(
        user, commune, team, issued_on, actor_id, kind="session", session_id=session.id,
        title_vi=title, title_en=title, hours=session_hours(session), activity_date=session.date,
    )
    _insert(cert, commune)
    _audit_issue(cert, actor_id)
    return cert


def issue_for_attendance(attendance_id: int, *, actor_id: int | None = None) -> Certificate | None:
    """Issue for an attendance if its session issues certificates, its attendance is closed and
    the person was present or late; otherwise None."""
    att = db.session.get(Attendance, attendance_id)
    if att is None or att.status not in COUNTING_STATUSES:
        return None
    session = att.session
    if (not session.issues_certificates or session.cancelled_at is not None
            or session.attendance_closed_at is None):
        return None
    return issue_for_session(att.user_id, session, actor_id=actor_id)


def issue_manual(actor: User, user_id: int, *, module_id: int | None = None,
                 session_id: int | None = None) -> Certificate:
    """An officer issues by hand, for a person of their commune, a module or a session
    certificate. Raises ``already_issued`` when a current one exists."""
    if (module_id is None) == (session_id is None):
        raise CertificateError("choose_one")
    commune = db.session.get(Commune, actor.commune_id) if actor.commune_id else None
    if session_id is not None:
        session = db.session.get(TrainingSession, session_id)
        if session is None or (commune is not None and session.commune_id != commune.id):
            raise CertificateError("not_found")
        if existing_certificate(user_id, session_id=session_id) is not None:
            raise CertificateError("already_issued")
        cert = issue_for_session(user_id, session, actor_id=actor.id)
    else:
        if db.session.get(Module, module_id) is None:
            raise CertificateError("not_found")
        if existing_certificate(user_id, module_id=module_id) is not None:
            raise CertificateError("already_issued")
        cert = issue_for_module(user_id, module_id, actor_id=actor.id, commune=commune)
    if cert is None:
        raise CertificateError("no_commune")
    return cert


def revoke(actor: User | None, cert: Certificate, reason: str) -> Certificate:
    """Revoke a valid certificate with a reason (required)."""
    reason = clean_text(reason)
    if not reason:
        raise CertificateError("reason_required")
    if cert.status != "valid":
        raise CertificateError("not_valid")
    cert.status = "revoked"
    cert.revoked_at = utcnow()
    cert.revoke_reason = reason
    audit.record("certificate.revoke", "certificate", cert.id,
                 actor_id=actor.id if actor else None, commune_id=cert.commune_id,
                 before={"status": "valid"}, after={"status": "revoked", "reason": reason})
    db.session.flush()
    return cert


CORRECTABLE = ("holder_name", "holder_birth_year", "team_name", "title_vi", "title_en")


def reissue(actor: User | None, cert: Certificate, corrections: dict | None = None) -> Certificate:
    """Replace a valid certificate after a correction: a new serial and code; the old one is
    marked ``replaced`` and points to the new one."""
    if cert.status != "valid":
        raise CertificateError("not_valid")
    corrections = {k: v for k, v in (corrections or {}).items() if k in CORRECTABLE}
    for key in ("holder_name", "team_name", "title_vi", "title_en"):
        if key in corrections:
            corrections[key] = clean_name(corrections[key]) or None
    if corrections.get("holder_name") is None and "holder_name" in corrections:
        raise CertificateError("name_required")
    if corrections.get("title_vi") is None and "title_vi" in corrections:
        raise CertificateError("title_required")
    fields = {name: getattr(cert, name) for name in (
        "commune_id", "user_id", "kind", "module_id", "session_id", "holder_name",
        "holder_birth_year", "team_id", "team_name", "title_vi", "title_en", "hours",
        "activity_date")}
    fields.update(corrections)
    fields["title_en"] = fields["title_en"] or fields["title_vi"]
    today = local_today()
    new = Certificate(**fields, year=today.year, issued_on=today, status="valid",
                      issued_by_id=actor.id if actor else None)
    _insert(new, db.session.get(Commune, cert.commune_id))
    cert.status = "replaced"
    cert.replaced_by_id = new.id
    actor_id = actor.id if actor else None
    _audit_issue(new, actor_id, replaces=cert.serial)
    audit.record("certificate.reissue", "certificate", cert.id, actor_id=actor_id,
                 commune_id=cert.commune_id, before={"status": "valid"},
                 after={"status": "replaced", "replaced_by": new.serial,
                        "corrections": sorted(corrections)})
    db.session.flush()
    return new


# --- finding and listing ---------------------------------------------------------------------


def find_by_code(raw: str | None) -> Certificate | None:
    """The certificate with this verification code (case, spaces and dashes ignored)."""
    code = normalize_code(raw)
    if not code:
        return None
    return db.session.scalars(select(Certificate).where(Certificate.code == code)).first()


def public_info(cert: Certificate) -> dict:
    """What the public verification page and its JSON show: no phone, no birth date."""
    commune = cert.commune
    replacement = cert.replaced_by if cert.status == "replaced" else None
    return {
        "code": cert.code,
        "serial": cert.serial,
        "status": cert.status,
        "kind": cert.kind,
        "holder_name": cert.holder_name,
        "team_name": cert.team_name,
        "title_vi": cert.title_vi,
        "title_en": cert.title_en,
        "hours": cert.hours,
        "activity_date": cert.activity_date.isoformat() if cert.activity_date else None,
        "issued_on": cert.issued_on.isoformat(),
        "issuer": commune.name if commune else None,
        "revoked_on": cert.revoked_at.date().isoformat() if cert.revoked_at else None,
        "replaced_by": replacement.code if replacement else None,
        "url": verification_url(cert.code),
    }


@dataclass
class Filters:
    """Filters of the office's list and of batch printing."""

    session_id: int | None = None
    team_id: int | None = None
    module_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    status: str | None = None
    kind: str | None = None
    q: str | None = None


def filtered(stmt: Select, filters: Filters) -> Select:
    """Apply :class:`Filters` to a select of certificates."""
    f = filters
    if f.session_id:
        stmt = stmt.where(Certificate.session_id == f.session_id)
    if f.team_id:
        stmt = stmt.where(or_(
            Certificate.team_id == f.team_id,
            Certificate.user_id.in_(select(Membership.user_id).where(Membership.team_id == f.team_id)),
        ))
    if f.module_id:
        stmt = stmt.where(Certificate.module_id == f.module_id)
    if f.date_from:
        stmt = stmt.where(Certificate.issued_on >= f.date_from)
    if f.date_to:
        stmt = stmt.where(Certificate.issued_on <= f.date_to)
    if f.status:
        stmt = stmt.where(Certificate.status == f.status)
    if f.kind:
        stmt = stmt.where(Certificate.kind == f.kind)
    if f.q:
        from lms.normalize import fold

        stmt = stmt.where(or_(
            Certificate.serial.ilike(f"%{f.q.strip()}%"),
            Certificate.user_id.in_(select(User.id).where(User.name_folded.contains(fold(f.q)))),
        ))
    return stmt


def commune_certificates(commune_id: int, filters: Filters | None = None) -> Select:
    """Select of a commune's certificates, newest first."""
    stmt = select(Certificate).where(Certificate.commune_id == commune_id)
    return filtered(stmt, filters or Filters()).order_by(Certificate.issued_on.desc(),
                                                          Certificate.id.desc())


def scoped_certificates(actor, filters: Filters | None = None) -> Select:
    """Select of the certificates an officer (own commune) or admin (all) may see."""
    stmt = select(Certificate).where(commune_condition(actor, Certificate.commune_id))
    return filtered(stmt, filters or Filters()).order_by(Certificate.issued_on.desc(),
                                                          Certificate.id.desc())


def member_certificates(user_id: int) -> list[Certificate]:
    """A person's own certificates (current ones: replaced copies hidden), newest first."""
    return list(db.session.scalars(
        select(Certificate).where(Certificate.user_id == user_id,
                                  Certificate.status != "replaced")
        .order_by(Certificate.issued_on.desc(), Certificate.id.desc())
    ))
