"""Take the README's screenshots: `python docs/screenshot.py` (needs Debian's chromium).

Starts the app on a fresh demo database, logs in as the demo researcher in headless Chromium,
and saves the dashboard (docs/dashboard.png) and the proposals page on a phone-width screen
(docs/proposals-phone.png).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere: the project's modules

from playwright.sync_api import sync_playwright  # noqa: E402

from bench.app_server import app_server  # noqa: E402
from bench.browser import CHROMIUM_ARGS  # noqa: E402

READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="yishiting-shot-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir}/demo.db",
        "YISHITING_SECRET_KEY": "screenshot",
    }
    subprocess.run(
        [sys.executable, "-m", "seed"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    try:
        with (
            app_server(
                env["DATABASE_URL"],
                log=workdir / "server.log",
                env={"YISHITING_SECRET_KEY": "screenshot"},
            ) as (base, _),
            sync_playwright() as p,
        ):
            browser = p.chromium.launch(
                executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS
            )
            page = browser.new_page(viewport={"width": 1400, "height": 1100}, locale="zh-CN")
            page.goto(f"{base}/login")
            page.wait_for_selector(READY)
            page.get_by_role("textbox", name="用户名").fill("researcher")
            page.get_by_role("textbox", name="密码").fill("yishiting-demo-2026")
            page.get_by_role("button", name="登录").click()
            page.get_by_text("已登录").wait_for()
            page.get_by_role("link", name="参与分析").click()
            page.get_by_text("洛伦兹曲线").wait_for()
            page.wait_for_selector(READY)
            page.wait_for_timeout(1500)  # let the vega charts finish drawing
            page.screenshot(path=str(ROOT / "docs" / "dashboard.png"), full_page=True)
            phone = browser.new_page(
                viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True
            )
            phone.goto(f"{base}/proposals")
            phone.wait_for_selector(READY)
            phone.get_by_text("提案与需求").first.wait_for()
            phone.screenshot(path=str(ROOT / "docs" / "proposals-phone.png"))
            browser.close()
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print("saved docs/dashboard.png and docs/proposals-phone.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
