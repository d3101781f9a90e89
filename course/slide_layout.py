"""Slide decks laid out for a projector, from the notebook's structure, when they are exported
(:func:`course.publish.export_slides` runs :func:`lay_out_slides` as an nbconvert
preprocessor), so that no notebook needs slide marks by hand:

- every heading starts a slide (``#``, ``##``) or a sub-slide (``###`` and below);
- every code cell, with its outputs, is a sub-slide of its own under the heading it belongs to
  (repeated), so a figure or a result is on the same screen as its point; one that does not
  fit is cut in several: its source in runs of lines (ending where a statement starts, where
  they can), then its outputs, long printed text, code shown by ``show_source`` and tables
  (their head repeated) in runs of lines too;
- a Markdown cell with no heading after code starts a sub-slide too, which the next code cell
  joins if it fits (it is usually that code's introduction);
- a slide keeps its headings, display formulas, a short first paragraph, lists of up to 6
  items, tables and code while they fit; the rest, later paragraphs, longer lists and
  ``<details>`` blocks, goes to the slide's speaker notes (reveal.js shows them with S), as do
  the hidden solutions (cells tagged ``solution``), so the presenter has them at hand;
- a cell the notebook marks (``slideshow.slide_type``) keeps its type: "slide" and
  "subslide" start one, "fragment" stays a fragment, "notes" goes to the notes, "skip" is left
  out; "-", Jupyter's "no type", leaves the cell to these rules.

What fits is estimated from the sizes the course's slide styles set
(``course/templates/course-slides/slides.css``: text 30 px, code 25 px, figures up to 500 px
high, on a slide of :data:`SLIDE_SIZE` that reveal.js scales to the screen); keep the two in
step. The deck's script does the rest in the browser: figures shrink, down to 240 px, to the
room their slide has left. ``tests/test_browser.py`` opens every deck at 1280x720 and fails on
any slide whose contents overflow it or whose text is drawn under 24 px.
"""

from __future__ import annotations

import copy
import re

#: The slide a deck is drawn for, in reveal.js's units: reveal.js scales it to the screen
#: (1920x1080 is 1.5 times as big). ``course-slides/index.html.j2`` gives reveal.js this size.
SLIDE_SIZE = (1280, 720)

# Estimates, in those units, of what the slide styles make of a slide's contents: the room on a
# slide below its heading (720 less the heading, reveal.js's margin and some air).
_ROOM = 545
# A heading; a line of code, printed output or a table (25 px high, 33 with its spacing; about
# 80 characters to a line, 40 to a table's row, whose cells wrap); a line of text (30 px, 41;
# about 78 characters); a box round code or output; a display formula (per line).
_HEADING_HEIGHT, _CODE_LINE, _TEXT_LINE, _BOX, _FORMULA = 75, 33, 41, 24, 100
# A row of audio players (5 to a row: a label of up to two lines above each) and a figure at
# its smallest.
_PLAYER_ROW, _PLAYERS_PER_ROW, _FIGURE = 130, 5, 300
#: A first paragraph up to this long stays on its slide; a list of up to this many items.
SHORT_PARAGRAPH, SHORT_LIST = 300, 6

#: A Markdown cell's blocks: fenced code, a ``<details>`` block, display maths, a heading, and
#: runs of lines up to a blank one (paragraphs, lists, tables).
_BLOCK = re.compile(
    r"^```.*?^```[^\n]*$|^<details\b.*?</details>[^\n]*$|^\$\$.*?\$\$[^\n]*$|^#{1,6}[ \t][^\n]*$"
    r"|(?:^(?!#{1,6}[ \t]|```|\$\$)[ \t]*\S[^\n]*\n?)+",
    re.S | re.M,
)
_HEADING = re.compile(r"(#{1,6})[ \t]")
_ITEM = re.compile(r"^ {0,3}(?:[-*+]|\d+[.)])[ \t]", re.M)
#: Markdown output that a slide may cut between its lines: fenced code (what ``show_source``
#: shows) or a table; group 1 is its head, 2 its lines, 3 the fence's end.
_LINES = re.compile(r"(```\w*\n|\|[^\n]*\n\|[-:| ]+\|\n)(.*?)(\n?```)?\s*", re.S)


