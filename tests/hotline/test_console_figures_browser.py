"""The supervisors' dashboard in a real browser (headless Chromium on a live
server): every chart is drawn by the vendored Chart.js under the console's
strict Content-Security-Policy, with nothing refused or failing in the
console log. Screenshots go to ``.artifacts/screenshots/``."""

from __future__ import annotations

from datetime import UTC, datetime

from browser import Page, expect, screenshot  # skips without Chromium
from flask import Flask
from playwright.sync_api import ConsoleMessage
from test_console_figures import CHART_TABLES

from hotline.extensions import db
from hotline.figures import store
from hotline.models import Role
from tools import figures_sample as sample
from tools.live import log_in, new_operator

pytest_plugins = ["browser"]

# Each canvas: its Chart.js instance, its datasets, and how many of its pixels
# are painted (not transparent).
DRAWN = """(id) => {
  const canvas = document.getElementById('chart-' + id);
  const chart = window.Chart && window.Chart.getChart(canvas);
  const pixels = canvas.getContext('2d')
    .getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) { if (pixels[i]) painted++; }
  return {
    chart: Boolean(chart),
    datasets: chart ? chart.data.datasets.length : 0,
    dashes: chart ? chart.data.datasets.map((d) => JSON.stringify(d.borderDash)) : [],
    painted: painted,
    width: canvas.width,
  };
}"""


def _problem(message: ConsoleMessage) -> list[str]:
    """An error or warning in the console log; not the browser's own request
    for a favicon, which the console has none of."""
    if message.type not in ("error", "warning"):
        return []
    if message.location.get("url", "").endswith("/favicon.ico"):
        return []
    return [f"console {message.type}: {message.text}"]


def test_the_charts_draw_under_the_consoles_policy(
    live_app: Flask, live_url: str, page: Page
) -> None:
    with live_app.app_context():
        store.add(sample.sample(13, 300, seed=3, until=datetime.now(UTC).date()))
        db.session.commit()
    account = new_operator(live_app, "sue", Role.SUPERVISOR, "en")
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("console", lambda message: problems.extend(_problem(message)))
    page.add_init_script(
        "window.violations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " (event) => window.violations.push("
        "event.violatedDirective + ' ' + event.blockedURI));"
    )
    log_in(page, live_url, account)
    page.get_by_role("link", name="Figures").click()
    expect(page).to_have_url(f"{live_url}/console/figures")
    expect(page.get_by_role("heading", name="The line's figures")).to_be_visible()

    page.wait_for_function(
        "(ids) => window.Chart && ids.every((id) =>"
        " window.Chart.getChart(document.getElementById('chart-' + id)))",
        arg=list(CHART_TABLES),
        timeout=10_000,
    )
    for chart in CHART_TABLES:
        drawn = page.evaluate(DRAWN, chart)
        assert drawn["chart"] and drawn["datasets"] >= 2, (chart, drawn)
        # Lines, points, axes and legend: far more than a blank canvas.
        assert drawn["painted"] > 2_000, (chart, drawn)
        # Told apart without colour: no two lines share a dash pattern.
        assert len(set(drawn["dashes"])) == drawn["datasets"], (chart, drawn)
        table = page.locator(f"#table-{chart}")
        expect(table.locator("caption")).to_be_visible()
    assert page.evaluate("window.violations") == []
    assert problems == []
    screenshot(page, "figures")


def test_the_dashboard_fits_a_small_phone(
    live_app: Flask, live_url: str, phone_page: Page
) -> None:
    """360 px wide: the charts shrink to fit, wide tables scroll in their own
    box, the page itself never scrolls sideways."""
    with live_app.app_context():
        store.add(sample.sample(13, 300, seed=4, until=datetime.now(UTC).date()))
        db.session.commit()
    account = new_operator(live_app, "sue", Role.SUPERVISOR, "en")
    log_in(phone_page, live_url, account)
    phone_page.goto(f"{live_url}/console/figures")
    phone_page.wait_for_function(
        "() => window.Chart && window.Chart.getChart("
        "document.getElementById('chart-by-language'))"
    )
    assert not phone_page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth"
    )
    screenshot(phone_page, "figures-phone")
