"""Real-browser helpers: run the app with Streamlit on a free port and drive Debian's Chromium
through Playwright. Screenshots go to artifacts/ (kept by CI as test artifacts)."""

from __future__ import annotations

import datetime as dt
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 60) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return time.monotonic() - start
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{url} did not answer within {timeout}s")


def start_app(env_overrides: dict[str, str] | None = None, port: int | None = None,
              script: str = "app.py") -> tuple[subprocess.Popen, str]:
    """Start `streamlit run` in its own process group; returns (process, base URL)."""
    port = port or free_port()
    env = dict(os.environ)
    env.update(env_overrides or {})
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_http(f"{url}/_stcore/health")
    except AssertionError:
        stop_app(proc)
        raise
    return proc, url


def stop_app(proc: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


@contextmanager
def running_app(env_overrides: dict[str, str] | None = None) -> Iterator[str]:
    proc, url = start_app(env_overrides)
    try:
        yield url
    finally:
        stop_app(proc)


@contextmanager
def browser_page(width: int = 1280, height: int = 900, locale: str = "fr-FR") -> Iterator[object]:
    """A fresh Chromium page (Playwright's sync API), its browser set to `locale`."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(viewport={"width": width, "height": height}, locale=locale)
            page = context.new_page()
            page.set_default_timeout(30_000)
            try:
                yield page
            except Exception:
                _report_failure(page)
                raise
        finally:
            browser.close()


def _report_failure(page) -> None:
    """When a browser step fails, keep what the page showed: a screenshot in artifacts/ and its
    text on stderr (pytest prints it with the failure), so a failure on CI can be read afterwards."""
    name = os.environ.get("PYTEST_CURRENT_TEST", "browser").split(" ")[0]
    name = "failed-" + "".join(c if c.isalnum() else "-" for c in name)[-120:]
    try:
        screenshot(page, name)
        print(f"--- {page.url} at the failure ---", file=sys.stderr)
        print(page.locator("body").inner_text(timeout=5_000)[:6_000], file=sys.stderr)
    except Exception as error:  # noqa: BLE001 (the page may be gone; the test's own error matters)
        print(f"(no view of the page: {error})", file=sys.stderr)


def screenshot(page, name: str) -> Path:
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def open_from_menu(page, link_name: str, heading: str | None = None, attempts: int = 3, marker=None) -> None:
    """Click a menu link and wait for the page's heading (or `marker`, a locator). A click that
    lands while Streamlit is still rerunning the previous page can be dropped by the browser on a
    loaded machine; click again rather than fail (what a person would do). Each wait is long (20 s)
    so that a page merely slow to draw is not clicked twice: a second click restarts its run."""
    sidebar = page.locator('[data-testid="stSidebar"]')
    shown = marker if marker is not None else page.get_by_role("heading", name=heading).first
    for attempt in range(attempts):
        sidebar.get_by_role("link", name=link_name, exact=True).first.click()
        try:
            shown.wait_for(timeout=20_000)
            return
        except Exception:
            if attempt == attempts - 1:
                raise


def click_until(page, target, shown, attempts: int = 4) -> None:
    """Click `target` until `shown` (a locator) appears: a tab or button clicked while the page
    still reruns can be lost, and the page then waits forever for a click that never happened."""
    for attempt in range(attempts):
        try:
            target.click(timeout=10_000)
            shown.wait_for(timeout=10_000)
            return
        except Exception:
            if attempt == attempts - 1:
                raise


def type_date(page, key: str, day: dt.date) -> None:
    """Type a date into a date field as a person does: its day segment, then the digits (the
    field moves on to month and year by itself), then leave it (a click elsewhere) to commit it."""
    page.locator(f".st-key-{key} [data-type=day]").first.click()
    page.keyboard.type(day.strftime("%d%m%Y"), delay=30)
    page.keyboard.press("Escape")
    page.locator("h1").first.click()
    page.wait_for_timeout(1200)
