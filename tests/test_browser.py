"""The course as its users see it: JupyterLab, its slideshow, an exported deck and the static
site, in a real Chromium driven by Playwright.

Run them alone with ``python -m pytest -m browser``. Every step saves a screenshot to
``build/browser-screenshots/`` (made by these tests; git ignores ``build/``) for a person to
look at. Chromium comes from the system's package manager (``apt-get install chromium``);
``COURSE_CHROMIUM`` names another Chromium or Chrome. Playwright's own browser download is not
used. Without a browser these tests are skipped and say why, except under
``COURSE_REQUIRE_BROWSER=1`` (set by ``.ci/run``), where a missing browser fails.

JupyterLab runs on a copy of the notebooks in a temporary folder, with its settings, workspaces
and configuration there too, so nothing of the checkout or of the user's own JupyterLab is
touched; it is stopped, with its kernels, when the tests end, also on failure. Every page is
opened with the internet cut off: a request that leaves the machine is recorded and fails the
test (for a page loaded once and shared by several tests, the test that loads it, and the
module's last test if a later request leaves).

Every course notebook is exported as a deck and measured at a projector's 1280x720, slide by
slide: a slide whose contents overflow it, or whose text is drawn under 24 px, fails the test,
which lists each one; a few slides of decks 02, 06 and 10 are photographed.

The static site (built once for the module: every page, the guides too) and a deck are audited
with axe-core (through axe-playwright-python, which carries its own copy): WCAG 2.0 and 2.1
rules of levels A and AA, and heading order. A violation of impact "serious" or "critical", or
a skipped heading level, fails the test, which lists each rule with up to 3 of the elements it
found. A site page's audit leaves the tokens of highlighted code out of the colour-contrast rule;
one test checks every token class the stylesheets colour, in each kind of code block, instead.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
SHOTS = ROOT / "build" / "browser-screenshots"

# The notebook in JupyterLab is idle: its kernel has started and no cell waits to run.
IDLE = """() => {
  const nb = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const kernel = nb && nb.sessionContext && nb.sessionContext.session &&
                 nb.sessionContext.session.kernel;
  return !!kernel && kernel.status === 'idle' &&
         [...document.querySelectorAll('.jp-InputArea-prompt')]
           .every(p => !p.textContent.includes('*'));
}"""

# Every figure in the page's outputs is opaque at its corners (no transparent background).
FIGURES_OPAQUE = """() => [...document.querySelectorAll('.jp-OutputArea-output img')].map(img => {
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const w = canvas.width - 1, h = canvas.height - 1;
  return [[0, 0], [w, 0], [0, h], [w, h]].every(([x, y]) =>
    ctx.getImageData(x, y, 1, 1).data[3] === 255);
})"""

# The first audio player's duration in seconds, once the browser has decoded its header.
AUDIO_DURATION = """async () => {
  const audio = document.querySelector('audio');
  if (!audio) return null;
  if (audio.readyState < 1) {
    await new Promise((ok, fail) => {
      audio.addEventListener('loadedmetadata', ok, {once: true});
      audio.addEventListener('error', () => fail(new Error('audio error')), {once: true});
      audio.load();
    });
  }
  return {duration: audio.duration, src: audio.currentSrc.slice(0, 22), error: audio.error};
}"""

# MathJax 2 has typeset the page's maths (CommonHTML): some drawn, none pending.
MATHS_DONE = """() => window.MathJax && MathJax.Hub && MathJax.Hub.queue &&
  MathJax.Hub.queue.pending === 0 && !MathJax.Hub.queue.running &&
  document.querySelectorAll('.MathJax_CHTML').length > 0"""


# MathJax 2 has started and typeset whatever maths the page has (none is fine).
MATHS_IDLE = """() => window.MathJax && MathJax.isReady && MathJax.Hub &&
  MathJax.Hub.queue.pending === 0 && !MathJax.Hub.queue.running"""

# The page loads no MathJax, or MathJax is idle (as above).
NO_MATHS_PENDING = (
    """() => !document.querySelector('script[src*="MathJax.js"]') || (%s)()""" % MATHS_IDLE
)

# axe-core's WCAG 2.0 and 2.1 rules of levels A and AA, and heading order (a best practice:
# a heading level skipped), on the whole page.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "rules": {"heading-order": {"enabled": True}},
    "resultTypes": ["violations"],
}
BLOCKING = ("serious", "critical")

# The site's pages: the index, one per notebook, then the instructor's guide and answer key.
SITE_PAGES = [
    "index",
    *(nb.stem for nb in sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))),
    "instructors",
    "answer-key",
]

# Highlighted code's tokens: their colours come from the page's stylesheets, the same on every
# notebook's page (and another set on the guides' pages), and checking the contrast of up to
# 2,200 of them a page was most of its audit. The page audits leave them out of the
# colour-contrast rule; test_every_code_colour_passes_the_contrast_audit checks every token
# class those stylesheets colour, in each kind of code block, on one page of each set.
CODE_TOKENS = ".highlight *"

# In a page, beside the first visible code block of each kind (a code cell's input, an output,
# a fence in a notebook's Markdown cell, a fence in a guide's page), a copy of it that holds one
# token of every class the page's stylesheets colour, and an unclassed one; the copies are
# marked with the given class. Returns the kinds copied, how many copies can be seen, and the
# classes.
ALL_TOKENS = r"""(mark) => {
  const classes = new Set();
  for (const sheet of document.styleSheets) {
    for (const rule of sheet.cssRules) {
      for (const m of (rule.selectorText || '').matchAll(/\.highlight\s+\.([\w-]+)/g))
        classes.add(m[1]);
    }
  }
  const kind = (block) => block.closest('.jp-MarkdownCell') ? 'markdown'
    : block.closest('.jp-OutputArea') ? 'output' : block.closest('.jp-CodeCell') ? 'input'
    : 'fence';
  const first = {};
  for (const block of document.querySelectorAll('.highlight')) {
    if (block.getClientRects().length > 0 && !(kind(block) in first)) first[kind(block)] = block;
  }
  const copies = Object.values(first).map((block) => {
    const copy = block.cloneNode(false);
    copy.classList.add(mark);
    const pre = document.createElement('pre');
    for (const name of ['', ...classes]) {
      const token = document.createElement('span');
      if (name) token.className = name;
      token.textContent = `token ${name || '(none)'}`;
      pre.append(token, '\n');
    }
    copy.append(pre);
    block.after(copy);
    return copy;
  });
  return {kinds: Object.keys(first).sort(), classes: [...classes],
          seen: copies.filter((c) => c.getClientRects().length > 0).length};
}"""

# How a code block shown by course.notebook.show_source (a Markdown output) is drawn: its
# font, its background and the one around it, its text's colour and a keyword's.
CODE_STYLE = """(pre) => {
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const colour = getComputedStyle(el).backgroundColor;
      if (colour !== 'transparent' && colour !== 'rgba(0, 0, 0, 0)') return colour;
    }
    return 'rgb(255, 255, 255)';
  };
  const keyword = pre.querySelector('.k');
  return {font: getComputedStyle(pre).fontFamily, background: background(pre),
          around: background(pre.closest('.highlight').parentElement),
          text: getComputedStyle(pre).color, keyword: keyword && getComputedStyle(keyword).color};
}"""
SHOW_SOURCE = ".jp-OutputArea-output.jp-RenderedMarkdown .highlight pre"

# The element that has the keyboard's focus: what it is, and whether it can be seen.
FOCUSED = """() => {
  const el = document.activeElement, box = el.getBoundingClientRect(), style = getComputedStyle(el);
  return {text: el.textContent.trim(), id: el.id, href: el.getAttribute('href'),
          inMain: !!el.closest('main'), outline: style.outlineStyle,
          visible: box.width > 0 && box.height > 0 && box.top >= 0 && box.bottom <= innerHeight &&
                   style.visibility === 'visible' && Number(style.opacity) > 0};
}"""


# Wait until a slide that has just arrived is laid out: the deck has typeset its maths again
# (MathJax 2 hides a formula while it does) and fitted it, which it marks with the attribute
# data-course-fitted; MathJax's queue is idle and every formula in the slide is drawn. Up to
# ``wait`` ms; true if it was in time.
TYPESET = """async (slide, wait = 3000) => {
  const drawn = (el) => el && el.getClientRects().length > 0 &&
    getComputedStyle(el).visibility === 'visible';
  const done = () => slide.hasAttribute('data-course-fitted') && (!window.MathJax ||
    !MathJax.Hub || (MathJax.Hub.queue.pending === 0 && !MathJax.Hub.queue.running &&
    [...slide.querySelectorAll('script[type^="math/tex"]')]
      .filter((math) => !math.closest('aside.notes, details:not([open])'))
      .every((math) => drawn(document.getElementById(math.id + '-Frame')))));
  for (const start = Date.now(); !done() && Date.now() - start < wait; )
    await new Promise((later) => setTimeout(later, 5));
  return done();
}"""

# A projector's picture, and the smallest text its audience can read (in CSS pixels as drawn).
PROJECTOR = {"width": 1280, "height": 720}
SMALLEST_TEXT = 24

# Every slide of the deck in the page, one after another (through reveal.js, with no
# transitions, once the deck has laid it out on arrival), and what is wrong with it: contents
# taller or wider than the slide, measured on the slide's <section> (its scrollHeight against
# the slide's height, or against its own height if it scrolls) and on its <pre>, <img> and
# <table> elements and anything that clips or scrolls (cut inside, or beyond the slide's box);
# and the smallest visible text under the minimum, as drawn: its computed font size times
# reveal.js's scale (maths by its base size, not its sub- and superscripts). Speaker notes and
# MathJax's copy of each formula for screen readers are not drawn, so not measured. Also what
# each slide holds, to choose slides to photograph.
SLIDE_FIT = (
    """async (smallest) => {
  const R = window.Reveal;
  R.configure({transition: 'none', backgroundTransition: 'none'});
  const typeset = %s;
  const seen = (el) => el.getClientRects().length > 0
    && getComputedStyle(el).visibility === 'visible'
    && !el.closest('details:not([open]) > :not(summary)');
  const name = (el) => el.tagName.toLowerCase() + (el.classList[0] ? '.' + el.classList[0] : '');
  const found = [];
  let wait = 3000;  // after one slide is late, the others are measured without waiting
  for (const [index, slide] of R.getSlides().entries()) {
    const at = R.getIndices(slide);
    R.slide(at.h, at.v);
    const wrong = (await typeset(slide, wait)) ? [] : ['not laid out within 3 s'];
    wait = wrong.length ? 0 : wait;
    const scale = R.getScale(), size = R.getComputedSlideSize();
    const box = R.getSlidesElement().getBoundingClientRect();
    if (slide.scrollHeight > Math.min(slide.clientHeight, size.height) + 2)
      wrong.push(`taller than the slide (${slide.scrollHeight} of ${size.height} px)`);
    if (slide.scrollWidth > Math.min(slide.clientWidth, size.width) + 2)
      wrong.push(`wider than the slide (${slide.scrollWidth} of ${size.width} px)`);
    for (const el of slide.querySelectorAll('*')) {
      // MathJax's copy of a formula for screen readers is clipped to 1 px on purpose
      if (el.closest('aside.notes, .MJX_Assistive_MathML') || !seen(el)) continue;
      const style = getComputedStyle(el);
      const clips = style.overflowX !== 'visible' || style.overflowY !== 'visible';
      if (!el.matches('pre, img, table') && !clips) continue;
      if (clips && el.scrollWidth > el.clientWidth + 2)
        wrong.push(`${name(el)} cut at the right (${el.scrollWidth} of ${el.clientWidth} px)`);
      if (clips && el.scrollHeight > el.clientHeight + 2)
        wrong.push(`${name(el)} cut at the bottom (${el.scrollHeight} of ${el.clientHeight} px)`);
      const r = el.getBoundingClientRect();
      if (r.right > box.right + 2 || r.left < box.left - 2)
        wrong.push(`${name(el)} beyond the slide's side (${Math.round(r.right - box.left)} px)`);
      if (r.bottom > box.bottom + 2)
        wrong.push(`${name(el)} below the slide (${Math.round(r.bottom - box.top)} px)`);
    }
    let small = null;
    const walker = document.createTreeWalker(slide, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent.trim();
      const parent = node.parentElement;
      if (!text || parent.closest('aside.notes, script, style, .MJX_Assistive_MathML')) continue;
      const el = parent.closest('.MathJax_CHTML') || parent;
      if (!seen(el)) continue;
      const px = parseFloat(getComputedStyle(el).fontSize) * scale;
      if (px < smallest - 0.01 && (!small || px < small.px)) small = {px, text};
    }
    if (small) {
      const text = JSON.stringify(small.text.slice(0, 40));
      wrong.push(`text drawn at ${small.px.toFixed(1)} px: ${text}`);
    }
    const heading = slide.querySelector('h1, h2, h3, h4, h5, h6');
    found.push({index, title: heading ? heading.textContent.replace('¶', '').trim() : '',
                wrong: [...new Set(wrong)],
                figure: !!slide.querySelector('.jp-OutputArea-output img'),
                code: !!slide.querySelector('.jp-InputArea pre'),
                maths: !!slide.querySelector('.MJXc-display'),
                printed: !!slide.querySelector('.jp-RenderedText pre')});
  }
  return found;
}"""
    % TYPESET
)

# A deck has shown its first slide.
PRESENT = "() => !!document.querySelector('.reveal .slides section.present')"

# The deck's present slide has been laid out on arrival (the deck marks it when it is done).
FITTED = "() => !!document.querySelector('.reveal .slides section.present[data-course-fitted]')"

# Go to a slide by its index in Reveal.getSlides(), with no transition, and wait for its maths.
GO_TO_SLIDE = (
    """(index) => {
  const slide = Reveal.getSlides()[index], at = Reveal.getIndices(slide);
  Reveal.configure({transition: 'none'});
  Reveal.slide(at.h, at.v);
  return (%s)(slide);
}"""
    % TYPESET
)


def _chromium() -> str | None:
    named = os.environ.get("COURSE_CHROMIUM")
    if named:
        return named
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _missing(reason: str):
    if os.environ.get("COURSE_REQUIRE_BROWSER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright is not installed: python -m pip install -r requirements.txt")
    executable = _chromium()
    if executable is None:
        _missing(
            "no Chromium found: install it (apt-get install chromium) or set "
            "COURSE_CHROMIUM to a Chromium or Chrome binary"
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable)
        yield browser
        browser.close()


class Offline:
    """A browser context that lets requests reach only this machine, and records the others."""

    def __init__(self, browser, viewport: dict | None = None):
        self.left = []
        self.context = browser.new_context(viewport=viewport or {"width": 1280, "height": 860})

        def local(url: str) -> bool:
            return url.startswith(("file:", "data:", "blob:", "about:", "http://127.0.0.1"))

        def cut(route):
            self.left.append(route.request.url)
            route.abort()

        self.context.route(lambda url: not local(url), cut)

    def page(self):
        page = self.context.new_page()
        page.set_default_timeout(60_000)
        return page

    def check(self):
        """Fail if a page of this context has asked the internet for anything so far."""
        assert not self.left, f"the page asked the internet for {self.left}"

    def close(self):
        self.context.close()
        self.check()


@pytest.fixture(scope="module")
def axe(browser):
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        _missing(
            "axe-playwright-python is not installed: python -m pip install -r requirements.txt"
        )
    return Axe()


def _audit(axe, page, where: str, *, code_tokens: bool = True, context=None) -> list[str]:
    """What axe-core finds on the page (or in ``context``) as it stands that fails the audit:
    one line per rule, with its impact, how many elements and up to 3 of them.
    ``code_tokens=False`` leaves highlighted code's tokens out of the colour-contrast rule."""
    page.evaluate(axe.axe_script)
    if not code_tokens:
        page.evaluate(
            "(s) => axe.configure({rules: [{id: 'color-contrast', selector: s}]})",
            f"*:not({CODE_TOKENS})",
        )
    response = page.evaluate("([c, o]) => axe.run(c || document, o)", [context, AXE_OPTIONS])
    found = []
    for violation in response["violations"]:
        if violation["impact"] in BLOCKING or violation["id"] == "heading-order":
            nodes = violation["nodes"]
            targets = ", ".join(" ".join(map(str, n["target"])) for n in nodes[:3])
            found.append(
                f"{where}: {violation['id']} ({violation['impact']}, {len(nodes)} elements: "
                f"{targets}): {violation['help']}"
            )
    return found


