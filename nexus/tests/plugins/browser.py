"""The browser for journeys: Chromium driven by Playwright (`chromium_browser`,
`browser_context`), each page checked by axe-core (`assert_accessible`) and kept as desktop and
phone screenshots (`save_screenshots`; both at once: `check_page`); the demo shop they walk
through (`demo_shop`)."""

import os
import re
import shutil
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command
from django.db import connections

from nexus.tests.plugins import service_missing

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def demo_shop(db):
    """The demo shop `python3 dev.py run` serves (`seed_demo`), with its documented logins
    (the editor's: nexus.tests.browser_steps.DEMO_EDITOR_EMAIL and DEMO_EDITOR_PASSWORD)."""
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())


@pytest.fixture
def chromium_browser(monkeypatch):
    """A Playwright browser: Debian's Chromium at /usr/bin/chromium, headless."""
    if shutil.which(CHROMIUM) is None:
        service_missing(f"Chromium is not installed at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        service_missing(f"Playwright cannot be imported ({error})")

    # Playwright's sync API runs an event loop in this thread; Django's async safety check would
    # then refuse the ORM calls the test itself makes, which are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            # While Playwright's loop runs, the ORM works on connections of that context;
            # close them here, or the test database cannot be dropped at the end.
            connections.close_all()


@pytest.fixture
def browser_context(chromium_browser):
    """`browser_context(viewport, failed=None)` opens a page in a browser context of its own
    (each person in a journey has their own cookies); with a list as `failed`, the URL of every
    answer with a 4xx or 5xx status is added to it."""
    contexts = []

    def open_page(viewport, *, failed=None):
        context = chromium_browser.new_context(viewport=viewport)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(20_000)
        if failed is not None:
            page.on(
                "response",
                lambda response: failed.append(response.url) if response.status >= 400 else None,
            )
        return page

    yield open_page
    for context in contexts:
        context.close()


AXE_SCRIPT = Path(__file__).resolve().parent.parent / "vendor" / "axe.min.js"
# What the shop promises: no accessibility violation axe rates "serious" or "critical".
AXE_FAILING_IMPACTS = ("serious", "critical")
# Wagtail's admin widgets the project does not render, with known upstream violations:
# Draftail's rich-text box has no accessible name (wagtail/wagtail#14205), and the tag field's
# jQuery UI autocomplete input is not tied to its label. Checked everywhere else in the admin.
AXE_ADMIN_EXCLUDE = (".public-DraftEditor-content", ".ui-autocomplete-input")


def _axe_report(url: str, violations: list[dict]) -> str:
    lines = [f"{len(violations)} serious or critical accessibility violation(s) on {url}:"]
    for violation in violations:
        lines.append(
            f"- [{violation['impact']}] {violation['id']}: {violation['help']} "
            f"({violation['helpUrl']})"
        )
        for node in violation["nodes"][:5]:
            target = " ".join(str(part) for part in node["target"])
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    at {target}: {summary}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    ... and {len(violation['nodes']) - 5} more element(s)")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def assert_accessible():
    """`assert_accessible(page, exclude=[...])` runs axe-core (vendored, so offline) on the page
    as it is now and fails, listing each rule, element and fix, on any violation whose impact is
    serious or critical. `exclude` takes CSS selectors of parts the shop does not render (a
    payment provider's frame, say); on Wagtail admin pages AXE_ADMIN_EXCLUDE is added. Evaluated
    through the DevTools protocol, so the page's Content-Security-Policy neither blocks axe nor
    has to allow it; the vendored axe replaces the older one Wagtail's admin ships. Finite
    animations (a message fading in) are let finish first, so colours are measured as shown."""
    source = AXE_SCRIPT.read_text(encoding="utf-8")
    version = re.match(r"/\*! axe v(\S+)", source).group(1)

    def check(page, *, exclude: list[str] | tuple[str, ...] = ()) -> list[dict]:
        if page.evaluate("() => window.axe && window.axe.version") != version:
            page.evaluate(f"() => {{ {source}\n}}")
        if urlsplit(page.url).path.startswith("/admin/"):
            exclude = (*exclude, *AXE_ADMIN_EXCLUDE)
        violations = page.evaluate(
            """async (exclude) => {
                // A message fading in is measured at its final colours, not half-way.
                const settling = document.getAnimations().filter(
                    (animation) => animation.effect?.getTiming().iterations !== Infinity,
                );
                await Promise.allSettled(settling.map((animation) => animation.finished));
                const context = {exclude: exclude.map((selector) => [selector])};
                const result = await window.axe.run(
                    exclude.length ? context : document,
                    {iframes: false, resultTypes: ["violations"]},
                );
                return result.violations;
            }""",
            list(exclude),
        )
        failing = [v for v in violations if v["impact"] in AXE_FAILING_IMPACTS]
        assert not failing, _axe_report(page.url, failing)
        return violations

    return check


SCREENSHOT_WIDTHS = {"desktop": 1280, "phone": 390}


def screenshots_folder() -> Path:
    """artifacts/screenshots/, or SCREENSHOTS_DIR (relative to the repository) when set: two
    runs side by side (CI's PostgreSQL and MariaDB runs) each empty and fill their own."""
    root = Path(__file__).resolve().parents[3]
    return root / os.environ.get("SCREENSHOTS_DIR", "artifacts/screenshots")


@pytest.fixture
def save_screenshots(request):
    """`save_screenshots(page, "step")` saves full-page pictures of the page at desktop (1280 px)
    and phone (390 px) widths as artifacts/screenshots/<journey>/<NN>-<step>-<width>.png, NN
    counting the journey's steps (under SCREENSHOTS_DIR instead when set). The journey is the
    test's name without "test_"; its folder is emptied first, so it holds the last run's pictures
    only. The page's viewport is put back."""
    journey = re.sub(r"[^\w-]+", "-", request.node.name.removeprefix("test_")).strip("-")
    steps = []

    def save(page, step: str) -> list[Path]:
        folder = screenshots_folder() / journey
        if not steps:
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
        steps.append(step)
        name = f"{len(steps):02d}-" + re.sub(r"[^\w-]+", "-", step).strip("-")
        viewport = page.viewport_size
        height = viewport["height"] if viewport else 900
        paths = []
        try:
            for label, width in SCREENSHOT_WIDTHS.items():
                page.set_viewport_size({"width": width, "height": height})
                path = folder / f"{name}-{label}.png"
                page.screenshot(path=path, full_page=True)
                paths.append(path)
        finally:
            if viewport:
                page.set_viewport_size(viewport)
        return paths

    return save


@pytest.fixture
def check_page(assert_accessible, save_screenshots):
    """`check_page(page, "step")`: one step of a browser journey, checked by axe-core (no
    serious or critical violation) and kept as desktop and phone screenshots."""

    def check(page, step: str, *, exclude: list[str] | tuple[str, ...] = ()) -> None:
        assert_accessible(page, exclude=exclude)
        save_screenshots(page, step)

    return check
