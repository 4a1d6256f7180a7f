"""Translations: complete catalogues, an up-to-date template, both languages on every page."""

from __future__ import annotations

import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from babel.messages.pofile import read_po

from lms.i18n_tools import problems

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "translations"


def _catalog(locale: str):
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=locale)


def _ids(catalog) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


@pytest.mark.parametrize("locale", ["vi", "en"])
def test_catalogue_has_no_untranslated_or_fuzzy_entry(locale):
    missing = problems(locale)
    assert not missing, f"{len(missing)} untranslated {locale} entries, e.g. {missing[:5]}"


def test_pot_is_up_to_date_with_the_code(tmp_path):
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [str(Path(sys.executable).parent / "pybabel"), "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-k", "ngettext:1,2", "--no-location",
         "-o", str(fresh), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with fresh.open("rb") as handle:
        code_ids = _ids(read_po(handle))
    with (TRANSLATIONS / "messages.pot").open("rb") as handle:
        pot_ids = _ids(read_po(handle))
    assert code_ids == pot_ids, (
        f"run `make i18n-extract`: new {sorted(code_ids - pot_ids)[:5]}, "
        f"stale {sorted(pot_ids - code_ids)[:5]}"
    )
    for locale in ("vi", "en"):
        assert _ids(_catalog(locale)) >= code_ids, f"{locale} catalogue lacks entries"


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", text.replace("&#39;", "'").replace("&amp;", "&"))


def _crawl(client, start: list[str], limit: int = 40):
    seen, queue, pages = set(), list(start), []
    while queue and len(pages) < limit:
        url = queue.pop(0)
        path = urlsplit(url).path
        if path in seen or path.startswith(("/static", "/logout", "/verify/")):
            continue
        seen.add(path)
        response = client.get(url)
        assert response.status_code < 500, f"{url} → {response.status_code}"
        if response.status_code != 200 or "text/html" not in response.content_type:
            continue
        html = response.get_data(as_text=True)
        pages.append((url, html))
        parser = _Links()
        parser.feed(html)
        for href in parser.links:
            absolute = urljoin(url, href)
            parts = urlsplit(absolute)
            if parts.netloc in ("", "localhost") and parts.path not in seen:
                if not re.search(r"\.(pdf|csv|xlsx|zip|ics|json|svg|webp|png)$", parts.path):
                    queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return pages


def _leaks(pages, wrong: set[str]) -> list[tuple[str, str]]:
    found = []
    for url, html in pages:
        text = _visible_text(html)
        for phrase in wrong:
            if phrase in text:
                found.append((url, phrase))
    return found


@pytest.mark.parametrize("phone", ["+84900000001", "+84900000002", "+84900000003", "+84900000004",
                                   "+84900000005"])
def test_every_page_is_complete_in_both_languages(app, client, auth, phone):
    """Crawl what each demo role can reach; no English in Vietnamese pages and vice versa."""
    from lms.demo import DEMO_PASSWORD, run_demo

    run_demo()
    vi_catalog = _catalog("vi")
    pairs = [
        (m.id, m.string) for m in vi_catalog
        if isinstance(m.id, str) and m.id and m.string and m.id != m.string
    ]
    all_vi = " ".join(s for _, s in pairs)
    all_en = " ".join(i for i, _ in pairs)
    # Long enough phrases that cannot appear by chance in the other language.
    english = {i for i, s in pairs if len(i) >= 18 and "%(" not in i and i not in all_vi}
    vietnamese = {s for i, s in pairs if len(s) >= 30 and "%(" not in s and s not in all_en}

    response = auth.login(phone, DEMO_PASSWORD)
    assert response.status_code == 302
    # First the privacy notice (every new account sees it once), then everything else.
    notice = client.get("/")
    assert "/privacy" in notice.headers["Location"]
    client.post("/privacy")
    pages = _crawl(client, ["/", "/privacy"])
    assert pages
    for url, html in pages:
        assert '<html lang="vi"' in html, url
    assert not _leaks(pages, english), _leaks(pages, english)[:5]

    client.post("/language/en", data={"next": "/"})
    pages = _crawl(client, ["/"])
    for url, html in pages:
        assert '<html lang="en"' in html, url
    assert not _leaks(pages, vietnamese), _leaks(pages, vietnamese)[:5]


def test_english_pages_show_english_module_and_certificate_titles(app, client, auth):
    """Titles stored in two languages follow the reader's language (macros included)."""
    from sqlalchemy import select

    from lms.courses.models import Module
    from lms.demo import DEMO_PASSWORD, run_demo
    from lms.extensions import db

    run_demo()
    auth.login("+84900000004", DEMO_PASSWORD)
    client.post("/privacy")
    client.post("/language/en", data={"next": "/"})
    modules = db.session.scalars(select(Module)).all()
    for url in ("/", "/learn", "/certificates/mine", "/path"):
        text = _visible_text(client.get(url).get_data(as_text=True))
        for module in modules:
            assert module.title_vi not in text, (url, module.title_vi)
