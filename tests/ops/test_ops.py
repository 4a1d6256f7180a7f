"""Readiness, the JSON request log and `lms doctor`."""

from __future__ import annotations

import json
import logging

import pytest

from tests.factories import PASSWORD


def test_readyz_and_healthz(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/readyz").get_json()["status"] == "ready"


def test_readyz_is_503_when_the_database_fails(client, monkeypatch):
    from lms.extensions import db

    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/readyz")
    assert response.status_code == 503 and response.get_json()["database"] is False


@pytest.mark.app_config(LOG_JSON=True)
def test_one_json_line_per_request_without_personal_data(client, make, caplog):
    person = make.user(phone_number="+84912345678")
    make.commit()
    with caplog.at_level(logging.INFO, logger="lms.access"):
        client.post("/login", data={"phone": "0912345678", "password": PASSWORD})
        client.get(f"/org/people/{person.id}")
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "lms.access"]
    assert [line["method"] for line in lines] == ["POST", "GET"]
    assert lines[1]["path"] == "/org/people/<int:user_id>" and lines[1]["user"] == person.id
    text = " ".join(r.getMessage() for r in caplog.records)
    assert "0912345678" not in text and PASSWORD not in text and "912345678" not in text


def test_doctor_reports_what_is_wrong(runner, app):
    result = runner.invoke(args=["doctor"])
    assert "fonts" in result.output and "clock" in result.output
    app.config["LMS_ENV"] = "production"
    app.config["BASE_URL"] = "http://cnscd.example.gov.vn"
    result = runner.invoke(args=["doctor"])
    assert result.exit_code == 1 and "not https://" in result.output