@pytest.fixture()
def offline(browser):
    net = Offline(browser)
    yield net
    net.close()


@pytest.fixture(scope="session")
def shot():
    SHOTS.mkdir(parents=True, exist_ok=True)

    def save(page, name: str, full_page: bool = False) -> Path:
        path = SHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return save


@pytest.fixture(scope="module")
def deck(browser, tmp_path_factory) -> Path:
    """Notebook 03 as an exported deck, written once for the module's tests."""
    from course.publish import export_slides

    [deck] = export_slides([NOTEBOOKS / "03_mfcc.ipynb"], tmp_path_factory.mktemp("decks"))
    return deck


class Loaded(Offline):
    """An offline context whose pages are each loaded once, for the several tests of a module
    that read the same page; a page is kept only once it has loaded, and a request that left
    the machine while it loaded fails the test that loaded it."""

    def __init__(self, browser):
        super().__init__(browser)
        self.pages = {}

    def load(self, url: str, *ready: str):
        """The page at ``url``, loaded (once) until each of the ``ready`` functions is true."""
        if url not in self.pages:
            page = self.page()
            page.goto(url)
            for condition in ready:
                page.wait_for_function(condition)
            self.check()
            self.pages[url] = page
        self.pages[url].bring_to_front()  # Chromium draws a page behind others only now and then
        return self.pages[url]


