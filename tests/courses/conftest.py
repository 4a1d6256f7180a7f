"""Fixtures for the courses tests: a copy of the fixture content folder, synced or not."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "content"


@pytest.fixture
def content_dir(tmp_path) -> Path:
    """A writable copy of tests/courses/fixtures/content."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURES, target)
    return target


@pytest.fixture
def synced(app, content_dir):
    """The fixture content loaded into the database; returns the content folder."""
    from lms.courses.loader import sync_content

    sync_content(content_dir)
    return content_dir


def lesson_of(module_slug: str, lesson_slug: str):
    """The Lesson row for slugs."""
    from sqlalchemy import select

    from lms.courses.models import Lesson, Module
    from lms.extensions import db

    return db.session.scalars(
        select(Lesson).join(Module).where(Module.slug == module_slug, Lesson.slug == lesson_slug)
    ).one()


def module_of(slug: str):
    """The Module row for a slug."""
    from sqlalchemy import select

    from lms.courses.models import Module
    from lms.extensions import db

    return db.session.scalars(select(Module).where(Module.slug == slug)).one()
