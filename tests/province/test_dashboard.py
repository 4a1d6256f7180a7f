"""The province dashboard: figures, sorting, drill-down, chart, export, constant queries."""

import io
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import event

from lms.extensions import db
from lms.org import units
from lms.province import services as prov


def test_figures_sorting_and_totals(app, world, auth, client):
    rows = prov.dashboard_rows(world.nb.id, 2026, date(2026, 6, 30))
    by_code = {r["code"]: r for r in rows}
    assert by_code["DT"]["compliant"] == 1 and by_code["DT"]["in_scope"] == 2
    assert by_code["GV"]["compliant"] == 0 and by_code["GV"]["missing"] == 2
    assert [r["code"] for r in prov.sort_rows(rows, "share")] == ["GV", "DT"]
    assert [r["code"] for r in prov.sort_rows(rows, "-share")] == ["DT", "GV"]
    assert [r["code"] for r in prov.sort_rows(rows, "-missing")][0] == "GV"
    total = prov.totals(rows)
    assert (total["in_scope"], total["compliant"], total["communes"]) == (4, 1, 2)
    assert prov.sessions_per_month(world.nb.id, 2026)[1] == 2

    auth.login_as(world.nb_officer)
    page = client.get("/province?year=2026").get_data(as_text=True)
    assert page.index(f"commune-{world.gv.commune.id}") < page.index(
        f"commune-{world.dt.commune.id}")
    assert "Tam Quang" not in page and "<svg" in page and "<script>" not in page
    assert len(page.encode()) <= 30_000
    assert 'href="/province?year=2026&amp;sort=-share"' in page
    page = client.get("/province?year=2026&sort=-share").get_data(as_text=True)
    assert page.index(f"commune-{world.dt.commune.id}") < page.index(
        f"commune-{world.gv.commune.id}")
    drill = client.get(f"/province/communes/{world.dt.commune.id}?year=2026")
    assert drill.status_code == 200 and "Read only." in drill.get_data(as_text=True)
    response = client.get("/province/dashboard.xlsx?year=2026")
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][0] == "Commune" and len(values) == 5  # title, header, 2 communes, total
    assert values[-1][2] == 4
    # Shares are numbers shown as percentages, not text.
    assert values[2][6] in (0, 0.5) and isinstance(values[-1][6], float)
    assert sheet.cell(row=3, column=7).number_format == "0%"


def _count_queries(client, url) -> int:
    count = 0

    def before(*_args, **_kw):
        nonlocal count
        count += 1

    engine = db.engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return count


def test_constant_queries_for_2_and_6_communes(app, world, make, auth, client):
    auth.login_as(world.nb_officer)
    client.get("/province?year=2026")
    with_two = _count_queries(client, "/province?year=2026")
    for code in (14623, 14500, 14482, 14524):
        commune = units.create_official_commune(units.unit_by_code(code))
        make.member_of(make.team(commune))
    make.commit()
    client.get("/province?year=2026")  # the test's shared session reloads what commit expired
    with_six = _count_queries(client, "/province?year=2026")
    assert with_two == with_six
    page = client.get("/province?year=2026").get_data(as_text=True)
    assert page.count('<tr id="commune-') == 6