@pytest.fixture(scope="module")
def loaded(browser):
    net = Loaded(browser)
    yield net
    net.close()


@pytest.fixture(scope="module")
def deck_page(deck, loaded):
    """``deck_page()``: the deck of notebook 03, loaded once for the module's tests that present
    it (its maths typeset), on its first slide again for each."""

    def at_start():
        page = loaded.load(deck.as_uri(), PRESENT, MATHS_DONE)
        assert page.evaluate(GO_TO_SLIDE, 0), "the first slide was not laid out within 3 s"
        return page

    return at_start


@pytest.fixture(scope="module")
def site(browser, tmp_path_factory) -> Path:
    """The static site of every notebook, built once for the module's tests: its folder."""
    from course.publish import build_site

    return build_site(tmp_path_factory.mktemp("site")).parent


def test_an_exported_deck_presents_offline_with_its_maths(deck_page, shot):
    page = deck_page()  # with no transitions, so a screenshot shows a slide, not a transition
    assert page.locator(".MathJax_Error").count() == 0
    # The course's MathJax settings (local/course.js) hold: the Hub's 50 ms pauses are off.
    assert page.evaluate("() => MathJax.Hub.processSectionDelay") == 0
    first = page.evaluate("() => location.hash")
    shot(page, "08-deck-first-slide")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("(h) => location.hash !== h", arg=first)
    page.wait_for_function(FITTED)
    page.wait_for_function(MATHS_DONE)
    shot(page, "09-deck-second-slide")


