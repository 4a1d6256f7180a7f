"""Reading and validating the content folder (format: content/README.md).

:func:`validate_tree` reads every module folder and ``path.yaml``, renders the lessons, and
returns the parsed tree plus a list of :class:`ContentError` (file, line, what is wrong, how to
fix it). Nothing here touches the database.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from lms.content_errors import ContentError
from lms.courses.markdown import (
    CALLOUTS,
    IMAGE_TYPES,
    MAX_IMAGE_BYTES,
    RENDER_VERSION,
    ImageInfo,
    check_svg,
    raw_links,
    render_lesson,
    safe_link,
    webp_size,
)

LANGS = ("vi", "en")
TOPICS = ("policy", "vneid", "digital-signature", "public-services", "payments", "security", "guiding")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LESSON_RE = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.(vi|en)\.md$")
MODULE_KEYS = {"slug", "order", "topic", "title", "summary", "minutes", "pass_mark", "sources"}
PATH_KEYS = {"slug", "title", "summary", "modules"}
_OPEN = re.compile(r"^:::\s*([^\s:]\S*)?\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass
class LessonData:
    """One lesson in both languages, rendered."""

    slug: str
    position: int
    minutes: int
    title: dict[str, str]
    html: dict[str, str]
    digest: str


@dataclass
class ModuleData:
    """One module folder, parsed."""

    folder: Path
    slug: str
    order: int
    topic: str
    title: dict[str, str]
    summary: dict[str, str]
    minutes: int
    pass_mark: int
    sources: list
    lessons: list[LessonData] = field(default_factory=list)
    images: dict[str, ImageInfo] = field(default_factory=dict)
    quiz: dict | None = None
    has_quiz: bool = False
    digest: str = ""


@dataclass
class PathData:
    """The learning path of ``path.yaml``."""

    slug: str
    title: dict[str, str]
    summary: dict[str, str]
    modules: list[str]


@dataclass
class ContentTree:
    """Everything read from a content folder."""

    root: Path
    modules: list[ModuleData] = field(default_factory=list)
    paths: list[PathData] = field(default_factory=list)


class _Ctx:
    """Collects errors with paths shown relative to the content folder's parent."""

    def __init__(self, root: Path, errors: list[ContentError]):
        self.root = root
        self.errors = errors

    def show(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)

    def add(self, path: Path, line: int | None, message: str, hint: str = "") -> None:
        self.errors.append(ContentError(self.show(path), line, message, hint))


def sha256(*parts: bytes | str) -> str:
    """Hex SHA-256 of the parts, in order."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


def load_mapping(ctx: _Ctx, path: Path, allowed: set[str], shape: str, hint: str):
    """Read a YAML file that must be a mapping with only ``allowed`` keys.

    Returns ``(data, {key: line})``, or None when the file cannot be used at all; unknown keys
    are reported (and still returned, so the rest of the file is checked too)."""
    data, lines = load_yaml(ctx, path, path.read_text(encoding="utf-8"))
    if data is None:
        return None
    if not isinstance(data, dict):
        ctx.add(path, 1, shape, hint)
        return None
    for key in sorted(set(data) - allowed):
        ctx.add(path, lines.get(str(key)), f"unknown key `{key}`",
                f"use only: {', '.join(sorted(allowed))}")
    return data, lines


def load_yaml(ctx: _Ctx, path: Path, text: str, line_offset: int = 0):
    """Parse YAML; return ``(data, {top-level key: line})`` or ``(None, {})`` after an error."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 + line_offset if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        ctx.add(path, line, f"is not valid YAML: {problem}",
                "check the indentation and quote texts that contain a colon")
        return None, {}
    lines = {}
    if isinstance(node, yaml.MappingNode):
        for key, _value in node.value:
            lines[str(key.value)] = key.start_mark.line + 1 + line_offset
    return data, lines


def _texts(ctx, path, lines, data: dict, key: str, required: bool = True) -> dict[str, str]:
    value = data.get(key)
    line = lines.get(key)
    if value is None and not required:
        return {"vi": "", "en": ""}
    if not isinstance(value, dict):
        ctx.add(path, line, f"`{key}` must have a vi and an en text",
                f'write {key}: {{vi: "...", en: "..."}}')
        return {"vi": "", "en": ""}
    out = {}
    for lang in LANGS:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            ctx.add(path, line, f"`{key}` has no {lang} text", f"add {key}.{lang}")
            text = ""
        out[lang] = text.strip() if isinstance(text, str) else ""
    return out


def _int(ctx, path, lines, data, key, low, high, default=None) -> int:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        ctx.add(path, lines.get(key), f"`{key}` must be a whole number from {low} to {high}",
                f"got {value!r}")
        return default if isinstance(default, int) else low
    return value


