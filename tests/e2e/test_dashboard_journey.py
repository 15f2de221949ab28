"""The dashboard in a real browser: a researcher opens it, the charts render (vega draws
them), a filter changes the figures, and the real Decidim.Barcelona log can be analysed."""
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.test_journey import main, nav
from tests.e2e.test_proposal_journey import signed_in

pytestmark = pytest.mark.e2e


def test_charts_render_and_filters_apply(browser, app_url):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 1400})
    page = context.new_page()
    try:
        signed_in(page, app_url, "researcher")
        nav(page, "参与分析", "dashboard")
        expect(main(page)).to_contain_text("洛伦兹曲线")
        charts = main(page).locator(".vega-embed canvas, .vega-embed svg.marks")
        expect(charts.first).to_be_visible()
        assert charts.count() >= 3
        expect(main(page)).to_contain_text("最活跃的 10% 居民完成了")
        expect(page.locator('[data-stale="true"]')).to_have_count(0)
        screenshot(page, "dashboard")

        main(page).get_by_text("导入的活动记录").click()
        expect(main(page)).to_contain_text("巴塞罗那市 2016 年")
        expect(main(page)).to_contain_text("位参与者共")
        expect(main(page).locator(".vega-embed canvas, .vega-embed svg.marks").first
               ).to_be_visible()
        expect(page.locator('[data-stale="true"]')).to_have_count(0)
        screenshot(page, "dashboard-decidim")
    finally:
        context.close()
