"""``lms certificates list`` and ``lms certificates print``."""

from __future__ import annotations

import io
import json
import zipfile

from pypdf import PdfReader

from lms.certificates import services
from lms.extensions import db


def _issue(world):
    certs = [services.issue_for_module(world[k].id, world["module"].id)
             for k in ("member", "member2", "member_tq")]
    db.session.commit()
    return certs


def test_list_json(runner, world):
    mine, other, _foreign = _issue(world)
    result = runner.invoke(args=["certificates", "list", "--commune", "dt", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert {r["serial"] for r in rows} == {mine.serial, other.serial}
    row = next(r for r in rows if r["serial"] == mine.serial)
    assert row == {**row, "code": mine.code, "holder": "Nguyễn Thị Mai", "kind": "module",
                   "status": "valid"}


def test_print_pdf_and_zip(runner, world, tmp_path):
    mine, other, _foreign = _issue(world)
    out = tmp_path / "dt.pdf"
    result = runner.invoke(args=["certificates", "print", "--commune", "DT", "--module",
                                 "lua-dao", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(PdfReader(out).pages) == 2
    out = tmp_path / "team.zip"
    result = runner.invoke(args=["certificates", "print", "--commune", "DT", "--team",
                                 str(world["team2"].id), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert zipfile.ZipFile(io.BytesIO(out.read_bytes())).namelist() == [f"{other.serial}.pdf"]
    result = runner.invoke(args=["certificates", "print", "--commune", "DT", "--from",
                                 "01/01/2000", "--to", "31/12/2000", "-o", str(out)])
    assert result.exit_code != 0 and "No certificate" in result.output
    result = runner.invoke(args=["certificates", "print", "--commune", "XX", "-o", str(out)])
    assert result.exit_code != 0
