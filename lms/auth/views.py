"""Log-in, log-out, password changes, language choice and officer account tools."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.exceptions import RequestEntityTooLarge

from lms.auth import bp, sessions
from lms.auth import services as accounts
from lms.auth.forms import AccountForm, ChangePasswordForm, ConfirmForm, LoginForm
from lms.auth.permissions import get_manageable_user_or_404, has_role, roles_required
from lms.extensions import db, limiter
from lms.normalize import normalize_phone
from lms.qr import qr_svg

AUTH_MESSAGES = {
    "too_short": lambda: _("The new password must have at least 8 characters."),
    "is_phone": lambda: _("Do not use your phone number as your password."),
    "too_common": lambda: _("This password is too easy to guess. Choose another one."),
    "wrong_current": lambda: _("The current password is not right."),
    "same_as_old": lambda: _("The new password must be different from the old one."),
    "bad_phone": lambda: _("This is not a valid Vietnamese phone number."),
    "phone_taken": lambda: _("This phone number already has an account."),
    "bad_role": lambda: _("Choose an account type from the list."),
    "name_required": lambda: _("Enter the full name."),
}


# How long after a log-in with a temporary password the change form trusts it (seconds).
PROVEN_FOR = 30 * 60


# Session keys that survive log-in (a scanned check-in waiting for its scanner, and where to
# go afterwards); everything else in the session is cleared.
CARRIED_KEYS = ("checkin_ticket", "after_login")
_LOGIN_NOTICES: list = []


def register_login_notice(func):
    """Register ``func() -> str | None``: a line the log-in page shows (e.g. which training
    session a waiting check-in is for)."""
    _LOGIN_NOTICES.append(func)
    return func


_LOGIN_HOOKS: list = []


def register_login_hook(func):
    """Register ``func(user)``, called right after a successful log-in (in the request)."""
    _LOGIN_HOOKS.append(func)
    return func


def _login_notices() -> list[str]:
    return [text for text in (func() for func in _LOGIN_NOTICES) if text]


def _after_login() -> str:
    return _safe_next(session.pop("after_login", None)) or url_for("main.index")


def auth_message(code: str) -> str:
    """The translated message for an :class:`AuthError` code."""
    return AUTH_MESSAGES.get(code, lambda: _("Something is not right. Please try again."))()


def login_link() -> tuple[str, object]:
    """The absolute log-in address and its QR code (inline SVG), for printed slips."""
    url = current_app.config["BASE_URL"] + url_for("auth.login")
    return url, qr_svg(url, 180, _("Log-in address: %(url)s", url=url))


def slips_pdf_response(rows, filename: str):
    """A PDF of log-in slips, eight per A4 page. ``rows``: ``(person, team name, password)``."""
    from flask import Response

    from lms.auth.slips_pdf import Slip, SlipLabels, render_slips_pdf
    from lms.normalize import display_phone

    login_url, _qr = login_link()
    labels = SlipLabels(
        heading=_("Your account on the CNSCĐ learning platform"), team=_("Team"),
        phone=_("Phone number (log-in name)"), password=_("Temporary password"),
        address=login_url.split("://", 1)[-1],
        steps=_("Scan the code with your phone camera, log in with your phone number and this "
                "password, then choose your own password."))
    slips = [Slip(person.full_name, team, display_phone(person.phone), password)
             for person, team, password in rows]
    data = render_slips_pdf(slips, labels, login_url, _("Log-in slips"))
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})


def render_slip(person, password: str):
    """The printable log-in slip: phone, temporary password and a QR code of the log-in link."""
    login_url, login_qr = login_link()
    return render_template("auth/slip.html", person=person, password=password,
                           login_url=login_url, login_qr=login_qr)


def _phone_key() -> str:
    # A key function must never raise: Flask-Limiter takes any exception while it counts for a
    # dead storage and switches the process to its in-memory fallback, so one oversized POST
    # (413 when the form is read) would split the shared Redis counters per process.
    try:
        raw = request.form.get("phone", "")
    except RequestEntityTooLarge:
        raw = ""
    try:
        return "login-phone:" + normalize_phone(raw)
    except ValueError:
        return "login-phone:" + raw.strip()[:32]


def _address_key() -> str:
    return "login-addr:" + (request.remote_addr or "unknown")


def _login_failed(response) -> bool:
    return bool(g.get("login_failed"))


def _safe_next(target: str | None) -> str | None:
    """Only local paths are followed after log-in (no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_LIMIT"],
    key_func=_phone_key,
    methods=["POST"],
    deduct_when=_login_failed,
    scope="login-phone",
)
@limiter.limit(
    lambda: current_app.config["LOGIN_ADDRESS_LIMIT"],
    key_func=_address_key,
    methods=["POST"],
    deduct_when=_login_failed,
    scope="login-addr",
)
def login():
    """Log in with a phone number (any usual spelling) and a password."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.phone.data, form.password.data)
        if user is None:
            g.login_failed = True
            form.password.errors.append(_("The phone number or password is not right."))
        else:
            chosen = session.get("lang") if session.get("lang_chosen") else None
            carried = {key: session[key] for key in CARRIED_KEYS if key in session}
            session.clear()
            session.update(carried)
            session.permanent = True
            session["sid"] = sessions.start_session(user, request.user_agent.string)
            db.session.commit()
            login_user(user)
            for hook in _LOGIN_HOOKS:
                hook(user)
            if chosen and chosen != user.locale:
                # The language picked on the log-in page becomes the account's language.
                accounts.set_locale(user, chosen)
            session["lang"] = user.locale
            if user.must_change_password:
                # The temporary password was just typed: the change form will not ask again.
                session["pw_proven_at"] = int(time.time())
                return redirect(url_for("auth.change_password"))
            if "after_login" in session:
                return redirect(_after_login())
            return redirect(_safe_next(request.args.get("next")) or url_for("main.index"))
    return render_template("auth/login.html", form=form, notices=_login_notices())


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out (a POST with its CSRF token, so a link cannot log anyone out)."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    locale = current_user.locale
    sessions.end_session(session.get("sid"))
    db.session.commit()
    logout_user()
    session.clear()
    session["lang"] = locale
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change the password; required at first log-in with a temporary password.

    Right after a log-in with a temporary password only the new password is asked (twice).
    A rejected form keeps the fields that were right and says what is wrong."""
    form = ChangePasswordForm()
    proven_at = session.get("pw_proven_at") or 0
    proven = current_user.must_change_password and time.time() - proven_at < PROVEN_FOR
    if proven:
        del form.current
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, None if proven else form.current.data,
                                     form.new.data, keep_session=session.get("sid"),
                                     proven=proven)
        except accounts.AuthError as exc:
            field = form.current if exc.code == "wrong_current" else form.new
            field.errors.append(auth_message(exc.code))
            if field is form.new:
                form.confirm.errors.append(_("Type the new password again."))
        else:
            session.pop("pw_proven_at", None)
            flash(_("Your new password is saved."), "success")
            return redirect(_after_login())
    if request.method == "POST":
        _keep_valid_passwords(form)
    return render_template("auth/change_password.html", form=form, proven=proven)


