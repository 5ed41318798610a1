"""The camera of the recorder: the browser page, the highlight (a box around the control and a
round pointer beside it, drawn by the recorder through ``page.evaluate`` DOM calls and the
CSSOM, which the portal's Content Security Policy does not govern), typing at a human pace and
waiting as long as each step's narration lasts."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from portal.recorder.script import (
    Chapter,
    Step,
    chapter_for,
    clean_label,
    quote,
    speakable,
)
from portal.recorder.tts import Voice

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
VIEWPORTS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 800}}
TYPING_DELAY_MS = 40  # a steady typist, 25 characters a second
GAP_SECONDS = 0.25  # a breath between two steps
#: The recorder does not sit through each narration: once a step's action is done it lets the
#: screen settle this long, notes how much longer the narration lasts, and the encoder holds
#: that frame for as long (recorder/encode.py). A guide takes its length to film no more.
SETTLE_SECONDS = 0.4
#: Caps so a very long form gives a guide of bounded length: the pages and fields beyond them
#: are filled quickly, without narration, and one sentence says so.
MAX_NARRATED_PAGES = 4
MAX_NARRATED_FIELDS = 4
MAX_NARRATED_DOCUMENTS = 3
NAV_TIMEOUT_MS = 30_000

_HIGHLIGHT_JS = """
([selector, pointer]) => {
  const el = document.querySelector(selector);
  if (!el) return null;
  el.scrollIntoView({block: 'center', inline: 'nearest', behavior: 'instant'});
  let box = document.getElementById('sp-recorder-box');
  let dot = document.getElementById('sp-recorder-pointer');
  if (!box) {
    box = document.createElement('div');
    box.id = 'sp-recorder-box';
    box.setAttribute('aria-hidden', 'true');
    dot = document.createElement('div');
    dot.id = 'sp-recorder-pointer';
    dot.setAttribute('aria-hidden', 'true');
    document.body.appendChild(box);
    document.body.appendChild(dot);
  }
  const r = el.getBoundingClientRect();
  const s = box.style;
  s.position = 'fixed'; s.pointerEvents = 'none'; s.zIndex = '2147483646';
  s.left = (r.left - 6) + 'px'; s.top = (r.top - 6) + 'px';
  s.width = (r.width + 12) + 'px'; s.height = (r.height + 12) + 'px';
  s.border = '4px solid #ff8f00'; s.borderRadius = '10px'; s.boxSizing = 'border-box';
  s.boxShadow = '0 0 0 9999px rgba(0, 0, 0, 0.22)';
  const d = dot.style;
  d.display = pointer ? 'block' : 'none';
  d.position = 'fixed'; d.pointerEvents = 'none'; d.zIndex = '2147483647';
  d.width = '26px'; d.height = '26px'; d.borderRadius = '50%';
  d.background = 'rgba(255, 143, 0, 0.85)'; d.border = '3px solid #fff';
  d.boxShadow = '0 1px 4px rgba(0, 0, 0, 0.5)';
  d.left = Math.min(r.left + Math.min(r.width * 0.5, 60), window.innerWidth - 30) + 'px';
  d.top = Math.min(r.top + r.height * 0.5, window.innerHeight - 30) + 'px';
  return true;
}
"""

_CLEAR_JS = """
() => { for (const id of ['sp-recorder-box', 'sp-recorder-pointer']) {
  const n = document.getElementById(id); if (n) n.remove(); } }
