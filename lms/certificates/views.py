"""Views of the certificates package: public verification, the member's certificates, PDFs.

The office's pages (list, detail, revoke, reissue, manual issue, batch printing) are in
:mod:`lms.certificates.office`.
"""

from __future__ import annotations

from flask import (
    Response,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.auth.permissions import commune_condition, role_of
from lms.certificates import bp, services
from lms.certificates.codes import looks_like_serial, normalize_code
from lms.certificates.models import Certificate
from lms.certificates.pdf import render_pdf
from lms.extensions import db, limiter
from lms.i18n import current_locale
from lms.nav import home_section, nav_item

nav_item("certificates.mine", _l("My certificates"), roles=("member", "leader"), order=40)


def _verify_limit() -> str:
    return current_app.config.get("VERIFY_LIMIT", "30 per minute")


verify_limit = limiter.shared_limit(_verify_limit, scope="verify")


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


# --- public verification -----------------------------------------------------------------------


@bp.route("/verify")
@verify_limit
def verify_form():
    """The form to type a code; ``?code=`` goes to that code's page."""
    raw = request.args.get("code", "")
    if raw.strip():
        code = normalize_code(raw)
        if code:
            return redirect(url_for("certificates.verify", code=code))
        if looks_like_serial(raw):
            # A serial number confirms nothing (it is sequential): explain which code to type.
            return render_template("certificates/verify_form.html", serial=raw.strip()[:40])
        return render_template("certificates/verify_not_found.html", code=raw.strip()), 404
    return render_template("certificates/verify_form.html")


@bp.route("/verify/<code>")
@verify_limit
def verify(code: str):
    """A certificate's public status page (or its JSON form: ``.json`` or Accept header)."""
    as_json = code.lower().endswith(".json")
    if as_json:
        code = code[:-5]
    as_json = as_json or _wants_json()
    cert = services.find_by_code(code)
    if cert is None and not as_json and looks_like_serial(code):
        return render_template("certificates/verify_form.html", serial=code[:40]), 404
    if cert is None:
        if as_json:
            return jsonify({"found": False, "code": code}), 404
        return render_template("certificates/verify_not_found.html", code=code), 404
    if cert.code != code:  # canonical address: upper case, no dashes
        target = url_for("certificates.verify", code=cert.code + (".json" if as_json else ""))
        return redirect(target)
    info = services.public_info(cert)
    if as_json:
        return jsonify({"found": True, **info})
    return render_template("certificates/verify.html", cert=cert, info=info)


# --- the member's certificates -----------------------------------------------------------------


@bp.route("/certificates/mine")
@login_required
def mine():
    """"My certificates": each with its PDF and a link to share."""
    certs = services.member_certificates(current_user.id)
    return render_template("certificates/mine.html", certs=certs,
                           url_for_verify=services.verification_url)


@home_section(roles=("member", "leader"), order=40)
def home_certificates(user, role):
    """Home page section: the member's latest certificates."""
    certs = services.member_certificates(user.id)[:3]
    if not certs:
        return None
    return render_template("certificates/_home.html", certs=certs)


def _downloadable(cert_id: int) -> Certificate:
    """The holder's own current certificate, or one of the officer's commune; else 404."""
    cert = db.session.get(Certificate, cert_id)
    if cert is None:
        abort(404)
    if cert.user_id == current_user.id and cert.status == "valid":
        return cert
    if role_of(current_user) in ("officer", "admin"):
        allowed = db.session.scalar(select(Certificate.id).where(
            Certificate.id == cert_id, commune_condition(current_user, Certificate.commune_id)))
        if allowed:
            return cert
    abort(404)


def pdf_response(data: bytes, filename: str, inline: bool = True) -> Response:
    """A PDF download that is never cached by shared caches."""
    response = Response(data, mimetype="application/pdf")
    disposition = "inline" if inline else "attachment"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/certificates/<int:cert_id>.pdf")
@login_required
def download(cert_id: int):
    """The certificate as a PDF (``?lang=en`` for the English version)."""
    cert = _downloadable(cert_id)
    lang = request.args.get("lang") or current_locale()
    lang = lang if lang in ("vi", "en") else "vi"
    data = render_pdf([cert], current_app.config["BASE_URL"], lang=lang,
                      title=f"{cert.serial} {cert.holder_name}")
    suffix = "-en" if lang == "en" else ""
    return pdf_response(data, f"{cert.serial}{suffix}.pdf", inline=False)


from lms.certificates import office  # noqa: E402,F401