def read_module_yaml(ctx: _Ctx, path: Path) -> dict | None:
    """Validate ``module.yaml``; return its normalised fields or None."""
    before = len(ctx.errors)
    loaded = load_mapping(ctx, path, MODULE_KEYS,
                          "must be a mapping of keys (slug, order, topic, title, ...)",
                          "see content/README.md for an example")
    if loaded is None:
        return None
    data, lines = loaded
    slug = data.get("slug")
    if not isinstance(slug, str) or not SLUG_RE.match(slug) or len(slug) > 64:
        ctx.add(path, lines.get("slug", 1), f"`slug` {slug!r} is missing or not a valid slug",
                "use lowercase letters, digits and hyphens, e.g. slug: vneid")
    topic = data.get("topic")
    if topic not in TOPICS:
        ctx.add(path, lines.get("topic", 1), f"`topic` {topic!r} is not a known topic",
                f"use one of: {', '.join(TOPICS)}")
    out = {
        "slug": slug,
        "order": _int(ctx, path, lines, data, "order", 0, 999),
        "topic": topic,
        "title": _texts(ctx, path, lines, data, "title"),
        "summary": _texts(ctx, path, lines, data, "summary"),
        "minutes": _int(ctx, path, lines, data, "minutes", 1, 600),
        "pass_mark": _int(ctx, path, lines, data, "pass_mark", 0, 100, default=70),
        "sources": [],
    }
    sources = data.get("sources", [])
    if not isinstance(sources, list):
        ctx.add(path, lines.get("sources"), "`sources` must be a list",
                "write each source as - title: {vi: ..., en: ...} and url: https://...")
        sources = []
    for number, source in enumerate(sources, 1):
        if not isinstance(source, dict):
            ctx.add(path, lines.get("sources"), f"source {number} must have a title and a url")
            continue
        title = _texts(ctx, path, lines | {"title": lines.get("sources")}, source, "title")
        url = source.get("url", "")
        if url and (not isinstance(url, str) or not url.startswith(("http://", "https://"))):
            ctx.add(path, lines.get("sources"), f"source {number} has an invalid url {url!r}",
                    "use an http:// or https:// address")
            url = ""
        out["sources"].append({"title": title, "url": url or ""})
    return out if len(ctx.errors) == before else None


