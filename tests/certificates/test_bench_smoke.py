"""Smoke run of bench/certificates.py so it cannot rot."""

import io

from pypdf import PdfReader

from bench import certificates as bench


def test_certificates_bench_runs_both_renderers(capsys):
    result = bench.main(count=3)
    assert result["count"] == 3 and result["ratio"] > 0
    assert 0 < result["single_bytes"] <= 60 * 1024
    out = capsys.readouterr().out
    assert "QrCodeWidget" in out and "ratio" in out


def test_sample_certificates_render_one_page_each():
    from lms.certificates.pdf import render_pdf

    data = render_pdf(bench.sample_certificates(2), bench.BASE_URL)
    assert len(PdfReader(io.BytesIO(data)).pages) == 2