"""

# The label a person sees: a field's <label> or <legend>, else the element's own text
# without the screen-reader-only parts; for inputs without text, their value.
_LABEL_JS = """
(el) => {
  const visible = (node) => {
    const c = node.cloneNode(true);
    c.querySelectorAll('.visually-hidden, .visually-hidden-focusable, [aria-hidden=true]')
      .forEach(n => n.remove());
    return (c.textContent || '').replace(/\\s+/g, ' ').trim();
  };
  if (el.id) {
    const lab = document.querySelector('label[for="' + CSS.escape(el.id) + '"]');
    if (lab) return visible(lab);
  }
  if (el.tagName === 'FIELDSET') {
    const legend = el.querySelector('legend');
    if (legend) return visible(legend);
  }
  const own = visible(el);
  return own || el.value || el.getAttribute('aria-label') || '';
}
"""

# Every label the page shows, for the check: buttons, links, labels, legends, headings,
# badges and the texts of definition lists.
_ALL_LABELS_JS = """
() => {
  const out = [];
  const visible = (node) => {
    const c = node.cloneNode(true);
    c.querySelectorAll('.visually-hidden, .visually-hidden-focusable').forEach(n => n.remove());
    return (c.textContent || '').replace(/\\s+/g, ' ').trim();
  };
  document.querySelectorAll('main button, main a, main label, main legend, main h1, main h2, '
      + 'main h3, main .badge, main dt, main strong, main input[type=submit], main label span, '
      + 'main legend span').forEach(n => {
    const t = visible(n) || n.value || '';
    if (t) out.push(t);
  });
  return out;
}
"""


class RecorderError(RuntimeError):
    """The guide cannot be filmed (a page did not behave as the script expects)."""


@dataclass
class Filming:
    """The state of one walk: the page, the clock, the chapters and narration clips so far."""

    page: Any
    lang: str
    voice: Voice | None
    workdir: Path
    fast: bool = False
    t0: float = field(default_factory=time.monotonic)
    chapters: list[Chapter] = field(default_factory=list)
    clips: list[tuple[float, Path]] = field(default_factory=list)
    seen_labels: dict[str, set[str]] = field(default_factory=dict)
    _clip_counter: int = 0
    #: Hold the screen in the encoder instead of waiting (see SETTLE_SECONDS); off: real time.
    hold_narration: bool = True
    held: float = 0.0

    # -- clock and chapters ---------------------------------------------------------------------
    def filmed(self) -> float:
        """Seconds of the browser's recording so far."""
        return time.monotonic() - self.t0

    def now(self) -> float:
        """Seconds of the guide so far: what was filmed and the holds the encoder adds."""
        return self.filmed() + self.held

    def begin(self, stage: str) -> Chapter:
        chapter = chapter_for(stage)
        self.chapters.append(chapter)
        return chapter

    @property
    def chapter(self) -> Chapter:
        return self.chapters[-1]

    def _collect_labels(self) -> None:
        labels = self.page.evaluate(_ALL_LABELS_JS)
        self.seen_labels.setdefault(self.chapter.stage, set()).update(clean_label(t) for t in labels)

    # -- one step -------------------------------------------------------------------------------
    def label_of(self, selector: str) -> str:
        locator = self.page.locator(selector).first
        try:
            locator.wait_for(state="attached", timeout=10_000)
        except Exception as exc:  # noqa: BLE001 - Playwright's timeout, said plainly
            raise RecorderError(f"{self.page.url}: nothing matches {selector}") from exc
        return clean_label(locator.evaluate(_LABEL_JS))

    def step(
        self,
        selector: str | None,
        text: dict[str, str] | Callable[[str], dict[str, str]],
        *,
        during: Callable[[], None] | None = None,
        pointer: bool = True,
    ) -> Step:
        """Highlight ``selector``, say ``text`` (or ``text(quoted visible label)``) while
        ``during`` runs, and wait until both are done."""
        label = self.label_of(selector) if selector else ""
        if callable(text):
            text = text(quote(label))
        if selector and not self.fast:
            self.page.evaluate(_HIGHLIGHT_JS, [selector, pointer])
        step = Step(
            stage=self.chapter.stage,
            selector=selector,
            label=label,
            text=dict(text),
            page=_path_pattern(self.page.url),
        )
        self._collect_labels()
        step.start = self.now()
        seconds = 0.0
        if self.voice is not None and not self.fast:
            self._clip_counter += 1
            wav = self.workdir / f"line-{self._clip_counter:03d}.wav"
            seconds = self.voice.speak(speakable(text[self.lang]) or ".", self.lang, wav)
            self.clips.append((step.start, wav))
        if during is not None:
            during()
        if not self.fast:
            remaining = step.start + seconds + GAP_SECONDS - self.now()
            if self.hold_narration and remaining > SETTLE_SECONDS + 0.1:
                time.sleep(SETTLE_SECONDS)
                step.hold_at = round(self.filmed(), 3)
                step.hold = round(remaining - SETTLE_SECONDS, 3)
                self.held += step.hold
            elif remaining > 0:
                time.sleep(remaining)
        step.end = self.now()
        self.chapter.steps.append(step)
        return step

    def clear(self) -> None:
        if not self.fast:
            self.page.evaluate(_CLEAR_JS)

    # -- actions --------------------------------------------------------------------------------
    def type_into(self, selector: str, value: str) -> None:
        locator = self.page.locator(selector).first
        if self.fast:
            locator.fill(value)
        else:
            locator.fill("")
            locator.press_sequentially(value, delay=TYPING_DELAY_MS)

    def navigate(self, action: Callable[[], None]) -> None:
        self.clear()
        with self.page.expect_navigation(wait_until="load", timeout=NAV_TIMEOUT_MS):
            action()

    def click(self, selector: str) -> None:
        self.navigate(lambda: self.page.locator(selector).first.click())

    def goto(self, url: str) -> None:
        self.clear()
        self.page.goto(url, wait_until="load", timeout=NAV_TIMEOUT_MS)


def _path_pattern(url: str) -> str:
    path = re.sub(r"^https?://[^/]+", "", url).split("?")[0].split("#")[0]
    return re.sub(r"/\d+(?=/|$)", "/<id>", path)
