"""The browser journeys' own helpers: the axe-core check fails on serious and critical
violations and names them; the screenshot helper saves both widths, full page."""

import struct

import pytest

pytestmark = pytest.mark.browser

CLEAN = """<!DOCTYPE html><html lang="en"><head><title>Clean</title></head>
<body><main><h1>A clean page</h1><img src="data:," alt="A tent"></main></body></html>"""
# An image without alt text (critical) and grey on white text (serious, 1.6:1), plus a
# moderate violation (a heading level skipped) that the check lets pass.
BROKEN = """<!DOCTYPE html><html lang="en"><head><title>Broken</title></head>
<body><main><h1>A broken page</h1><h4>Skipped levels</h4><img src="data:,">
<p style="color:#ccc;background:#fff">Faint text</p></main></body></html>"""


@pytest.fixture
def page(chromium_browser):
    context = chromium_browser.new_context(viewport={"width": 800, "height": 600})
    yield context.new_page()
    context.close()


def test_a_clean_page_passes_and_a_moderate_violation_is_not_fatal(page, assert_accessible):
    page.set_content(CLEAN)
    assert assert_accessible(page) == []

    page.set_content(BROKEN.replace('<img src="data:,">', "").replace("#ccc", "#333"))
    violations = assert_accessible(page)
    assert [(v["id"], v["impact"]) for v in violations] == [("heading-order", "moderate")]


def test_serious_and_critical_violations_fail_with_each_rule_and_element(page, assert_accessible):
    page.set_content(BROKEN)

    with pytest.raises(AssertionError) as failure:
        assert_accessible(page)

    report = str(failure.value)
    assert report.startswith("2 serious or critical accessibility violation(s) on about:blank:")
    assert "- [serious] color-contrast: Elements must meet minimum color contrast ratio" in report
    assert "- [critical] image-alt: Images must have alternative text" in report
    assert "    at img: Fix any of the following:" in report
    assert "heading-order" not in report


def test_excluded_parts_are_not_checked(page, assert_accessible):
    page.set_content(
        BROKEN.replace('<img src="data:,">', '<div id="frame"><img src="data:,"></div>')
    )

    with pytest.raises(AssertionError) as failure:
        assert_accessible(page, exclude=["#frame"])

    assert "image-alt" not in str(failure.value)
    assert "color-contrast" in str(failure.value)


def _png_width(path) -> int:
    with open(path, "rb") as png:
        header = png.read(24)
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">I", header[16:20])[0]


def test_screenshots_are_saved_at_desktop_and_phone_width_and_the_viewport_restored(
    page, save_screenshots, monkeypatch, tmp_path
):
    monkeypatch.setenv("SCREENSHOTS_DIR", str(tmp_path))  # an absolute one is taken as it is
    page.set_content(CLEAN)

    first = save_screenshots(page, "home page")
    second = save_screenshots(page, "cart")

    journey = "screenshots_are_saved_at_desktop_and_phone_width_and_the_viewport_restored"
    assert {path.parent for path in first + second} == {tmp_path / journey}
    assert [path.name for path in first + second] == [
        "01-home-page-desktop.png",
        "01-home-page-phone.png",
        "02-cart-desktop.png",
        "02-cart-phone.png",
    ]
    assert [_png_width(path) for path in first + second] == [1280, 390, 1280, 390]
    assert page.viewport_size == {"width": 800, "height": 600}