def test_the_static_site_reads_offline(site, offline, shot):
    from course.publish import course_notebooks

    page = offline.page()
    page.goto((site / "index.html").as_uri())
    links = page.locator("ol li a")
    assert links.count() == len(course_notebooks())
    shot(page, "10-site-index")
    page.get_by_role("link", name="03").first.click()
    page.wait_for_url("**/03_mfcc.html")
    page.wait_for_function(MATHS_DONE)
    assert page.locator(".MathJax_Error").count() == 0
    assert page.evaluate("() => MathJax.Hub.processSectionDelay") == 0  # local/course.js
    audio = page.evaluate(AUDIO_DURATION)
    assert audio and audio["error"] is None and audio["duration"] > 0
    shot(page, "11-site-page-03")
    # The answer key's maths is typeset too, offline: no TeX left as text.
    page.goto((site / "answer-key.html").as_uri())
    page.wait_for_function(MATHS_DONE)
    assert page.locator(".MathJax_Error").count() == 0
    assert "$" not in page.locator("main").inner_text()
    page.get_by_text("frames; with hop 256").first.scroll_into_view_if_needed()
    shot(page, "11-site-answer-key-maths")


@pytest.fixture(scope="module")
def site_page(site, loaded):
    """``site_page(name)``: the site's page ``name`` (as in SITE_PAGES), loaded with its maths
    typeset, once for the module's tests that read it."""
    return lambda name: loaded.load((site / f"{name}.html").as_uri(), NO_MATHS_PENDING)


