"""Page weight: bytes transferred and requests for every page a member (or anyone) opens.

Budget (DESIGN.md): ≤ 30 KB transferred (HTML + CSS + JS + fonts, lesson images aside) and ≤ 6
requests per page. Builds a temporary SQLite database with the demo data, logs in as the demo
member, crawls what the member can reach and prints one line per page, worst first.

    .venv/bin/python -m bench.page_weight [--limit 60] [--phone +84900000004]
"""

from __future__ import annotations

import argparse
import os
import re
import tempfile
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

BUDGET_BYTES = 30 * 1024
BUDGET_REQUESTS = 6


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
    total, requests = len(html), 1
    for asset in parser.assets:
        path = urlsplit(urljoin(url, asset))
        key = path.path + ("?" + path.query if path.query else "")
        if key not in cache:
            cache[key] = len(client.get(key).get_data())
        total += cache[key]
        requests += 1
    return {"url": url, "bytes": total, "requests": requests, "images": len(parser.images),
            "links": parser.links}


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
                client.post("/login", data={"phone": phone, "password": DEMO_PASSWORD})
                results += crawl(client, "/", limit=limit)
            db.session.remove()
            db.engine.dispose()
    results.sort(key=lambda r: (-r["bytes"], r["url"]))
    if not quiet:
        print(f"{'bytes':>8} {'req':>4} {'img':>4}  page   (budget {BUDGET_BYTES} B, "
              f"{BUDGET_REQUESTS} requests)")
        for r in results:
            flag = "" if r["bytes"] <= BUDGET_BYTES and r["requests"] <= BUDGET_REQUESTS else "  OVER"
            print(f"{r['bytes']:>8} {r['requests']:>4} {r['images']:>4}  {r['url']}{flag}")
        over = [r for r in results if r["bytes"] > BUDGET_BYTES or r["requests"] > BUDGET_REQUESTS]
        print(f"pages: {len(results)}, over budget: {len(over)}, "
              f"heaviest: {results[0]['bytes'] if results else 0} B")
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=60)
    parser.add_argument("--phone", default="+84900000004")
    args = parser.parse_args()
    main(args.limit, args.phone)