def _keep_valid_passwords(form) -> None:
    """Show again what was typed in the fields that had no error (not the ones to retype)."""
    from wtforms.widgets import PasswordInput

    wrong_new = bool(form.new.errors)
    for field in form:
        if field.type != "PasswordField":
            continue
        keep = not field.errors and not (wrong_new and field.name == "confirm")
        if keep and field.data:
            field.widget = PasswordInput(hide_value=False)


@bp.route("/sessions/end-others", methods=["POST"])
@login_required
def end_other_sessions():
    """Log out on every other device (a lost or shared phone)."""
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    ended = sessions.end_sessions(current_user.id, except_token=session.get("sid"))
    from lms import audit

    audit.record("user.logout_all", "user", current_user.id, actor_id=current_user.id,
                 after={"sessions_ended": ended})
    db.session.commit()
    flash(_("You are now logged out on every other device."), "success")
    return redirect(url_for("org.profile"))


@bp.route("/language/<code>", methods=["POST"])
def set_language(code: str):
    """Switch the interface language; kept on the account, or in the session when logged out."""
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    session["lang"] = code
    if current_user.is_authenticated:
        accounts.set_locale(current_user, code)
    else:
        session["lang_chosen"] = True
    return redirect(_safe_next(request.form.get("next")) or url_for("main.index"))


@bp.route("/accounts/new", methods=["GET", "POST"])
@roles_required("officer")
def new_account():
    """An officer creates an account; the temporary password is shown once, on a slip."""
    form = AccountForm()
    if not has_role(current_user, "admin"):
        form.account_role.choices = [c for c in form.account_role.choices if c[0] == "member"]
    if form.validate_on_submit():
        try:
            user, password = accounts.create_account(
                full_name=form.full_name.data,
                phone=form.phone.data,
                account_role=form.account_role.data,
                birth_year=form.birth_year.data,
                commune_id=current_user.commune_id,
                actor_id=current_user.id,
            )
        except accounts.AuthError as exc:
            target = form.phone if exc.code in ("bad_phone", "phone_taken") else form.full_name
            target.errors.append(auth_message(exc.code))
        else:
            db.session.commit()
            return render_slip(user, password)
    return render_template("auth/new_account.html", form=form)


@bp.route("/accounts/<int:user_id>/reset-password", methods=["GET", "POST"])
@roles_required("officer")
def reset_password(user_id: int):
    """An officer gives a person a new temporary password (shown once, on a slip).

    Only accounts the officer may change (members and leaders of the commune); officers are
    reset by the administrator. Every session of the person ends."""
    person = get_manageable_user_or_404(current_user, user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        password = accounts.set_temporary_password(person, actor_id=current_user.id,
                                                   commune_id=current_user.commune_id)
        db.session.commit()
        return render_slip(person, password)
    return render_template("auth/reset_password.html", person=person, form=form)