@pytest.mark.parametrize("name", SITE_PAGES)
def test_every_site_page_passes_an_accessibility_audit(axe, site_page, name):
    page = site_page(name)
    found = _audit(axe, page, f"{name}.html", code_tokens=False)
    assert not found, "axe-core found:\n" + "\n".join(found)


@pytest.mark.parametrize(
    "name, kinds, coloured",
    [
        ("11_music_emotion", ["input", "markdown", "output"], True),
        ("answer-key", ["fence"], False),
    ],
)
def test_every_code_colour_passes_the_contrast_audit(axe, site_page, name, kinds, coloured):
    """Every token class the page's stylesheets colour, and plain text, in each kind of code
    block: a code cell, a fence in a Markdown cell and a show_source output (a notebook's page,
    whose code is highlighted), a fence in the answer key (whose code is one colour). The
    copies are added to the page and stay: no later test reads these two pages."""
    page = site_page(name)
    added = page.evaluate(ALL_TOKENS, "course-all-tokens")
    assert added["kinds"] == kinds and added["seen"] == len(kinds)
    assert {"k", "s1", "c1", "mi"} <= set(added["classes"]) if coloured else not added["classes"]
    found = _audit(axe, page, f"{name}.html's code", context=".course-all-tokens")
    assert not found, "axe-core found:\n" + "\n".join(found)


def test_an_exported_deck_passes_an_accessibility_audit(deck, deck_page, axe, offline):
    """The deck on its first slide, then its print view (``?print-pdf``), which lays every slide
    out: presented, the slides overlap, so axe-core cannot tell the colours behind their text."""
    found = _audit(axe, deck_page(), deck.name)
    page = offline.page()
    page.goto(deck.as_uri() + "?print-pdf")
    page.wait_for_selector(".reveal .pdf-page")
    page.wait_for_function(MATHS_DONE)
    found += _audit(axe, page, f"{deck.name}?print-pdf")
    assert not found, "axe-core found:\n" + "\n".join(found)


