"""Lesson Markdown → safe HTML, and the checks on module images (SVG / WebP).

Rendering uses markdown-it-py with raw HTML off (it is escaped) and linkify off, plus the
container plugin for the three callouts. Links may only be ``http(s)://`` or relative; images
must be ``images/<name>`` of the module and are rewritten to the module-image URL, lazy-loaded,
with their width and height.
"""

from __future__ import annotations

import re
import struct
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html import escape
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from mdit_py_plugins.container import container_plugin

CALLOUTS = {
    # name in the files → (css class, heading per lesson language)
    "thuc-hanh": ("practice", {"vi": "Thực hành", "en": "Practice"}),
    "luu-y": ("warning", {"vi": "Lưu ý", "en": "Warning"}),
    "nguon": ("sources", {"vi": "Nguồn", "en": "Sources"}),
}
# Bump when the rendered HTML changes shape, so the next sync re-renders every lesson.
RENDER_VERSION = "1"
IMAGE_TYPES = {".svg": "image/svg+xml", ".webp": "image/webp"}
MAX_IMAGE_BYTES = 30 * 1024


@dataclass(frozen=True)
class ImageInfo:
    """A module image's name, type, bytes, hash and displayed size."""

    name: str
    mimetype: str
    data: bytes
    digest: str
    width: int | None
    height: int | None


def image_url(module_slug: str, name: str, digest: str) -> str:
    """The URL a module image is served from (the hash makes it cacheable for a year)."""
    return f"/media/{module_slug}/{name}?v={digest[:10]}"


def safe_link(url: str) -> bool:
    """Only ``http(s)://`` and relative links (no other scheme, no protocol-relative)."""
    url = url.strip()
    if url.startswith("//"):
        return False
    scheme = urlsplit(url).scheme.lower()
    return scheme in ("", "http", "https")


def _callout_renderer(name: str):
    css, headings = CALLOUTS[name]

    def render(self, tokens, idx, options, env):
        if tokens[idx].nesting == 1:
            heading = headings.get(env.get("lang", "vi"), headings["vi"])
            return f'<aside class="callout {css}">\n<p class="callout-title"><strong>{heading}</strong></p>\n'
        return "</aside>\n"

    return render


def _render_image(self, tokens, idx, options, env):
    token = tokens[idx]
    src = token.attrGet("src") or ""
    alt = self.renderInlineAsText(token.children or [], options, env)
    images: dict[str, ImageInfo] = env.get("images", {})
    name = src[len("images/"):] if src.startswith("images/") else None
    info = images.get(name) if name else None
    if info is None:
        # The validator refuses these; never emit an arbitrary src.
        return f'<span class="missing-image">{escape(alt)}</span>'
    size = ""
    if info.width and info.height:
        size = f' width="{info.width}" height="{info.height}"'
    url = image_url(env.get("module", ""), info.name, info.digest)
    return f'<img src="{escape(url)}" alt="{escape(alt)}" loading="lazy" decoding="async"{size}>'


def _render_link_open(self, tokens, idx, options, env):
    token = tokens[idx]
    href = token.attrGet("href") or ""
    if urlsplit(href).scheme.lower() in ("http", "https"):
        token.attrSet("rel", "noopener noreferrer")
    return self.renderToken(tokens, idx, options, env)


def make_renderer() -> MarkdownIt:
    """A markdown-it instance configured for lessons (no raw HTML, no linkify)."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    for name in CALLOUTS:
        container_plugin(md, name, render=_callout_renderer(name))
    md.validateLink = safe_link
    md.add_render_rule("image", _render_image)
    md.add_render_rule("link_open", _render_link_open)
    return md


_MD = make_renderer()


def render_lesson(text: str, lang: str, module_slug: str, images: dict[str, ImageInfo]) -> str:
    """Render a lesson body (front matter removed) to HTML in the lesson's language."""
    return _MD.render(text, {"lang": lang, "module": module_slug, "images": images})


