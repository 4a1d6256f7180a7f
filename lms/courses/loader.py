"""``lms content sync``: validate the whole content folder, then load it (or nothing).

- :func:`validate_tree` reads and checks every file (see :mod:`lms.courses.validate`) and lets
  the quizzes package check each ``quiz.yaml`` (``lms.quizzes.loader.validate_quiz``).
- :func:`sync_content` raises :class:`ContentInvalid` when anything is wrong and loads nothing;
  otherwise it upserts by slug in one transaction. A module whose files did not change is
  skipped (``content_hash``). Lessons keep their id (and so members' progress) when edited;
  lessons and modules that disappeared are retired, never deleted. Quizzes are loaded by
  ``lms.quizzes.loader.sync_quiz``, which makes a new version when a quiz changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from lms.content_errors import ContentError, ContentInvalid
from lms.courses.models import LearningPath, Lesson, Module, ModuleImage
from lms.courses.validate import (
    PATH_KEYS,
    SLUG_RE,
    ContentTree,
    ModuleData,
    PathData,
    _Ctx,
    _texts,
    folder_digest,
    load_mapping,
    read_images,
    read_lessons,
    read_module_yaml,
)
from lms.extensions import db
from lms.models_base import utcnow


@dataclass
class SyncReport:
    """What a sync did (or, with ``dry_run``, would do)."""

    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    lessons_created: int = 0
    lessons_updated: int = 0
    lessons_retired: int = 0
    paths_created: int = 0
    paths_updated: int = 0
    quizzes_synced: int = 0

    def summary(self) -> str:
        """One line for the CLI."""
        verb = "would be " if self.dry_run else ""
        return (
            f"modules: {self.created} {verb}created, {self.updated} {verb}updated, "
            f"{self.unchanged} unchanged, {self.retired} {verb}retired; "
            f"lessons: {self.lessons_created} {verb}created, {self.lessons_updated} {verb}updated, "
            f"{self.lessons_retired} {verb}retired; paths: {self.paths_created} {verb}created, "
            f"{self.paths_updated} {verb}updated; quizzes: {self.quizzes_synced} {verb}synced"
        )


def _read_path(ctx: _Ctx, path: Path, module_slugs: set[str]) -> PathData | None:
    before = len(ctx.errors)
    loaded = load_mapping(ctx, path, PATH_KEYS, "must be a mapping (slug, title, summary, modules)",
                          "see content/README.md")
    if loaded is None:
        return None
    data, lines = loaded
    slug = data.get("slug")
    if not isinstance(slug, str) or not SLUG_RE.match(slug):
        ctx.add(path, lines.get("slug", 1), f"`slug` {slug!r} is missing or not a valid slug",
                "use lowercase letters, digits and hyphens")
    title = _texts(ctx, path, lines, data, "title")
    summary = _texts(ctx, path, lines, data, "summary", required=False)
    modules = data.get("modules")
    if not isinstance(modules, list) or not modules:
        ctx.add(path, lines.get("modules", 1), "`modules` must list the module slugs in order",
                "write modules: [chuyen-doi-so, vneid, ...]")
        modules = []
    for slug_ in modules:
        if slug_ not in module_slugs:
            ctx.add(path, lines.get("modules"), f"refers to an unknown module {slug_!r}",
                    "use the `slug` of a module.yaml in this folder, or remove it")
    if len(set(map(str, modules))) != len(modules):
        ctx.add(path, lines.get("modules"), "lists a module twice", "list each module once")
    if len(ctx.errors) != before:
        return None
    return PathData(slug, title, summary, [str(m) for m in modules])


def validate_tree(root: Path | str) -> tuple[ContentTree, list[ContentError]]:
    """Read and check a content folder; return the tree and every problem found."""
    root = Path(root)
    errors: list[ContentError] = []
    ctx = _Ctx(root, errors)
    from lms.quizzes import loader as quiz_loader

    tree = ContentTree(root=root)
    if not root.is_dir():
        ctx.add(root, None, "is not a folder", "give the path of the content folder")
        return tree, errors
    seen: dict[str, Path] = {}
    declared: set[str] = set()
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")):
        meta_path = folder / "module.yaml"
        if not meta_path.exists():
            if any(folder.glob("*.md")) or (folder / "quiz.yaml").exists():
                ctx.add(meta_path, None, "is missing", "add module.yaml (see content/README.md)")
            continue  # an empty folder being prepared is not a module yet
        meta = read_module_yaml(ctx, meta_path)
        images = read_images(ctx, folder)
        slug = meta["slug"] if meta else folder.name
        lessons = read_lessons(ctx, folder, slug, images)
        quiz, has_quiz = None, (folder / "quiz.yaml").exists()
        if has_quiz:
            quiz = quiz_loader.validate_quiz(folder / "quiz.yaml", slug, errors)
        if meta is not None:
            declared.add(slug)
        if meta is None or lessons is None:
            continue
        if slug in seen:
            ctx.add(meta_path, None, f"slug {slug!r} is also used by {ctx.show(seen[slug])}",
                    "every module needs its own slug")
            continue
        seen[slug] = meta_path
        tree.modules.append(ModuleData(
            folder=folder, lessons=lessons, images=images, quiz=quiz, has_quiz=has_quiz,
            digest=folder_digest(folder), **meta,
        ))
    path_file = root / "path.yaml"
    if path_file.exists():
        path = _read_path(ctx, path_file, declared)
        if path:
            tree.paths.append(path)
    return tree, errors


# --- loading ---------------------------------------------------------------------------------


def _apply_module(module: Module, data: ModuleData) -> None:
    module.position = data.order
    module.topic = data.topic
    module.title_vi, module.title_en = data.title["vi"], data.title["en"]
    module.summary_vi, module.summary_en = data.summary["vi"], data.summary["en"]
    module.minutes = data.minutes
    module.pass_mark = data.pass_mark
    module.sources = data.sources
    module.content_hash = data.digest
    module.retired = False
    module.updated_at = utcnow()


def _sync_lessons(module: Module, data: ModuleData, report: SyncReport, write: bool) -> None:
    existing = {lesson.slug: lesson for lesson in module.lessons}
    for item in data.lessons:
        lesson = existing.pop(item.slug, None)
        if lesson is not None and lesson.content_hash == item.digest and not lesson.retired:
            continue
        if lesson is None:
            report.lessons_created += 1
            if not write:
                continue
            lesson = Lesson(slug=item.slug)
            module.lessons.append(lesson)
        else:
            report.lessons_updated += 1
            if not write:
                continue
        lesson.position, lesson.minutes = item.position, item.minutes
        lesson.title_vi, lesson.title_en = item.title["vi"], item.title["en"]
        lesson.html_vi, lesson.html_en = item.html["vi"], item.html["en"]
        lesson.content_hash, lesson.retired = item.digest, False
    for lesson in existing.values():
        if not lesson.retired:
            report.lessons_retired += 1
            if write:
                lesson.retired = True


def _sync_images(module: Module, data: ModuleData) -> None:
    rows = {
        image.name: image
        for image in db.session.scalars(select(ModuleImage).where(ModuleImage.module_id == module.id))
    }
    for name, info in data.images.items():
        row = rows.pop(name, None)
        if row is None:
            row = ModuleImage(module_id=module.id, name=name)
            db.session.add(row)
        if row.content_hash != info.digest:
            row.mimetype, row.data, row.content_hash = info.mimetype, info.data, info.digest
    for row in rows.values():
        db.session.delete(row)


def _load(tree: ContentTree, report: SyncReport, write: bool) -> None:
    from lms.quizzes import loader as quiz_loader

    modules = {m.slug: m for m in db.session.scalars(select(Module))}
    for data in tree.modules:
        module = modules.pop(data.slug, None)
        if module is not None and module.content_hash == data.digest and not module.retired:
            report.unchanged += 1
            continue
        if module is None:
            report.created += 1
            if not write:
                report.lessons_created += len(data.lessons)
                report.quizzes_synced += int(data.quiz is not None)
                continue
            module = Module(slug=data.slug)
            db.session.add(module)
        else:
            report.updated += 1
        if write:
            _apply_module(module, data)
            db.session.flush()
            _sync_lessons(module, data, report, write=True)
            _sync_images(module, data)
            db.session.flush()
            if data.quiz is not None:
                quiz_loader.sync_quiz(module, data.quiz)
                report.quizzes_synced += 1
        else:
            _sync_lessons(module, data, report, write=False)
            report.quizzes_synced += int(data.quiz is not None)
    for module in modules.values():
        if not module.retired:
            report.retired += 1
            if write:
                module.retired = True
    for path in tree.paths:
        row = db.session.scalars(select(LearningPath).where(LearningPath.slug == path.slug)).first()
        values = dict(
            title_vi=path.title["vi"], title_en=path.title["en"],
            summary_vi=path.summary["vi"], summary_en=path.summary["en"],
            module_slugs=path.modules,
        )
        if row is None:
            report.paths_created += 1
            if write:
                db.session.add(LearningPath(slug=path.slug, **values))
        elif any(getattr(row, key) != value for key, value in values.items()):
            report.paths_updated += 1
            if write:
                for key, value in values.items():
                    setattr(row, key, value)


def sync_content(path: Path | str | None = None, dry_run: bool = False) -> SyncReport:
    """Validate the content folder and load it in one transaction.

    Raises :class:`ContentInvalid` (nothing loaded) when any file has a problem. With
    ``dry_run`` nothing is written; the report says what would change.
    """
    root = Path(path or current_app.config["CONTENT_DIR"])
    tree, errors = validate_tree(root)
    if errors:
        raise ContentInvalid(errors)
    report = SyncReport(dry_run=dry_run)
    try:
        _load(tree, report, write=not dry_run)
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return report