def _looks_like_code(style: dict, where: str):
    assert "monospace" in style["font"], f"{where}: show_source's code is in {style['font']}"
    assert style["background"] != style["around"], f"{where}: code has no background: {style}"
    assert style["keyword"] and style["keyword"] != style["text"], f"{where}: no highlighting"


def test_show_source_code_looks_like_code_on_the_site(site_page, shot):
    page = site_page("02_stft_spectrogram")
    code = page.locator(SHOW_SOURCE).first
    _looks_like_code(code.evaluate(CODE_STYLE), "the site")
    code.scroll_into_view_if_needed()
    shot(page, "12-site-show-source")


def test_show_source_code_looks_like_code_in_a_deck(deck_page, shot):
    # deck_page() has waited for MathJax: nbconvert's deck re-renders a slide's maths on
    # arrival, and doing so while MathJax still typesets the page leaves "[Math Processing
    # Error]" on it.
    page = deck_page()
    code = page.locator(SHOW_SOURCE).first
    # Go to its slide (#/h/v) through reveal.js's address, as a link to it would.
    where = code.evaluate(
        """(pre) => {
      const slide = pre.closest('section'), stack = slide.parentElement.closest('section');
      const index = (el) => [...el.parentElement.children].filter(
        (s) => s.tagName === 'SECTION').indexOf(el);
      return stack ? `#/${index(stack)}/${index(slide)}` : `#/${index(slide)}`;
    }"""
    )
    page.evaluate("(hash) => { location.hash = hash; }", where)
    page.wait_for_function(
        "(pre) => pre.closest('section').classList.contains('present')", arg=code.element_handle()
    )
    page.wait_for_function(FITTED)
    page.wait_for_function(MATHS_IDLE)
    _looks_like_code(code.evaluate(CODE_STYLE), "the deck")
    shot(page, "13-deck-show-source")


@pytest.fixture(scope="module")
def every_deck(browser, tmp_path_factory) -> list[Path]:
    """Every course notebook as an exported deck, written once for the module's tests."""
    from course.publish import course_notebooks, export_slides

    return export_slides(course_notebooks(), tmp_path_factory.mktemp("every-deck"))


# Decks whose slides are photographed, for a person to look at: a few slides of each.
PHOTOGRAPHED = ("02_stft_spectrogram", "06_cnn", "10_genre_comparison")


def test_every_slide_of_every_deck_fits_a_projector(every_deck, browser, shot):
    """Each deck at 1280x720, offline, slide by slide: nothing on a slide overflows it, and no
    text on it is drawn under 24 px. The failure lists every slide that does not fit."""
    net = Offline(browser, viewport=PROJECTOR)
    # Every deck loads, then steps through its slides, at the same time as the others.
    pages = {deck: net.page() for deck in every_deck}
    for deck, page in pages.items():
        page.goto(deck.as_uri(), wait_until="commit")
    for page in pages.values():
        page.wait_for_selector(".reveal .slides section.present")
        page.wait_for_function(MATHS_IDLE)
        # Started, not awaited: the result is collected below.
        page.evaluate(f"(px) => {{ window.courseFit = ({SLIDE_FIT})(px); }}", SMALLEST_TEXT)
    wrong, slides = [], 0
    for deck, page in pages.items():
        found = page.evaluate("() => window.courseFit")
        slides += len(found)
        wrong += [
            f"{deck.name}, slide {s['index'] + 1} of {len(found)} ({s['title'][:40]!r}): {why}"
            for s in found
            for why in s["wrong"]
        ]
        stem = deck.name.split(".")[0]
        if stem in PHOTOGRAPHED:
            # Chromium draws a page behind others about once a second: to the front first.
            page.bring_to_front()
            chosen = {0: "title"}
            for kind in ("figure", "printed", "maths"):
                index = next((s["index"] for s in found if s[kind]), None)
                chosen.setdefault(index, kind)
            for index, kind in chosen.items():
                if index is not None:
                    page.evaluate(GO_TO_SLIDE, index)
                    shot(page, f"15-deck-{stem[:2]}-slide-{index + 1:02d}-{kind}")
        page.close()
    net.close()
    assert slides > 12 * len(every_deck), f"only {slides} slides in {len(every_deck)} decks"
    assert not wrong, f"{len(wrong)} problems on {slides} slides:\n" + "\n".join(wrong)


