"""A reader arrives on the home page: the idea in one picture, then the course, in order.

The picture (sphinxext/home_picture.py) is the same crop of the raccoon at 256 grey
levels and at 4, drawn when the site is built, shown side by side at two screen pixels per
image pixel. Below it, one sphinx-design card per page of the course, in reading order,
each with its thumbnail, title and a line; the walkthrough's card says to start there.
"""

import io

import numpy as np
import pytest
from conftest import EXAMPLES, WALKTHROUGH
from PIL import Image

# The course in reading order: the walkthrough, then the numbered pages.
COURSE = [f"auto_examples/{p.with_suffix('.html').as_posix()}" for p in EXAMPLES]
COURSE.sort(key=lambda path: (WALKTHROUGH not in path, path))
DESKTOPS = [(1280, 800), (1920, 1080)]


@pytest.fixture
def home(browser, base_url):
    contexts = []

    def open_home(width, height):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.goto(base_url + "index.html", wait_until="load")
        return page

    yield open_home
    for context in contexts:
        context.close()


def _decoded(page, src):
    response = page.context.request.get(page.url.rsplit("/", 1)[0] + "/" + src)
    assert response.ok, src
    return np.asarray(Image.open(io.BytesIO(response.body())))


@pytest.mark.parametrize(("width", "height"), DESKTOPS)
def test_the_picture_shows_the_same_crop_at_256_and_4_levels_side_by_side(home, width, height):
    page = home(width, height)
    images = page.eval_on_selector_all(
        ".home-picture img",
        """imgs => imgs.map(img => { const box = img.getBoundingClientRect();
               return {src: img.getAttribute("src"), alt: img.alt, top: box.top,
                       shown: box.width, natural: img.naturalWidth,
                       priority: img.getAttribute("fetchpriority")}; })""",
    )
    assert len(images) == 2, images
    original, quantized = (_decoded(page, image["src"]) for image in images)
    assert original.shape == quantized.shape
    assert len(np.unique(original)) > 100
    assert sorted(np.unique(quantized)) == [32, 96, 160, 224]
    # The same pixels: the right one is the left one in 4 equal bins, at their centres.
    assert np.array_equal(quantized, original // 64 * 64 + 32)
    # Each image pixel drawn as 2 x 2 pixels of the file: a blocky file, shown unscaled.
    assert np.array_equal(original[::2, ::2].repeat(2, 0).repeat(2, 1), original)
    for image in images:
        assert image["shown"] == image["natural"], image
        assert "grey levels" in image["alt"]
        # The page's largest paint: asked for before the thumbnails and the icon font.
        assert image["priority"] == "high", image
    assert images[0]["top"] == images[1]["top"], "the two crops are not side by side"
    # And the picture comes first: it is on the first screen.
    assert images[0]["top"] < height


def test_the_course_is_laid_out_in_reading_order_with_a_card_per_page(home):
    page = home(1280, 800)
    cards = page.eval_on_selector_all(
        ".course-cards .sd-card",
        """cards => cards.map(card => ({
               href: card.querySelector("a.sd-stretched-link").getAttribute("href"),
               title: card.querySelector(".sd-card-title").textContent.trim(),
               line: card.querySelector(".sd-card-text").textContent.trim(),
               start: card.classList.contains("course-start"),
               thumbnail: card.querySelector("img").getAttribute("src"),
               alt: card.querySelector("img").alt}))""",
    )
    assert [card["href"].split("#")[0] for card in cards] == COURSE
    for card, path in zip(cards, COURSE):
        name = path.rsplit("/", 1)[1].removesuffix(".html")
        assert card["thumbnail"].startswith(f"_images/sphx_glr_{name}_thumb."), card
        assert card["title"] and len(card["line"]) > 20 and card["alt"], card
    assert [card["start"] for card in cards] == [True] + [False] * (len(cards) - 1)
    assert cards[0]["title"].startswith("Start here")
    # Every thumbnail loads (they are lazy below the first screen).
    page.evaluate(
        "document.querySelectorAll('.course-cards img').forEach(i => i.loading = 'eager')"
    )
    page.wait_for_function(
        "[...document.querySelectorAll('.course-cards img')]"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )


def test_one_click_on_a_card_opens_its_page(home):
    page = home(1280, 800)
    for index, path in enumerate(COURSE):
        if index:
            page.go_back(wait_until="load")
        page.locator(".course-cards .sd-card").nth(index).click()
        page.wait_for_load_state("load")
        assert page.url.split("#")[0].endswith(path), (index, page.url)


@pytest.mark.parametrize(("width", "height"), [(412, 823), (1280, 800)])
def test_card_thumbnails_keep_their_shape_on_a_phone_and_a_desktop(home, width, height):
    page = home(width, height)
    page.evaluate(
        "document.querySelectorAll('.course-cards img').forEach(i => i.loading = 'eager')"
    )
    page.wait_for_function(
        "[...document.querySelectorAll('.course-cards img')]"
        ".every(img => img.complete && img.naturalWidth > 0)"
    )
    shapes = page.eval_on_selector_all(
        ".course-cards img",
        "imgs => imgs.map(i => [i.clientWidth, i.clientHeight, i.naturalWidth, i.naturalHeight])",
    )
    for shown_w, shown_h, w, h in shapes:
        assert abs(shown_w / shown_h - w / h) < 0.02, (shown_w, shown_h, w, h)
