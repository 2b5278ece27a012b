import os
import shutil
from pathlib import Path

import pytest

from policykg.web import create_app

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
CHROMIUM = shutil.which("chromium")


@pytest.fixture(scope="session")
def app():
    # in-process: the isolated workers (the default) have tests of their own, and a worker pool
    # per test app would outlive its app
    return create_app({"TESTING": True, "SPARQL_ISOLATE": False})


@pytest.fixture()
def client(app):
    return app.test_client()


def needs_chromium() -> None:
    """Skip a browser test module where there is no chromium (CI installs it: there it fails)."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            raise RuntimeError("chromium is missing: `make browser` installs it")
        pytest.skip("chromium is not installed (make browser)", allow_module_level=True)


# One live server and one browser for every browser test of the session: starting chromium
# costs about a second, and the app is the same read-only one.
@pytest.fixture(scope="session")
def site(app):
    from .test_sparql import live_server
    with live_server(app) as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM,
                              args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        yield b
        b.close()


# Records what the Content-Security-Policy blocks, from before the page's first script.
CSP_LISTENER = """window.__policyViolations = [];
document.addEventListener("securitypolicyviolation", e => window.__policyViolations.push(
    `${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`));"""


@pytest.fixture()
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, locale="zh-CN")
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    yield page
    context.close()


def assert_nothing_blocked(page, expected_errors: int = 0) -> None:
    """No Content-Security-Policy violation and no script error on the page."""
    assert page.evaluate("window.__policyViolations") == []
    assert len(page.console_errors) == expected_errors, page.console_errors
    assert page.evaluate("document.querySelectorAll('script:not([src]):not([type$=json])').length") == 0


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
