"""The member's home and sessions at 320 and 360 px (issue 14): my team named, no line that
starts with a separator, every text link a 44 px target, calendar choices, my status."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from playwright.sync_api import expect

from lms.courses.loader import sync_content
from lms.extensions import db
from lms.timeutil import local_today
from lms.training.models import Attendance, TrainingSession
from tests.e2e.conftest import check_a11y, login
from tests.e2e.test_learner_way import pending_vi  # noqa: F401 (fixture)
from tests.e2e.test_quiz import FIXTURES
from tests.factories import PASSWORD

# Text links (not buttons) inside the page's cards and lists shorter than this fail.
SMALL_LINKS = """() => Array.from(document.querySelectorAll('main a:not(.btn)'))
  .filter(a => a.offsetParent !== null && !a.closest('.crumbs, .lesson'))
  .map(a => [a.textContent.trim(), Math.round(a.getBoundingClientRect().height)])
  .filter(x => x[1] < 44)"""

# Lines of text that begin with "·" (a separator left alone at the start of a line).
ORPHANS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const text = node.textContent;
    for (let i = 0; i < text.length; i++) {
      if (text[i] !== '·') continue;
      const r = document.createRange();
      r.setStart(node, i); r.setEnd(node, i + 1);
      const dot = r.getBoundingClientRect();
      if (!dot.width) continue;
      // Something on the same line to the left of the dot, inside the same block?
      const block = node.parentElement.closest('p, li, dd, div');
      const left = block.getBoundingClientRect().left;
      if (dot.left - left < 4) out.push(text.slice(i, i + 20));
    }
  }
  return out;
}"""


@pytest.mark.parametrize("width", [320, 360])
def test_member_home_and_sessions_on_a_small_phone(width, pending_vi, page, server_url, make):  # noqa: F811
    sync_content(FIXTURES)
    commune = make.commune(code="DT", name="Phường Duy Tiên", place_name="Duy Tiên")
    team = make.team(commune, "Tổ CNSCĐ Tổ dân phố Yên Bắc 1")
    others = [make.team(commune, f"Tổ CNSCĐ Tổ dân phố số {n}") for n in range(2, 29)]
    member = make.member_of(team, full_name="Trần Thị Ngọc Ánh")
    today = local_today()
    past = TrainingSession(commune_id=commune.id, title="Tập huấn kỹ năng số đợt 1",
                           date=today - timedelta(days=10), start_time=time(8, 0),
                           end_time=time(11, 0), place="Nhà văn hóa tổ dân phố Yên Bắc 1",
                           attendance_closed_at=datetime.now(UTC))
    past.teams = [team]
    coming = TrainingSession(commune_id=commune.id, title="Tập huấn an toàn thông tin",
                             date=today + timedelta(days=5), start_time=time(14, 0),
                             end_time=time(16, 30), place="Hội trường UBND phường Duy Tiên")
    coming.teams = [team, *others]
    db.session.add_all([past, coming])
    db.session.flush()
    db.session.add(Attendance(session_id=past.id, user_id=member.id, status="late"))
    make.commit()
    page.set_viewport_size({"width": width, "height": 740})
    login(page, server_url, member.phone, PASSWORD)
    if "/privacy" in page.url:
        page.locator("main form button[type=submit]").last.click()
        page.wait_for_load_state()
    page.goto(f"{server_url}/")
    expect(page.locator("#home-teams")).to_contain_text("Tổ CNSCĐ Tổ dân phố Yên Bắc 1")
    expect(page.locator("#learn-h")).to_be_visible()  # the learning card and its links
    page.screenshot(path=f"/tmp/learner-{width}-home.png", full_page=True)
    check_a11y(page)
    assert page.evaluate(SMALL_LINKS) == []
    assert page.evaluate(ORPHANS) == []

    page.goto(f"{server_url}/training/sessions")
    expect(page.locator(f"#session-{past.id} [data-my-status='late']")).to_be_visible()
    page.screenshot(path=f"/tmp/learner-{width}-sessions.png", full_page=True)
    check_a11y(page)
    assert page.evaluate(ORPHANS) == []

    page.goto(f"{server_url}/training/sessions/{coming.id}")
    invited = page.locator("#invited-teams details")
    expect(invited.locator("summary")).to_contain_text("28")
    expect(invited.get_by_text("Tổ CNSCĐ Tổ dân phố số 27", exact=False)).to_be_hidden()
    page.locator(f"#add-calendar-{coming.id} summary").click()
    expect(page.locator(f"#add-google-{coming.id}")).to_be_visible()
    expect(page.locator(f"#add-ics-{coming.id}")).to_be_visible()
    page.screenshot(path=f"/tmp/learner-{width}-session.png", full_page=True)
    check_a11y(page)
    assert page.evaluate(SMALL_LINKS) == []
