"""Take the README's screenshots: `python docs/screenshot.py` (needs Debian's chromium).

Starts the app on a fresh demo database, logs in as the demo researcher in headless Chromium,
and saves the dashboard (docs/dashboard.png) and the proposals page on a phone-width screen
(docs/proposals-phone.png).
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
READY = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="yishiting-shot-"))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{workdir}/demo.db",
           "YISHITING_SECRET_KEY": "screenshot"}
    subprocess.run([sys.executable, "-m", "db.migrate"], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "server.py",
                               "--server.port", str(port)], cwd=ROOT, env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=FLAGS)
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
            phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN",
                                     is_mobile=True)
            phone.goto(f"{base}/proposals")
            phone.wait_for_selector(READY)
            phone.get_by_text("提案与需求").first.wait_for()
            phone.screenshot(path=str(ROOT / "docs" / "proposals-phone.png"))
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(workdir, ignore_errors=True)
    print("saved docs/dashboard.png and docs/proposals-phone.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
