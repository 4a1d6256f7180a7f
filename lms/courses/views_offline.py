"""Module images, the installable web app (manifest, icons, service worker) and offline reading.

The lessons a member reads while offline are queued on the phone under their
``offline_user_marker()`` (``<html data-user>``) and sent to ``POST /offline/read`` with it;
a queue sent under another marker (the previous person on a shared phone) is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
import zlib
from functools import lru_cache

from flask import abort, current_app, jsonify, make_response, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from lms.courses import bp, services
from lms.courses.markdown import image_url
from lms.courses.models import Module, ModuleImage
from lms.extensions import db

YEAR = 31536000
QUEUE_MAX = 500  # lessons accepted from one queue


@bp.app_template_global()
def offline_user_marker() -> str:
    """The logged-in user's marker for the offline reading queue ("" when logged out)."""
    if not current_user.is_authenticated:
        return ""
    return services.offline_marker(current_user.id, current_app.config["SECRET_KEY"])


@bp.route("/offline/read", methods=["POST"])
@login_required
def offline_read():
    """Lessons read on this phone, sent when online (JSON, X-CSRFToken header):
    ``{"user": "<marker>", "lessons": ["<module slug>/<lesson slug>", ...]}``.

    The queue must carry the logged-in user's marker: another person's queue is refused with
    ``409 {"accepted": false, "error": "other_user"}`` and nothing is recorded. Otherwise
    ``{"accepted": true, "read": [...], "ignored": [...]}`` (unknown or retired lessons).
    """
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("lessons"), list):
        abort(400)
    if not hmac.compare_digest(str(data.get("user") or ""), offline_user_marker()):
        return jsonify(accepted=False, error="other_user",
                       message=_("This reading was saved on this phone by another account; "
                                 "it was not counted for you.")), 409
    keys = [str(key) for key in data["lessons"][:QUEUE_MAX] if isinstance(key, str)]
    read, ignored = services.mark_queued_reads(current_user.id, keys)
    db.session.commit()
    return jsonify(accepted=True, read=read, ignored=ignored)


@bp.route("/media/<module_slug>/<name>")
def image(module_slug: str, name: str):
    """A module image; cached for a year when the URL carries its current hash."""
    row = db.session.execute(
        select(ModuleImage.mimetype, ModuleImage.data, ModuleImage.content_hash)
        .join(Module, Module.id == ModuleImage.module_id)
        .where(Module.slug == module_slug, ModuleImage.name == name)
    ).first()
    if row is None:
        abort(404)
    mimetype, data, digest = row
    response = make_response(data)
    response.mimetype = mimetype
    response.set_etag(digest[:32])
    if request.args.get("v") == digest[:10]:
        response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    else:
        response.headers["Cache-Control"] = "public, max-age=300"
    # Even opened directly, an SVG can run nothing and load nothing.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response.make_conditional(request)


@bp.route("/offline/<module_slug>.json")
@login_required
def offline_urls(module_slug: str):
    """Every URL needed to read a module offline (module page, lessons, images)."""
    module = db.session.scalars(
        select(Module).where(Module.slug == module_slug, Module.retired.is_(False))
    ).first()
    if module is None:
        abort(404)
    urls = [url_for("courses.module", module_slug=module.slug)]
    urls += [
        url_for("courses.lesson", module_slug=module.slug, lesson_slug=lesson.slug)
        for lesson in module.lessons if not lesson.retired
    ]
    urls += [
        image_url(module.slug, name, digest)
        for name, digest in db.session.execute(
            select(ModuleImage.name, ModuleImage.content_hash)
            .where(ModuleImage.module_id == module.id)
        )
    ]
    return jsonify(urls=urls)


@bp.route("/sw.js")
def service_worker():
    """The service worker, served from the root so its scope is the whole site."""
    static_url = current_app.jinja_env.globals["static_url"]
    offline_url = url_for("courses.offline")
    precache = [offline_url] + [
        static_url(name) for name in ("style.css", "app.js", "courses.js", "icon.svg")
    ]
    version = hashlib.sha256("|".join(precache).encode()).hexdigest()[:12]
    response = make_response(render_template(
        "courses/sw.js", version=version, precache=precache, offline_url=offline_url))
    response.mimetype = "text/javascript"
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.route("/manifest.webmanifest")
def manifest():
    """The web app manifest (installable on the phone's home screen)."""
    data = {
        "name": _("CNSCĐ Learning — digital skills"),
        "short_name": _("CNSCĐ Learning"),
        "lang": "vi",
        "start_url": url_for("courses.catalogue"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#0a4f91",
        "icons": [
            {"src": url_for("static", filename="icon.svg"), "sizes": "any", "type": "image/svg+xml"},
            {"src": url_for("courses.icon", size=192), "sizes": "192x192", "type": "image/png"},
            {"src": url_for("courses.icon", size=512), "sizes": "512x512", "type": "image/png",
             "purpose": "any maskable"},
        ],
    }
    response = jsonify(data)
    response.mimetype = "application/manifest+json"
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.route("/offline")
def offline():
    """The page the service worker shows for a page that is not saved and no network."""
    response = make_response(render_template("courses/offline.html"))
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/icon-<int:size>.png")
def icon(size: int):
    """The app icon as PNG (192 or 512 px), drawn by :func:`icon_png`."""
    if size not in (192, 512):
        abort(404)
    response = make_response(icon_png(size))
    response.mimetype = "image/png"
    response.headers["Cache-Control"] = f"public, max-age={YEAR}"
    return response


@lru_cache(maxsize=2)
def icon_png(size: int) -> bytes:
    """A simple app icon: an open white book on the brand blue, as a PNG (no image library)."""
    blue, white, line = (10, 79, 145), (255, 255, 255), (201, 209, 218)
    rows = []
    top, bottom = int(size * 0.28), int(size * 0.72)
    left, right, middle = int(size * 0.2), int(size * 0.8), size // 2
    gap = max(2, size // 64)
    for y in range(size):
        row = bytearray(b"\x00")
        for x in range(size):
            colour = blue
            if top <= y < bottom and left <= x < right and abs(x - middle) >= gap:
                colour = white
                page_y = (y - top) % max(1, size // 12)
                if page_y == 0 and y > top + size // 12 and (x < middle - 3 * gap or x > middle + 3 * gap):
                    colour = line
            row += bytes(colour)
        rows.append(bytes(row))
    raw = b"".join(rows)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
