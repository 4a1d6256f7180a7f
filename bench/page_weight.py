"""Page weight: bytes transferred and requests for every page a member (or anyone) opens.

Budget: ≤ 30 KB transferred (HTML + CSS + JS + fonts, lesson images aside) and ≤ 6 requests per
page. "Transferred" is what the browser receives from the production setup in deploy/ (nginx
compresses HTML, CSS and JS with gzip level 5); the raw size is printed beside it. Builds a
temporary SQLite database with the demo data, logs in as the demo member, accepts the privacy
notice, crawls what the member can reach, then starts and submits one quiz attempt so the
question and result pages are measured too, and prints one line per page, worst first.

    .venv/bin/python -m bench.page_weight [--limit 60] [--phone +84900000004]
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import tempfile
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

BUDGET_BYTES = 30 * 1024
BUDGET_REQUESTS = 6
GZIP_LEVEL = 5  # gzip_comp_level in deploy/nginx/lms.conf
GZIP_MIN_LENGTH = 512  # gzip_min_length there


def transferred(body: bytes) -> int:
    """Bytes on the wire for a text response behind the nginx of deploy/."""
    if len(body) < GZIP_MIN_LENGTH:
        return len(body)
    return len(gzip.compress(body, compresslevel=GZIP_LEVEL, mtime=0))


class _Assets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.assets: list[str] = []
        self.links: list[str] = []
        self.images: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.assets.append(a["src"])
        elif tag == "link" and a.get("href") and a.get("rel") in ("stylesheet", "icon", "manifest"):
            self.assets.append(a["href"])
        elif tag == "img" and a.get("src"):
            self.images.append(a["src"])
        elif tag == "a" and a.get("href"):
            self.links.append(a["href"])


def measure(client, url: str, cache: dict) -> dict | None:
    """Bytes and requests to load ``url`` with a cold cache (images listed apart)."""
    response = client.get(url)
    if response.status_code != 200 or "text/html" not in response.content_type:
        return None
    html = response.get_data()
    parser = _Assets()
    parser.feed(html.decode("utf-8", "replace"))
    raw, total, requests = len(html), transferred(html), 1
    for asset in parser.assets:
        path = urlsplit(urljoin(url, asset))
        key = path.path + ("?" + path.query if path.query else "")
        if key not in cache:
            body = client.get(key).get_data()
            cache[key] = (len(body), transferred(body))
        raw += cache[key][0]
        total += cache[key][1]
        requests += 1
    return {"url": url, "bytes": total, "raw": raw, "requests": requests,
            "images": len(parser.images), "links": parser.links}


def crawl(client, start: str = "/", limit: int = 60) -> list[dict]:
    """Measure every local HTML page reachable from ``start`` (up to ``limit``)."""
    seen, queue, results, cache = set(), [start], [], {}
    while queue and len(results) < limit:
        url = queue.pop(0)
        path = urlsplit(url).path
        if path in seen or path.startswith(("/static", "/logout", "/language")):
            continue
        seen.add(path)
        result = measure(client, url, cache)
        if result is None:
            continue
        results.append(result)
        for href in result.pop("links"):
            parts = urlsplit(urljoin(url, href))
            if parts.netloc in ("", "localhost") and not re.search(
                r"\.(pdf|csv|xlsx|zip|ics|json)$", parts.path
            ):
                queue.append(parts.path)
    return results


def member_client(client, phone: str, password: str):
    """Log ``client`` in and accept the privacy notice, as a member does once."""
    client.post("/login", data={"phone": phone, "password": password})
    client.post("/privacy")
    return client


def quiz_pages(client) -> list[dict]:
    """Start and submit an attempt at the first quiz on /learn: its question page and result."""
    from lms.courses.models import Module
    from lms.extensions import db

    slug = db.session.scalars(db.select(Module.slug).order_by(Module.position)).first()
    if slug is None:
        return []
    start = client.post(f"/modules/{slug}/quiz")
    if start.status_code != 302:
        return []
    attempt_url = urlsplit(start.headers["Location"]).path
    cache: dict = {}
    pages = [measure(client, attempt_url, cache)]
    client.post(attempt_url + "/submit")
    pages.append(measure(client, attempt_url + "/result", cache))
    pages = [page for page in pages if page is not None]
    for page in pages:
        del page["links"]
    return pages


def main(limit: int = 60, phone: str | None = "+84900000004", quiet: bool = False) -> list[dict]:
    """Build demo data in a temporary database, crawl and print the figures; return them."""
    from lms import create_app
    from lms.demo import DEMO_PASSWORD, run_demo
    from lms.extensions import db

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{os.path.join(tmp, 'bench.sqlite3')}",
            "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
            "PASSWORD_HASH_METHOD": "scrypt:1024:8:1", "RATELIMIT_ENABLED": False,
        })
        with app.app_context():
            db.create_all()
            run_demo()
            client = app.test_client()
            results = crawl(client, "/login", limit=1)
            if phone:
                member_client(client, phone, DEMO_PASSWORD)
                results += crawl(client, "/privacy", limit=limit)
                results += quiz_pages(client)
            db.session.remove()
            db.engine.dispose()
    results.sort(key=lambda r: (-r["bytes"], r["url"]))
    if not quiet:
        print(f"{'sent':>8} {'raw':>8} {'req':>4} {'img':>4}  page   (budget {BUDGET_BYTES} B "
              f"sent, {BUDGET_REQUESTS} requests)")
        for r in results:
            flag = "" if r["bytes"] <= BUDGET_BYTES and r["requests"] <= BUDGET_REQUESTS else "  OVER"
            print(f"{r['bytes']:>8} {r['raw']:>8} {r['requests']:>4} {r['images']:>4}  "
                  f"{r['url']}{flag}")
        over = [r for r in results if r["bytes"] > BUDGET_BYTES or r["requests"] > BUDGET_REQUESTS]
        print(f"pages: {len(results)}, over budget: {len(over)}, "
              f"heaviest: {results[0]['bytes'] if results else 0} B sent, "
              f"{max((r['raw'] for r in results), default=0)} B raw")
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=60)
    parser.add_argument("--phone", default="+84900000004")
    args = parser.parse_args()
    main(args.limit, args.phone)