def test_a_deck_numbers_its_slides_and_has_speaker_notes_offline(deck, deck_page, shot):
    """The slide number shows; reveal.js's notes plugin comes from the deck's _static/ folder;
    the layout's speaker notes are there, and S opens the speaker view with them, offline."""
    page = deck_page()
    number = page.locator(".reveal .slide-number")
    assert number.is_visible() and number.inner_text().replace(" ", "").startswith("1/")
    scripts = page.evaluate("() => [...document.scripts].map((s) => s.src).filter(Boolean)")
    notes_js = (deck.parent / "_static/reveal.js/plugin/notes/notes.js").as_uri()
    assert notes_js in scripts, scripts
    assert page.evaluate("() => Reveal.hasPlugin('notes')")
    noted = page.evaluate(
        "() => Reveal.getSlides().findIndex(s => (Reveal.getSlideNotes(s) || '').trim())"
    )
    assert noted >= 0, "no slide has speaker notes"
    page.evaluate(GO_TO_SLIDE, noted)
    with page.expect_popup() as opened:
        page.keyboard.press("s")
    speaker = opened.value
    notes = speaker.locator(".speaker-controls-notes .value")
    speaker.wait_for_function(
        "(el) => el.textContent.trim().length > 0", arg=notes.element_handle()
    )
    assert notes.inner_text().strip()
    for frame in speaker.frames[1:]:  # the current and the upcoming slide, each a deck
        frame.wait_for_function(FITTED)
    shot(speaker, "16-deck-speaker-view")
    speaker.close()


def test_tab_reaches_the_skip_link_and_enter_the_content(site, offline, shot):
    page = offline.page()
    page.goto((site / "03_mfcc.html").as_uri())
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["text"] == "Skip to the content" and focused["href"] == "#course-content"
    assert focused["visible"] and focused["outline"] != "none", focused
    shot(page, "14-site-skip-link-focused")
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.hash === '#course-content'")
    assert page.evaluate(FOCUSED)["id"] == "course-content"
    # The next Tab goes on from the content, not from the top of the page.
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["inMain"] and focused["id"] != "course-content", focused


