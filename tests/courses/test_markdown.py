"""Lesson rendering and image safety."""

import pytest

from lms.courses.markdown import ImageInfo, check_svg, render_lesson, webp_size

IMAGES = {"a.svg": ImageInfo("a.svg", "image/svg+xml", b"<svg/>", "f" * 64, 200, 100)}


def test_callouts_get_headings_in_the_lessons_own_language():
    text = "::: thuc-hanh\nDo.\n:::\n\n::: luu-y\nCareful.\n:::\n\n::: nguon\n- Law.\n:::\n"
    vi = render_lesson(text, "vi", "m", {})
    en = render_lesson(text, "en", "m", {})
    assert '<aside class="callout practice">' in vi and "Thực hành" in vi
    assert '<aside class="callout warning">' in vi and "Lưu ý" in vi
    assert '<aside class="callout sources">' in vi and "Nguồn" in vi
    assert "Practice" in en and "Warning" in en and "Sources" in en
    assert "Thực hành" not in en


def test_raw_html_is_escaped_and_unsafe_links_are_not_links():
    html = render_lesson(
        "<script>alert(1)</script>\n\n[a](javascript:alert(1)) [b](data:text/html,x) "
        "[c](https://vneid.gov.vn/) [d](../x) https://bare.example", "vi", "m", {})
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html and 'href="data:' not in html
    assert '<a href="https://vneid.gov.vn/" rel="noopener noreferrer">c</a>' in html
    assert '<a href="../x">d</a>' in html
    assert 'href="https://bare.example"' not in html  # linkify is off


def test_images_point_to_the_module_image_url_lazily_with_their_size():
    html = render_lesson("![A phone screen](images/a.svg)", "vi", "vneid", IMAGES)
    assert ('<img src="/media/vneid/a.svg?v=ffffffffff" alt="A phone screen" loading="lazy" '
            'decoding="async" width="200" height="100">') in html
    missing = render_lesson("![x](images/none.svg) ![y](https://evil.example/a.png)", "vi", "m", IMAGES)
    assert "<img" not in missing


@pytest.mark.parametrize("svg, problem", [
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "<script>"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "onload"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>', "foreignObject"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
     b'<image xlink:href="https://evil.example/x.png"/></svg>', "links outside"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect/></a></svg>', "javascript"),
    (b'<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg"/>', "DOCTYPE"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:url(https://e.example/a)"/></svg>', "url()"),
    (b"<svg", "well-formed"),
])
def test_unsafe_svgs_are_refused(svg, problem):
    problems, _w, _h = check_svg(svg)
    assert problems and any(problem in p for p in problems), problems


def test_a_safe_svg_passes_with_its_size():
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
           b'viewBox="0 0 240 420"><defs><linearGradient id="g"/></defs>'
           b'<rect fill="url(#g)"/><use xlink:href="#g"/></svg>')
    assert check_svg(svg) == ([], 240, 420)


def test_webp_size_is_read_from_the_header():
    vp8x = b"RIFF\x00\x00\x00\x00WEBPVP8X" + b"\x0a\x00\x00\x00" + b"\x00\x00\x00\x00" + (299).to_bytes(3, "little") + (149).to_bytes(3, "little")
    assert webp_size(vp8x) == (300, 150)
    assert webp_size(b"GIF89a" + b"\x00" * 40) is None
