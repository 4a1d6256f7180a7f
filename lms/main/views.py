"""The home page of each role."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from lms.audit import AuditEvent
from lms.auth.models import User
from lms.auth.permissions import commune_condition, role_of, roles_required
from lms.extensions import db
from lms.main import bp
from lms.nav import home_sections_for, nav_item


@bp.route("/")
def index():
    """Anonymous visitors go to log-in; others see their role's home page."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    role = role_of(current_user)
    sections = home_sections_for(current_user, role)
    return render_template("main/index.html", role=role, sections=sections,
                           teams=_my_team_names(current_user.id))


def _my_team_names(user_id: int) -> list[str]:
    """The names of the teams the person is in today (the home page names them)."""
    from lms.auth.permissions import active_on
    from lms.org.models import Membership, Team
    from lms.timeutil import local_today

    return list(db.session.scalars(
        select(Team.name).join(Membership, Membership.team_id == Team.id)
        .where(Membership.user_id == user_id, active_on(local_today()))
        .order_by(Team.name).distinct()
    ))


@bp.route("/healthz")
def healthz():
    """Liveness check for load balancers."""
    return {"status": "ok"}


AUDIT_PAGE_SIZE = 50
AUDIT_GROUPS = {
    "attendance": ("attendance", "training_session", "compliance_rule"),
    "membership": ("membership", "membership_request", "user"),
    "certificate": ("certificate",),
}


@bp.route("/audit")
@roles_required("officer")
def audit_log():
    """The commune's audit log: who changed training sessions, attendance, the training rule,
    memberships, accounts and certificates, when, and what it was before and after (newest
    first, 50 a page)."""
    group = request.args.get("group", "")
    before_id = request.args.get("before", type=int)
    stmt = (
        select(AuditEvent, User.full_name)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(commune_condition(current_user, AuditEvent.commune_id))
        .order_by(AuditEvent.id.desc())
        .limit(AUDIT_PAGE_SIZE + 1)
    )
    if group in AUDIT_GROUPS:
        stmt = stmt.where(AuditEvent.object_type.in_(AUDIT_GROUPS[group]))
    if before_id:
        stmt = stmt.where(AuditEvent.id < before_id)
    rows = db.session.execute(stmt).all()
    more = len(rows) > AUDIT_PAGE_SIZE
    rows = rows[:AUDIT_PAGE_SIZE]
    from lms.main.audit_present import present

    return render_template(
        "main/audit.html",
        items=[dict(item, actor=actor) for item, (_event, actor)
               in zip(present([event for event, _actor in rows]), rows, strict=True)],
        rows=rows,
        group=group,
        groups={"": _("Everything"), "attendance": _("Training and attendance"),
                "membership": _("Memberships"), "certificate": _("Certificates")},
        next_before=rows[-1][0].id if more and rows else None,
    )


nav_item("main.audit_log", _l("Audit log"), roles=("officer",), order=90)