# --- JupyterLab -------------------------------------------------------------------------------
# Last in the file: the first notebook run anywhere generates data/sample, and the JupyterLab
# tests would otherwise start at the same moment as the notebooks' own run of 00 and generate
# it a second time; the site and deck tests before them need no data.


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab on a free local port with a token, serving a copy of the notebooks."""
    home = tmp_path_factory.mktemp("lab")
    root = home / "notebooks"
    shutil.copytree(NOTEBOOKS, root, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    settings = home / "settings"
    # Every cell in the page (not only those scrolled to), so the tests can find them.
    tracker = settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True)
    tracker.write_text(json.dumps({"windowingMode": "none"}))
    config = home / "config"
    (config / "labconfig").mkdir(parents=True)
    (config / "labconfig" / "page_config.json").write_text(
        json.dumps({"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}})
    )
    # As a learner's: no Agg backend from tests/conftest.py, so figures show inline.
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env.update(
        {
            "COURSE_SMOKE": "1",
            "JUPYTER_CONFIG_DIR": str(config),
            "JUPYTER_DATA_DIR": str(home / "data"),
            "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
            "JUPYTERLAB_SETTINGS_DIR": str(settings),
            "JUPYTERLAB_WORKSPACES_DIR": str(home / "workspaces"),
        }
    )
    port, token = _free_port(), os.urandom(12).hex()
    log = (home / "jupyterlab.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            "--allow-root",
            f"--port={port}",
            "--ip=127.0.0.1",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            "--expose-app-in-browser",
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ],
        env=env,
        cwd=root,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if server.poll() is not None:
                pytest.fail(
                    "JupyterLab stopped at start:\n" + (home / "jupyterlab.log").read_text()[-3000:]
                )
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("JupyterLab did not answer within 90 s")
                time.sleep(0.5)
        yield {"url": base, "token": token, "root": root}
    finally:
        # The whole process group: the server and the kernels it started.
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(server.pid, signal.SIGKILL)
        log.close()


def _run_in_lab(lab, net: Offline, notebook: str):
    """Open a notebook in JupyterLab (a fresh workspace), run every cell, and return the page and
    the notebook as it then stands."""
    page = net.page()
    page.goto(f"{lab['url']}/lab/tree/{notebook}?reset&token={lab['token']}")
    page.wait_for_function(IDLE)
    # Clear the committed outputs and counts, so what is checked is what this run made.
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
    # The command's promise settles when the last cell has run.
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(IDLE)
    model = page.evaluate("() => window.jupyterapp.shell.currentWidget.content.model.toJSON()")
    code = [c for c in model["cells"] if c["cell_type"] == "code"]
    errors = [o for c in code for o in c["outputs"] if o["output_type"] == "error"]
    assert not errors, f"{notebook}: {errors[0]['ename']}: {errors[0]['evalue']}"
    assert code and all(c["execution_count"] for c in code), f"{notebook}: a cell did not run"
    return page, model


SHUT_DOWN_KERNELS = "() => window.jupyterapp.serviceManager.sessions.shutdownAll()"


@pytest.fixture(scope="module")
def mfcc_in_lab(lab, browser):
    """Notebook 03 run once in JupyterLab, for the tests that look at its outputs, players,
    figures and slider (one run instead of one per test: running a notebook is most of such a
    test's time): the page, and the notebook as the run left it. Its kernel is shut down when
    the module's tests end."""
    net = Offline(browser)
    try:
        page, notebook = _run_in_lab(lab, net, "03_mfcc.ipynb")
        yield page, notebook
        page.evaluate(SHUT_DOWN_KERNELS)
    finally:
        net.close()


def test_a_notebook_runs_top_to_bottom_in_jupyterlab_and_its_player_decodes(mfcc_in_lab, shot):
    """Notebook 03 (players, figures, a slider and maths) run in JupyterLab as a learner runs
    it: no error, every cell run (checked as it runs), nothing printed on stderr, and its first
    player decodes. nbval runs every notebook, 00 included, in a kernel of its own."""
    page, notebook = mfcc_in_lab
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    stderr = [
        "".join(o["text"])[:200]
        for c in code
        for o in c["outputs"]
        if o["output_type"] == "stream" and o["name"] == "stderr"
    ]
    assert not stderr, f"warnings or errors printed: {stderr}"
    shot(page, "01-jupyterlab-03-run-all")

    audio = page.evaluate(AUDIO_DURATION)
    assert audio and audio["error"] is None
    assert audio["src"].startswith("data:audio/mpeg")
    # The players hold 3-s excerpts; MP3 adds at most a few frames of padding.
    assert 2.9 <= audio["duration"] <= 3.2, audio
    page.locator("audio").first.scroll_into_view_if_needed()
    shot(page, "02-jupyterlab-03-audio-player")


def test_figures_stay_readable_in_the_dark_theme(mfcc_in_lab, shot):
    page, _ = mfcc_in_lab
    page.evaluate(
        "() => window.jupyterapp.commands.execute('apputils:change-theme',"
        " {theme: 'JupyterLab Dark'})"
    )
    page.wait_for_selector("body[data-jp-theme-light='false']", state="attached")
    opaque = page.evaluate(FIGURES_OPAQUE)
    assert opaque and all(opaque), f"{opaque.count(False)} of {len(opaque)} figures are transparent"
    page.locator(".jp-OutputArea-output img").first.scroll_into_view_if_needed()
    shot(page, "03-jupyterlab-dark-theme")
    page.evaluate(
        "() => window.jupyterapp.commands.execute('apputils:change-theme',"
        " {theme: 'JupyterLab Light'})"
    )
    page.wait_for_selector("body[data-jp-theme-light='true']", state="attached")


def test_moving_a_slider_redraws_the_figure(mfcc_in_lab, shot):
    page, _ = mfcc_in_lab
    widget = page.locator(".widget-interact").filter(has=page.locator(".widget-slider")).first
    handle = widget.locator(".noUi-handle").first
    figure = widget.locator(".widget-output img").first
    handle.scroll_into_view_if_needed()
    before = figure.get_attribute("src")
    value = widget.locator(".widget-readout").first.inner_text()
    shot(page, "04-slider-before")
    handle.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "([el, src]) => { const img = el.querySelector('.widget-output img');"
        " return img && img.getAttribute('src') !== src; }",
        arg=[widget.element_handle(), before],
    )
    page.wait_for_function(IDLE)
    assert int(widget.locator(".widget-readout").first.inner_text()) == int(value) + 1
    shot(page, "05-slider-after")


def test_the_live_slideshow_steps_through_slides(lab, offline, shot):
    page = offline.page()
    page.goto(f"{lab['url']}/rise/03_mfcc.ipynb?token={lab['token']}")
    present = ".reveal .slides section.present"
    page.wait_for_selector(present)
    page.wait_for_function("() => document.querySelectorAll('.reveal mjx-container').length > 0")
    seen = [page.evaluate("() => location.hash")]
    shot(page, "06-rise-slide-1")
    for step in range(2, 4):
        page.keyboard.press("Space")
        page.wait_for_function("(h) => location.hash !== h", arg=seen[-1])
        seen.append(page.evaluate("() => location.hash"))
        page.wait_for_timeout(1000)  # let the slide transition finish before the screenshot
        shot(page, f"07-rise-slide-{step}")
    assert len(set(seen)) == 3, seen
