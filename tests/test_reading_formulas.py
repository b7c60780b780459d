"""A reader sees the formulas without waiting for a script, in light and dark mode alike.

sphinxext/mathml.py writes every formula as MathML when the site is built; the browser
draws it and screen readers read it as mathematics. These tests check the converter,
every formula of the built site, and, in Chromium, what a reader gets.
"""

import pytest
from bs4 import BeautifulSoup
from pages import site_pages

from sphinxext.frontend.mathml import MathMLError, to_mathml

# A course page with inline and displayed formulas, fractions and a matrix among them.
PAGE = "auto_examples/series/plot_05_dithering.html"


def test_latex_becomes_one_math_element_with_its_source():
    mathml = to_mathml(r"\mathrm{PSNR} = 10 \log_{10} \frac{255^2}{\mathrm{MSE}}", "block")
    page = BeautifulSoup(mathml, "html.parser")
    (math,) = page.find_all("math")
    assert math["display"] == "block"
    assert math["alttext"] == r"\mathrm{PSNR} = 10 \log_{10} \frac{255^2}{\mathrm{MSE}}"
    assert math.find("mfrac") is not None
    # Upright names are one token each, read as a word, not letter by letter.
    assert [mi.text for mi in math.find_all("mi")] == ["PSNR", "log", "MSE"]


def test_an_unknown_command_is_an_error_not_text_in_the_page():
    with pytest.raises(MathMLError, match=r"\\nosuchcommand"):
        to_mathml(r"x = \nosuchcommand{y}", "inline")


def test_every_formula_of_the_site_is_mathml(site):
    formulas = 0
    for path in site_pages(site["html"]):
        text = (site["html"] / path).read_text(encoding="utf-8")
        page = BeautifulSoup(text, "html.parser")
        assert "mathjax" not in text.lower(), f"{path} still refers to MathJax"
        assert not page.select(".math-error"), f"{path} has a formula left unconverted"
        for formula in page.select("article .math"):
            maths = formula.find_all("math")
            assert maths, f"{path}: a formula without MathML: {formula}"
            for math in maths:
                # No LaTeX left in what the reader sees (it is only in alttext).
                assert "\\" not in math.get_text(), (path, str(math)[:300])
            formulas += 1
    assert formulas >= 50, f"only {formulas} formulas on the whole site"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_formulas_are_drawn_in_the_texts_colour_and_read_as_maths(browser, base_url, scheme):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, color_scheme=scheme)
    try:
        page = context.new_page()
        scripts = []
        page.on("request", lambda r: r.resource_type == "script" and scripts.append(r.url))
        page.goto(base_url + PAGE, wait_until="load")
        assert page.evaluate("document.documentElement.dataset.theme") == scheme
        formulas = page.locator("article .math")
        assert formulas.count() >= 10
        for index in range(formulas.count()):
            formula = formulas.nth(index)
            formula.scroll_into_view_if_needed()
            drawn = formula.evaluate(
                """f => { const math = f.querySelector("math");
                          const box = math.getBoundingClientRect();
                          return {width: box.width, height: box.height,
                                  colour: getComputedStyle(math).color,
                                  text: getComputedStyle(f.closest("p, div.math")
                                      .parentElement).color}; }"""
            )
            assert drawn["width"] > 5 and drawn["height"] > 5, (index, drawn)
            assert drawn["colour"] == drawn["text"], (index, drawn)
            # Chromium exposes it to assistive technology as a formula.
            assert formula.aria_snapshot().startswith("- math"), formula.aria_snapshot()
        # No script draws them: none of the page's scripts is about formulas.
        assert not [url for url in scripts if "math" in url.lower()], scripts
    finally:
        context.close()
