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
        expect(main(page)).to_contain_text("最活跃的 10% 居民完成了")
        expect(page.locator('[data-stale="true"]')).to_have_count(0)
        screenshot(page, "dashboard")

        main(page).get_by_test_id("stButtonGroup").get_by_text("楼栋", exact=True).click()
        expect(main(page)).to_contain_text("楼栋 × 参与类型")
        expect(charts).to_have_count(2)  # participation by building, and the heatmap
        expect(page.locator('[data-stale="true"]')).to_have_count(0)
        screenshot(page, "dashboard-buildings")
        main(page).get_by_test_id("stButtonGroup").get_by_text("趋势", exact=True).click()
        expect(main(page)).to_contain_text("参与趋势")
        expect(charts.first).to_be_visible()
        main(page).get_by_test_id("stButtonGroup").get_by_text("代表性", exact=True).click()
        expect(main(page)).to_contain_text("不平等由什么解释")
        expect(charts).to_have_count(2)  # ratios, and the Theil shares
        screenshot(page, "dashboard-representation")

        main(page).get_by_text("导入的活动记录").click()
        expect(main(page)).to_contain_text("巴塞罗那市 2016 年")
        expect(main(page)).to_contain_text("位参与者共")
        expect(
            main(page).locator(".vega-embed canvas, .vega-embed svg.marks").first
        ).to_be_visible()
        # The imported log's last figures (a Theil decomposition per column over the whole log)
        # can take longer than the default wait on a loaded 2-core machine.
        expect(page.locator('[data-stale="true"]')).to_have_count(0, timeout=60_000)
        screenshot(page, "dashboard-decidim")

        # A researcher uploads a log of their own, saves it, and finds it among the datasets.
        rows = "".join(
            f"p{i % 30},{'comment' if i % 4 else 'proposal'},{'东西'[i % 2]}区\n"
            for i in range(300)
        )
        main(page).get_by_text("上传 CSV").click()
        main(page).locator("input[type=file]").set_input_files(
            files=[
                {
                    "name": "east.csv",
                    "mimeType": "text/csv",
                    "buffer": ("person_id,kind,area\n" + rows).encode(),
                }
            ]
        )
        expect(main(page)).to_contain_text("30 位参与者共")
        main(page).get_by_label("数据集名称").fill("东区征集")
        main(page).get_by_role("button", name="保存为数据集").click()
        expect(main(page)).to_contain_text("已保存数据集“东区征集”")
        main(page).get_by_text("已保存的数据集").click()
        expect(main(page)).to_contain_text("由 研究员")
        expect(main(page)).to_contain_text("30 位参与者共")
    finally:
        context.close()