def lesson_links(text: str) -> list[tuple[str, str, int | None]]:
    """Every link and image in a lesson body: ``(kind, url, line)`` with kind link | image."""
    found = []
    tokens = _MD.parse(text, {})
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        line = token.map[0] + 1 if token.map else None
        for child in token.children:
            if child.type == "link_open":
                found.append(("link", child.attrGet("href") or "", line))
            elif child.type == "image":
                found.append(("image", child.attrGet("src") or "", line))
    return found


# --- raw link scan (markdown-it drops unsafe links silently; the validator must see them) ---

_RAW_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)")


def raw_links(text: str) -> list[tuple[str, str, int]]:
    """Inline links and images written in the source, found by pattern, with their line."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        for match in _RAW_LINK.finditer(line):
            kind = "image" if match.group(0).startswith("!") else "link"
            found.append((kind, match.group(1), number))
    return found


# --- images ----------------------------------------------------------------------------------

_SVG_NS_HREF = ("href", "{http://www.w3.org/1999/xlink}href")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _length(value: str | None) -> int | None:
    if not value:
        return None
    match = re.fullmatch(r"\s*([0-9.]+)\s*(px)?\s*", value)
    return round(float(match.group(1))) if match else None


def check_svg(data: bytes) -> tuple[list[str], int | None, int | None]:
    """Problems that make an SVG unsafe to serve, plus its width and height if known.

    Refused: a DOCTYPE or entity, ``<script>``, ``<foreignObject>``, any ``on*`` attribute,
    any ``href`` that is not a ``#fragment`` inside the file, ``javascript:`` anywhere.
    """
    problems: list[str] = []
    text = data.decode("utf-8", errors="replace")
    if re.search(r"<!DOCTYPE|<!ENTITY", text, re.IGNORECASE):
        problems.append("contains a DOCTYPE or ENTITY declaration")
        return problems, None, None
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        return [f"is not well-formed XML ({exc})"], None, None
    if _local(root.tag) != "svg":
        return ["is not an SVG (its root element is not <svg>)"], None, None
    for element in root.iter():
        tag = _local(element.tag)
        if tag.lower() == "script":
            problems.append("contains a <script> element")
        if tag.lower() == "foreignobject":
            problems.append("contains a <foreignObject> element")
        for attr, value in element.attrib.items():
            name = _local(attr).lower()
            if name.startswith("on"):
                problems.append(f"has an event handler attribute {name}= on <{tag}>")
            if attr in _SVG_NS_HREF or name == "href":
                if not value.strip().startswith("#"):
                    problems.append(f"links outside the file ({name}=\"{value[:60]}\") on <{tag}>")
            if "javascript:" in value.lower():
                problems.append(f"uses javascript: in {name}= on <{tag}>")
            if "url(" in value.lower() and not re.search(r"url\(\s*['\"]?#", value, re.I):
                problems.append(f"loads an external resource with url() in {name}= on <{tag}>")
        if tag == "style" and element.text and re.search(r"@import|url\(\s*['\"]?(?!#)", element.text, re.I):
            problems.append("its <style> imports or loads an external resource")
    width, height = _length(root.get("width")), _length(root.get("height"))
    if (not width or not height) and root.get("viewBox"):
        parts = root.get("viewBox", "").replace(",", " ").split()
        if len(parts) == 4:
            try:
                width, height = round(float(parts[2])), round(float(parts[3]))
            except ValueError:
                pass
    return sorted(set(problems)), width, height


def webp_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a WebP file, or None if it is not one."""
    if len(data) < 30 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        return None
    chunk = data[12:16]
    if chunk == b"VP8X":
        w = int.from_bytes(data[24:27], "little") + 1
        h = int.from_bytes(data[27:30], "little") + 1
        return w, h
    if chunk == b"VP8 " and data[23:26] == b"\x9d\x01\x2a":
        w, h = struct.unpack("<HH", data[26:30])
        return w & 0x3FFF, h & 0x3FFF
    if chunk == b"VP8L" and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None
