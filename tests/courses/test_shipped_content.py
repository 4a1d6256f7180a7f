"""The modules shipped in content/ are valid, and every lesson exists in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lms.config import PROJECT_ROOT
from lms.courses.loader import validate_tree

CONTENT = PROJECT_ROOT / "content"
MODULE_FOLDERS = sorted(p for p in CONTENT.iterdir() if (p / "module.yaml").exists())
LESSON = re.compile(r"^(\d{2}-[a-z0-9-]+)\.(vi|en)\.md$")


def test_shipped_content_passes_validation(app):
    tree, errors = validate_tree(CONTENT)
    assert not errors, "\n".join(map(str, errors))
    assert len(tree.modules) == len(MODULE_FOLDERS)
    assert tree.paths, "content/path.yaml is missing"
    assert set(tree.paths[0].modules) == {m.slug for m in tree.modules}


@pytest.mark.parametrize("folder", MODULE_FOLDERS, ids=lambda p: p.name)
def test_every_lesson_has_both_languages(folder: Path):
    names: dict[str, set[str]] = {"vi": set(), "en": set()}
    for path in folder.glob("*.md"):
        match = LESSON.match(path.name)
        assert match, f"{path.name} is not named NN-slug.vi.md / NN-slug.en.md"
        names[match.group(2)].add(match.group(1))
    assert names["vi"], f"{folder.name} has no lessons"
    assert names["vi"] == names["en"]