def _rows(lines: list[str], width: int = 80) -> int:
    """How many lines ``lines`` take when those longer than ``width`` characters wrap."""
    return sum(1 + max(len(line) - 1, 0) // width for line in lines)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _runs(lines: list[str], rows: int, width: int = 80) -> list[str]:
    """``lines`` cut in runs of about the same length that take at most ``rows`` lines each (a
    line may take more); a run ends, where it can in its second half, after a blank line or
    before a statement (a line indented no more than any other there, not a closing bracket)."""
    total = _rows(lines, width)
    rows = -(-total // -(-total // rows)) if total else rows  # as many runs as needed, even
    runs = [[]]
    for line in lines:
        run = runs[-1]
        if run and _rows([*run, line], width) > rows:
            half = range(max(1, len(run) // 2), len(run))
            outer = min((_indent(run[k]) for k in half if run[k].strip()), default=0)
            ends = [
                k
                for k in half
                if not run[k - 1].strip()
                or (_indent(run[k]) <= outer and run[k].strip()[:1] not in ")]}")
            ]
            end = max(ends, default=len(run))
            runs[-1:] = [run[:end], run[end:]]
        runs[-1].append(line)
    return ["\n".join(run) for run in runs if run]


def _block_height(block: str) -> int:
    """Roughly how high a Markdown block is on a slide."""
    if _HEADING.match(block):
        return _HEADING_HEIGHT
    if block.startswith("$$"):
        return _FORMULA * (1 + block.count("\\\\"))
    return _TEXT_LINE * _rows(block.splitlines(), 78) + 20


def _output_parts(output, rows: int) -> list[tuple]:
    """(output, height) for each part of a code cell's output that may go on a sub-slide of
    its own: runs of lines of printed text, of code shown or of a table's rows, or the whole."""
    data = output.get("data", {})
    html = data.get("text/html", "")
    cut = _LINES.fullmatch(data.get("text/markdown", ""))
    text = output.get("text") if output.output_type == "stream" else cut and cut.group(2)
    width = 40 if cut and cut.group(1).startswith("|") else 80
    if not text:
        players = -(-html.count("<audio") // _PLAYERS_PER_ROW)
        height = _FIGURE * html.count("<img") + _PLAYER_ROW * players
        plain = re.sub(r"<[^>]+>", "", html) or data.get("text/plain", "")
        return [(output, height or _CODE_LINE * _rows(plain.splitlines(), width) + _BOX)]
    parts = []
    for run in _runs(text.splitlines(), rows, width):
        part = copy.deepcopy(output)
        if cut:  # a table's head is repeated, unless only text after the table is left
            head = cut.group(1) if cut.group(3) or run.startswith("|") else ""
            part.data = {"text/markdown": head + run + (cut.group(3) or "")}
        else:
            part.text = run + "\n"
        parts.append((part, _CODE_LINE * _rows(run.splitlines(), width) + _BOX))
    return parts


def _code_pages(cell, first: int) -> list:
    """A code cell cut into copies that each fit a sub-slide: the first has ``first`` px of
    room (what the sub-slide it joins has left), the others a whole sub-slide's. The first copy
    is None when nothing fits the room left: the cell starts on a new sub-slide."""
    rows = (_ROOM - _BOX) // _CODE_LINE
    pieces = [
        (run, None, _CODE_LINE * _rows(run.splitlines()) + _BOX)
        for run in _runs(cell.source.splitlines(), rows)
    ]
    for output in cell.get("outputs", []):
        pieces += [("", part, height) for part, height in _output_parts(output, rows)]
    pages, used, room = [[]], 0, first
    for piece in pieces:
        if used + piece[2] > room and (pages[-1] or room < _ROOM):
            pages, used, room = [*pages, []], 0, _ROOM
        pages[-1].append(piece)
        used += piece[2]
    copies = []
    for n, page in enumerate(pages):
        new = copy.deepcopy(cell)
        new.id = f"{cell.get('id', 'cell')}-{n}"
        new.metadata["slideshow"] = {"slide_type": "-"}
        new.source = "\n".join(source for source, _, _ in page if source)
        new.outputs = [output for _, output, _ in page if output is not None]
        if not new.source:
            new.metadata["transient"] = {"remove_source": True}  # nbconvert shows no input
        copies.append(new if page else None)
    return copies


class _Deck:
    """The cells of the deck being laid out, and the sub-slide being filled."""

    def __init__(self, node: type):
        self.node = node  # nbformat's NotebookNode: a dict whose keys are attributes too
        self.cells, self.heading = [], ""
        self.start("slide")

    def _markdown(self, source: str, kind: str):
        metadata = self.node(slideshow=self.node(slide_type=kind))
        cell_id = f"layout-{len(self.cells)}"
        self.cells.append(
            self.node(cell_type="markdown", id=cell_id, metadata=metadata, source=source)
        )
        return self.cells[-1]

    def start(self, kind: str, intro: bool = False) -> None:
        """A new slide or sub-slide under the current heading: a Markdown cell for what it
        shows and one for its speaker notes (each left out if it stays empty). ``intro``: a
        code cell may join it."""
        self.shown = self._markdown(self.heading, kind)
        self.notes = self._markdown("", "notes")
        self.room, self.intro, self.has_code, self.has_prose = _ROOM, intro, False, False

    def note(self, text: str) -> None:
        self.notes.source += "\n\n" + text

    def markdown(self, source: str, marked: str | None) -> None:
        """A Markdown cell's blocks: headings start slides, the rest is shown or noted."""
        for i, match in enumerate(_BLOCK.finditer(source)):
            block = match.group(0).strip("\n")
            heading = _HEADING.match(block)
            if heading or (i == 0 and (marked or self.has_code)):
                level = len(heading.group(1)) if heading else 0
                self.heading = block if heading else self.heading
                kind = "slide" if 0 < level < 3 else "subslide"
                self.start(marked if i == 0 and marked else kind, intro=not heading)
                if heading:
                    continue
            paragraph = not (block.startswith(("$$", "|", "```", "<")) or _ITEM.search(block))
            shown = (
                (not paragraph or not self.has_prose and len(block) <= SHORT_PARAGRAPH)
                and not block.startswith("<details")
                and len(_ITEM.findall(block)) <= SHORT_LIST
                and _block_height(block) <= self.room
            )
            self.has_prose |= paragraph
            if shown:
                self.shown.source += "\n\n" + block
                self.room -= _block_height(block)
            else:
                self.note(block)

    def code(self, cell, marked: str | None) -> None:
        """A code cell on a sub-slide of its own (or the introduction's before it), cut in
        several if it does not fit."""
        if marked or not self.intro or self.has_code:
            self.start(marked or "subslide")
        for n, part in enumerate(_code_pages(cell, self.room)):
            if n:
                self.start("subslide")
            if part is not None:
                self.cells.append(part)
            self.has_code = True


def lay_out_slides(nb, resources, solution_tag: str = "solution"):
    """nbconvert preprocessor: the notebook's cells laid out as slides that each fit a
    projector, by the rules in this module's description.

    Args:
        nb: the notebook (an nbformat node); its cells are replaced.
        resources: nbconvert's resources, passed on as they are.
        solution_tag: the tag of cells that hold hidden solutions, which go to the notes.

    Returns:
        The notebook and the resources, as nbconvert's preprocessors return them.
    """
    deck = _Deck(type(nb))
    for cell in nb.cells:
        marked = cell.metadata.get("slideshow", {}).get("slide_type", "-")
        own = marked if marked in ("slide", "subslide") else None
        if marked == "skip":
            continue
        if marked == "notes" or solution_tag in cell.metadata.get("tags", []):
            fenced = f"```\n{cell.source}\n```" if cell.cell_type == "code" else cell.source
            deck.note(fenced)
        elif marked == "fragment":
            deck.cells.append(cell)
        elif cell.cell_type == "code":
            deck.code(cell, own)
        elif cell.cell_type == "markdown":
            deck.markdown(cell.source, own)
        else:  # a raw cell stays where it is
            deck.cells.append(cell)
    nb.cells = [c for c in deck.cells if c.cell_type != "markdown" or c.source.strip()]
    return nb, resources
