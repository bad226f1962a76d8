"""Cold start of the README's run command (after install): from `bash run.sh` on a new data folder
(initdb, migrations, demo data) to the first page served in a real browser; then a warm start
on the same folder as the baseline.  Usage: python bench/cold_start.py
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lib.core import embedded
from tests.browser import CHROMIUM, CHROMIUM_ARGS, free_port

ROOT = Path(__file__).resolve().parent.parent


def start_to_first_page(data: Path) -> float:
    from playwright.sync_api import sync_playwright

    port = free_port()
    env = dict(os.environ, CANTINE_DATA_DIR=str(data), PORT=str(port))
    env.pop("DATABASE_URL", None)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        start = time.monotonic()
        proc = subprocess.Popen(["bash", "run.sh", "--server.headless", "true"], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            while True:
                try:
                    page.goto(f"http://127.0.0.1:{port}", timeout=2000)
                    break
                except Exception:
                    if time.monotonic() - start > 120:
                        raise
                    time.sleep(0.05)
            page.get_by_role("heading").first.wait_for(timeout=60_000)
            return time.monotonic() - start
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait()
            browser.close()


def main() -> int:
    data = Path(tempfile.mkdtemp(prefix="cantine-cold-", dir="/tmp"))
    shutil.rmtree(data)
    try:
        cold = start_to_first_page(data)
        embedded.stop(data)
        warm = start_to_first_page(data)
        print(f"cold start (new data folder: initdb, migrations, demo data) to first page: {cold:.1f} s")
        print(f"warm start (existing data folder, server stopped) to first page:        {warm:.1f} s")
        print(f"ratio cold / warm: {cold / warm:.2f}")
    finally:
        embedded.stop(data, mode="immediate")
        shutil.rmtree(data, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