def split_front_matter(ctx: _Ctx, path: Path, text: str):
    """``(front matter dict, body, body's first line number)`` or None after an error."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        ctx.add(path, 1, "has no front matter",
                "start the file with ---, then title: ... and minutes: ..., then ---")
        return None
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            break
    else:
        ctx.add(path, 1, "front matter is not closed", "add a line with --- after `minutes:`")
        return None
    data, keys = load_yaml(ctx, path, "".join(lines[1:index]), line_offset=1)
    if data is None:
        return None
    if not isinstance(data, dict):
        ctx.add(path, 2, "front matter must be a mapping", "write title: ... and minutes: ...")
        return None
    ok = True
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        ctx.add(path, keys.get("title", 2), "front matter has no `title`",
                "add title: <the lesson title>")
        ok = False
    minutes = data.get("minutes")
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 10:
        ctx.add(path, keys.get("minutes", 2), f"`minutes` must be a whole number from 1 to 10 (got {minutes!r})",
                "estimate the reading time; split a lesson longer than 10 minutes")
        ok = False
    if not ok:
        return None
    return {"title": title.strip(), "minutes": minutes}, "".join(lines[index + 1:]), index + 2


def check_body(ctx: _Ctx, path: Path, body: str, first_line: int, images: dict, image_dir: Path) -> bool:
    """Callouts (known, closed, not nested, practice + sources present), links and images."""
    before = len(ctx.errors)
    open_at: tuple[str, int] | None = None
    seen: set[str] = set()
    in_fence = False
    for offset, line in enumerate(body.splitlines()):
        number = first_line + offset
        if _FENCE.match(line):
            in_fence = not in_fence
        if in_fence or not line.startswith(":::"):
            continue
        match = _OPEN.match(line)
        name = match.group(1) if match else None
        if match and name is None:
            if open_at is None:
                ctx.add(path, number, "`:::` closes a callout that was never opened",
                        "remove this line or open the block with ::: thuc-hanh / luu-y / nguon")
            open_at = None
            continue
        if not match or name not in CALLOUTS:
            ctx.add(path, number, f"unknown callout `{line.strip()}`",
                    f"use one of: {', '.join('::: ' + n for n in CALLOUTS)}")
            continue
        if open_at is not None:
            ctx.add(path, open_at[1], f"callout `::: {open_at[0]}` is not closed before the next one",
                    "add a line with ::: at the end of the block")
        open_at = (name, number)
        seen.add(name)
    if open_at is not None:
        ctx.add(path, open_at[1], f"callout `::: {open_at[0]}` is not closed",
                "add a line with only ::: at the end of the block")
    for name, what in (("thuc-hanh", "hands-on practice"), ("nguon", "sources")):
        if name not in seen:
            ctx.add(path, None, f"has no `::: {name}` block ({what})",
                    f"add a ::: {name} block; every lesson needs one")
    for kind, url, line in raw_links(body):
        number = first_line + line - 1
        if kind == "image":
            name = url[len("images/"):] if url.startswith("images/") else None
            if name is None or "/" in name:
                ctx.add(path, number, f"image {url!r} is not in the module's images/ folder",
                        "put the file in images/ and write ![description](images/name.svg)")
            elif name not in images:
                hint = "add the file to images/ or fix the name"
                if (image_dir / name).exists():
                    hint = "fix the image file's problems reported above"
                ctx.add(path, number, f"image {url!r} does not exist", hint)
        elif not safe_link(url):
            ctx.add(path, number, f"link {url!r} is not allowed",
                    "links may only be http(s):// addresses or relative links")
    return len(ctx.errors) == before


def read_images(ctx: _Ctx, folder: Path) -> dict[str, ImageInfo]:
    """Every valid image of ``folder/images`` (problems reported)."""
    images: dict[str, ImageInfo] = {}
    image_dir = folder / "images"
    if not image_dir.is_dir():
        return images
    for path in sorted(image_dir.iterdir()):
        if path.name.startswith(".") or path.is_dir():
            continue
        mimetype = IMAGE_TYPES.get(path.suffix.lower())
        if mimetype is None:
            ctx.add(path, None, "is not an SVG or WebP image", "convert it to .svg or .webp")
            continue
        data = path.read_bytes()
        if len(data) > MAX_IMAGE_BYTES:
            ctx.add(path, None, f"is {len(data) // 1024} KB, more than 30 KB",
                    "simplify the SVG or compress the WebP")
            continue
        if mimetype == "image/svg+xml":
            problems, width, height = check_svg(data)
            for problem in problems:
                ctx.add(path, None, f"unsafe or invalid SVG: {problem}",
                        "remove scripts, event attributes, <foreignObject> and external links")
            if problems:
                continue
        else:
            size = webp_size(data)
            if size is None:
                ctx.add(path, None, "is not a valid WebP file", "export it again as WebP")
                continue
            width, height = size
        images[path.name] = ImageInfo(path.name, mimetype, data, sha256(data), width, height)
    return images


def read_lessons(ctx: _Ctx, folder: Path, slug: str, images: dict) -> list[LessonData] | None:
    """Both languages of every lesson, checked and rendered."""
    before = len(ctx.errors)
    found: dict[tuple[int, str], dict[str, Path]] = {}
    slugs: dict[str, int] = {}
    for path in sorted(folder.glob("*.md")):
        match = LESSON_RE.match(path.name)
        if not match:
            ctx.add(path, None, "is not named like a lesson",
                    "name lessons NN-slug.vi.md and NN-slug.en.md, e.g. 01-cai-dat.vi.md")
            continue
        number, lesson_slug, lang = int(match.group(1)), match.group(2), match.group(3)
        if slugs.setdefault(lesson_slug, number) != number:
            ctx.add(path, None, f"lesson slug `{lesson_slug}` is used with two numbers",
                    "give each lesson its own slug")
            continue
        found.setdefault((number, lesson_slug), {})[lang] = path
    if not found and len(ctx.errors) == before:
        ctx.add(folder / "module.yaml", None, "the module has no lessons",
                "add lessons as NN-slug.vi.md and NN-slug.en.md")
    lessons = []
    for position, ((_number, lesson_slug), files) in enumerate(sorted(found.items()), 1):
        for lang in LANGS:
            if lang not in files:
                other = next(iter(files.values()))
                twin = other.name.rsplit(".", 2)[0] + f".{lang}.md"
                ctx.add(other, None, f"has no {lang} twin", f"add {twin} (same number and slug)")
        if len(files) != len(LANGS):
            continue
        titles, htmls, minutes, ok = {}, {}, {}, True
        for lang in LANGS:
            path = files[lang]
            parsed = split_front_matter(ctx, path, path.read_text(encoding="utf-8"))
            if parsed is None:
                ok = False
                continue
            meta, body, first_line = parsed
            if not check_body(ctx, path, body, first_line, images, folder / "images"):
                ok = False
                continue
            titles[lang], minutes[lang] = meta["title"], meta["minutes"]
            htmls[lang] = render_lesson(body, lang, slug, images)
        if not ok:
            continue
        minute = max(minutes.values())
        digest = sha256(str(position), str(minute), *[titles[x] + htmls[x] for x in LANGS])
        lessons.append(LessonData(lesson_slug, position, minute, titles, htmls, digest))
    return lessons if len(ctx.errors) == before else None


def folder_digest(folder: Path) -> str:
    """A hash of every file of a module folder (skips the sync when nothing changed)."""
    parts: list[bytes | str] = [RENDER_VERSION]
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        parts += [str(path.relative_to(folder)), path.read_bytes()]
    return sha256(*parts)
