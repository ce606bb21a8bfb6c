"""The /widget docs: copy buttons on the snippets, a keyword preset and theme controls that update the live
example and the snippets, and a message where the live example cannot run (no JavaScript)."""
from __future__ import annotations

import html
import re

import pytest

from tests.browser.conftest import run_axe, screenshot

pytestmark = pytest.mark.browser


def live(page, expression: str):
    """Evaluate `expression` with `w` bound to the live example's <partner-locator>."""
    return page.evaluate(f"() => {{ const w = document.querySelector('#live-example partner-locator'); return {expression}; }}")


def test_copy_buttons_copy_each_snippet_and_say_so(site, watched):
    w = watched(permissions=["clipboard-read", "clipboard-write"])
    page = w.page
    page.goto(site.url + "/widget")
    for snippet_id in ("script-snippet", "iframe-snippet"):
        button = page.locator(f"button[data-copy={snippet_id}]")
        assert button.text_content().strip() == "Copy"
        button.click()
        confirmation = page.locator(f"[data-copied-for={snippet_id}]")
        confirmation.wait_for()
        assert confirmation.is_visible() and "Copied" in confirmation.text_content()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert copied == page.locator(f"#{snippet_id}").text_content()
    screenshot(page, "widget-docs-copied", full_page=False)
    assert w.errors == []


def test_keyword_and_theme_controls_update_the_live_example_and_the_snippets(site, watched):
    w = watched()
    page = w.page
    page.goto(site.url + "/widget")
    live(page, "w.shadowRoot.querySelector('li.result') !== null")  # the example is there
    page.locator("#cfg-q").fill("kubernetes")
    page.locator("#cfg-accent").fill("#0b6e4f")
    page.locator("#cfg-corner-radius").fill("0")
    page.locator("#cfg-font").select_option(label="Serif (Georgia)")
    page.wait_for_function("() => { const w = document.querySelector('#live-example partner-locator');"
                           " return w && w.getAttribute('q') === 'kubernetes' && w.shadowRoot.querySelector('li.result'); }")
    button = "getComputedStyle(w.shadowRoot.querySelector('button[type=submit]'))"
    assert live(page, f"{button}.backgroundColor") == "rgb(11, 110, 79)"
    assert live(page, f"{button}.borderTopLeftRadius") == "0px"
    assert "Georgia" in live(page, "getComputedStyle(w).fontFamily")
    assert live(page, "w.shadowRoot.querySelector('input[name=q]').value") == "kubernetes"
    names = live(page, "[...w.shadowRoot.querySelectorAll('li.result h3 a')].map(a => a.textContent)")
    assert names and "Acme Berlin DevOps" in names
    script = page.locator("#script-snippet").text_content()
    assert 'q="kubernetes"' in script
    assert "--pl-accent: #0b6e4f" in script and "--pl-radius: 0px" in script and "Georgia" in script
    assert "q=kubernetes" in page.locator("#iframe-snippet").text_content()
    screenshot(page, "widget-docs-themed")
    # submitting the configurator (the no-JavaScript path) writes the same snippet on the server
    page.locator("#configurator button[type=submit]").click()
    served = page.request.get(site.url + "/widget" + page.evaluate("location.search")).text()
    served_script = html.unescape(re.search(r'<code id="script-snippet"[^>]*>(.*?)</code>', served, re.S).group(1))
    assert served_script == script
    assert w.errors == []


def test_the_configurator_is_accessible(site, context_factory):
    page = context_factory(bypass_csp=True).new_page()  # bypass_csp only to inject axe
    page.goto(site.url + "/widget")
    page.locator("button[data-copy=script-snippet]").wait_for()
    page.locator("#live-example partner-locator li.result").first.wait_for()
    assert run_axe(page, ".docs") == []


def test_theme_values_are_checked(site):
    client = site.app.test_client()
    response = client.get("/widget?accent=red%3B%7D")
    assert response.status_code == 400 and "accent" in response.get_data(as_text=True)
    assert client.get("/widget?corner-radius=500").status_code == 400


def test_without_javascript_the_live_example_says_it_needs_it(site, context_factory):
    page = context_factory(java_script_enabled=False).new_page()
    page.goto(site.url + "/widget?near=Berlin&q=kubernetes&accent=%230b6e4f")
    message = page.locator("#live-example .noscript-note")
    assert message.is_visible()
    assert "JavaScript" in message.text_content()
    assert page.locator("button[data-copy=script-snippet]").count() == 0  # no copy button that cannot work
    script = page.locator("#script-snippet").text_content()
    assert 'q="kubernetes"' in script and "--pl-accent: #0b6e4f" in script
    screenshot(page, "widget-docs-no-js", full_page=False)
