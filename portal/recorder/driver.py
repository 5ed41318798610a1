"""Films the scratch portal: the system Chromium (Playwright's sync API) goes through every
stage as a sample applicant of one category, highlighting each control it talks about, typing
at a human pace, and waiting at each step for as long as its narration lasts.

The highlight (a box around the control and a round pointer beside it) is drawn by the
recorder, not by the app: elements are made through ``page.evaluate`` DOM calls and styled
through the CSSOM, which the portal's Content Security Policy (no inline script or style)
does not govern, so the page under film is the page applicants get.

``fast=True`` is the same walk without video, speech or pauses: ``flask tutorials check``
uses it to read the labels every page shows now.
"""

from __future__ import annotations

import functools
import os
import re
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from portal.recorder import samples
from portal.recorder.script import (
    Chapter,
    Step,
    bilingual,
    chapter_for,
    clean_label,
    fill_in,
    press,
    quote,
    say,
    shorten,
)
from portal.recorder.tts import Voice

CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-dev-shm-usage", "--no-first-run", "--disable-component-update",
                  "--disable-sync", "--disable-quic"]
VIEWPORTS = {"phone": {"width": 360, "height": 740}, "desktop": {"width": 1280, "height": 800}}
TYPING_DELAY_MS = 40  # a steady typist, 25 characters a second
GAP_SECONDS = 0.25  # a breath between two steps
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

    # -- clock and chapters ---------------------------------------------------------------------
    def now(self) -> float:
        return time.monotonic() - self.t0

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

    def step(self, selector: str | None, text: dict[str, str] | Callable[[str], dict[str, str]], *,
             during: Callable[[], None] | None = None, pointer: bool = True) -> Step:
        """Highlight ``selector``, say ``text`` (or ``text(quoted visible label)``) while
        ``during`` runs, and wait until both are done."""
        label = self.label_of(selector) if selector else ""
        if callable(text):
            text = text(quote(label))
        if selector and not self.fast:
            self.page.evaluate(_HIGHLIGHT_JS, [selector, pointer])
        step = Step(stage=self.chapter.stage, selector=selector, label=label, text=dict(text),
                    page=_path_pattern(self.page.url))
        self._collect_labels()
        step.start = self.now()
        seconds = 0.0
        if self.voice is not None and not self.fast:
            self._clip_counter += 1
            wav = self.workdir / f"line-{self._clip_counter:03d}.wav"
            from portal.recorder.script import speakable

            seconds = self.voice.speak(speakable(text[self.lang]) or ".", self.lang, wav)
            self.clips.append((step.start, wav))
        if during is not None:
            during()
        if not self.fast:
            remaining = step.start + seconds + GAP_SECONDS - self.now()
            if remaining > 0:
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


# -- the walk ---------------------------------------------------------------------------------------
@dataclass
class Walk:
    """What the walk needs to know of the category and the scratch portal."""

    portal: Any  # ScratchPortal
    category_slug: str
    name_id: str
    name_en: str
    time_limit_days: int
    spec: Any  # FormSpec of the published version
    answers: dict[str, Any]
    email: str
    application_id: int | None = None


def _register(f: Filming, w: Walk) -> None:
    f.begin("register")
    f.goto(f"{w.portal.url}/register")
    f.step("main h1", say("Pertama, buat akun. Siapkan KTP Anda.",
                          "First, create an account. Have your identity card (KTP) ready."),
           pointer=False)
    values = {"#full_name": samples.APPLICANT["full_name"], "#email": w.email,
              "#nik": samples.APPLICANT["nik"], "#phone": samples.APPLICANT["phone"]}
    for selector, value in values.items():
        f.step(selector, lambda q: fill_in(q, q), during=functools.partial(f.type_into, selector, value))
    f.step("#password", lambda q: fill_in(q, q, "Buat yang panjang dan mudah Anda ingat",
                                          "Make it long and easy for you to remember"),
           during=lambda: f.type_into("#password", samples.APPLICANT["password"]))
    f.step('main form button[type="submit"]', press)
    f.click('main form button[type="submit"]')
    f.step("main h1", say("Kami mengirim email. Buka email itu, lalu tekan tautannya.",
                          "We send you an email. Open it, then press its link."), pointer=False)
    f.goto(w.portal.mail_link(w.email, "/confirm-email/"))
    f.step('main form button[type="submit"]', press)
    f.click('main form button[type="submit"]')


def _login(f: Filming, w: Walk) -> None:
    f.begin("login")
    if "/login" not in f.page.url:
        f.goto(f"{w.portal.url}/login")

    def both() -> None:
        f.type_into("#email", w.email)
        f.type_into("#password", samples.APPLICANT["password"])

    q_email, q_password = quote(f.label_of("#email")), quote(f.label_of("#password"))
    f.step("main form", say(f"Untuk masuk, isi {q_email} dan {q_password}.",
                            f"To log in, fill in {q_email} and {q_password}."), during=both, pointer=False)
    f.step('main form button[type="submit"]', press)
    f.click('main form button[type="submit"]')


def _search_word(name: str) -> str:
    words = [w for w in re.findall(r"\w+", name) if len(w) > 3 and w.lower() not in
             {"surat", "izin", "keterangan", "permit", "letter", "licence", "license", "tanda", "daftar"}]
    return (words[-1] if words else name.split()[0]).lower()


def _choose_category(f: Filming, w: Walk) -> None:
    f.begin("choose_category")
    link = 'main a[href="/permits"]'
    f.step(link, lambda q: say(f"Di Beranda Saya, tekan {q}.", f"On your dashboard, press {q}."))
    f.click(link)
    name = w.name_en if f.lang == "en" else w.name_id
    word = _search_word(name)
    f.step("#q", lambda q: say(f"Ketik satu kata dari nama izin di kolom {q}, misalnya {word}.",
                               f"Type a word of the permit's name in {q}, for example {word}."),
           during=lambda: f.type_into("#q", word))
    search = 'form[role="search"] button[type="submit"]'
    f.step(search, press)
    f.click(search)
    result = f'main a[href="/permits/{w.category_slug}"]'
    if f.page.locator(result).count() == 0:
        f.goto(f"{w.portal.url}/permits")
    q_id, q_en = bilingual(w.name_id, w.name_en, f.lang)
    f.step(result, say(f"Pilih {q_id}.", f"Choose {q_en}."))
    f.click(result)


def _list(labels: list[str], lang: str, limit: int = 3) -> str:
    shown = [quote(x) for x in labels[:limit]]
    rest = len(labels) - len(shown)
    if rest > 0:
        shown.append(f"dan {rest} lainnya" if lang == "id" else f"and {rest} more")
    if len(shown) == 1:
        return shown[0]
    joiner = " dan " if lang == "id" else " and "
    return ", ".join(shown[:-1]) + joiner + shown[-1]


def _requirements(f: Filming, w: Walk) -> None:
    f.begin("requirements")
    f.step("#standard-title", say(
        f"Baca dulu standar pelayanannya. Izin ini selesai dalam {w.time_limit_days} hari kerja.",
        f"Read the service standard first. This permit takes {w.time_limit_days} working days."),
        pointer=False)
    required = [d for d in w.spec.documents if d.required]
    if required:
        lang_labels = [d.label_en or d.label_id for d in required] if f.lang == "en" else \
            [d.label_id for d in required]
        f.step("#docs-title", say(
            f"Siapkan dokumen wajib: {_list(lang_labels, 'id')}.",
            f"Prepare the required documents: {_list(lang_labels, 'en')}."))
    start = 'main form[action$="/apply"] button[type="submit"]'
    f.step(start, lambda q: say(f"Bila sudah siap, tekan {q}.", f"When you are ready, press {q}."))
    f.click(start)
    match = re.search(r"/applications/(\d+)", f.page.url)
    if not match:
        raise RecorderError(f"starting the application did not open its pages ({f.page.url})")
    w.application_id = int(match.group(1))
    cont = "main a.btn-primary"
    f.step(cont, lambda q: say(f"Baca ringkasannya, lalu tekan {q}.", f"Read the summary, then press {q}."))
    f.click(cont)


def _fill_field(f: Filming, field_spec, value, *, narrate: bool, intro: dict[str, str] | None = None) -> None:
    fid = f"#f-{field_spec.key}"
    kind = field_spec.type
    page = f.page

    def act() -> None:
        if kind == "select":
            page.select_option(fid, str(value))
        elif kind == "radio" or (kind == "checkbox" and field_spec.options):
            wanted = [str(v) for v in (value if isinstance(value, list) else [value])]
            for i, option in enumerate(field_spec.options, start=1):
                if str(option.get("value")) in wanted:
                    page.check(f"{fid}-{i}")
        elif kind == "checkbox":
            page.check(fid)
        elif kind == "date":
            page.locator(fid).fill(str(value))
        else:
            f.type_into(fid, samples.as_typed(value))

    if not narrate:
        act()
        return
    q_id, q_en = bilingual(field_spec.label_id, field_spec.label_en, f.lang)
    if kind in ("select", "radio") or (kind == "checkbox" and field_spec.options):
        text = say(f"Pilih {q_id}.", f"Choose {q_en}.")
    else:
        text = say(f"Isi {q_id}.", f"Fill in {q_en}.")
    help_id = field_spec.help_id or field_spec.help_en
    help_en = field_spec.help_en or field_spec.help_id
    if help_id:
        text["id"] += f" {shorten(help_id, 120).rstrip('.')}."
        text["en"] += f" {shorten(help_en, 120).rstrip('.')}."
    if intro:
        text = {lang: f"{intro[lang]} {text[lang]}" for lang in ("id", "en")}
    f.step(fid, text, during=act)


def _press_and_saved(q: str) -> dict[str, str]:
    return say(f"Tekan {q}. Draf Anda tersimpan.", f"Press {q}. Your draft is saved.")


def _fill_form(f: Filming, w: Walk) -> None:
    pages = w.spec.pages
    if not pages:
        return
    f.begin("fill_form")
    button = "main form button[name=action][value=continue]"
    for number, form_page in enumerate(pages, start=1):
        narrate = number <= MAX_NARRATED_PAGES
        q_id, q_en = bilingual(form_page.title_id, form_page.title_en, f.lang)
        intro = say(f"Halaman {number} dari {len(pages)}: {q_id}.", f"Page {number} of {len(pages)}: {q_en}.")
        if number == MAX_NARRATED_PAGES + 1:
            f.step("main h1", say(
                f"Isi halaman berikutnya dengan cara yang sama, sampai halaman {len(pages)}.",
                f"Fill in the next pages the same way, up to page {len(pages)}."), pointer=False)
        visible = [fs for fs in form_page.fields if w.spec.visible(fs, w.answers)]
        required = [fs for fs in visible if fs.required]
        if narrate and not required:
            f.step("main h1", intro, pointer=False)
        for index, field_spec in enumerate(required):
            _fill_field(f, field_spec, w.answers[field_spec.key],
                        narrate=narrate and index < MAX_NARRATED_FIELDS,
                        intro=intro if narrate and index == 0 else None)
        if narrate and len(required) > MAX_NARRATED_FIELDS:
            f.step(button, say("Isi juga kolom wajib lainnya.", "Fill in the other required boxes too."),
                   pointer=False)
        optional = [fs for fs in visible if not fs.required]
        if narrate and number == 1 and optional:
            f.step(f'label[for="f-{optional[0].key}"] span, #f-{optional[0].key} legend span',
                   lambda q: say(f"Kolom bertanda {q} boleh dikosongkan.",
                                 f"Boxes marked {q} may be left empty."))
        if narrate:
            f.step(button, _press_and_saved if number == 1 else press)
        f.click(button)
        errors = f.page.locator("#error-summary")
        if errors.count():
            raise RecorderError(f"the form page {form_page.key} refused the sample answers: "
                                + clean_label(errors.first.inner_text()))


def _upload_button(doc_key: str) -> str:
    """The slot's upload button (not its "Remove" buttons)."""
    return (f'section.document-slot[aria-labelledby="doc-{doc_key}-title"] '
            'form[enctype="multipart/form-data"] button[type="submit"]')


def _upload_documents(f: Filming, w: Walk) -> None:
    f.begin("upload_documents")
    if "/documents" not in f.page.url:
        raise RecorderError(f"expected the documents page, got {f.page.url}")
    required = [d for d in w.spec.documents if d.required]
    if not required:
        f.step("main h1", say("Permohonan ini tidak memerlukan dokumen wajib.",
                              "This application needs no required documents."), pointer=False)
    for index, doc in enumerate(required):
        narrate = index < MAX_NARRATED_DOCUMENTS
        name, data = samples.sample_file(doc.label_id, list(doc.allowed_types))
        path = f.workdir / name
        path.write_bytes(data)
        file_input = f"#file-{doc.key}"
        upload = _upload_button(doc.key)
        if narrate:
            q_id, q_en = bilingual(doc.label_id, doc.label_en, f.lang)
            q_choose = quote(f.label_of(f'label[for="file-{doc.key}"]'))
            q_upload = quote(f.label_of(upload))
            lead_id = "Setiap dokumen punya tempatnya sendiri. " if index == 0 else ""
            lead_en = "Each document has its own place. " if index == 0 else ""
            f.step(file_input, say(
                f"{lead_id}{q_id}: tekan {q_choose}, pilih foto atau PDF-nya, lalu tekan {q_upload}.",
                f"{lead_en}{q_en}: press {q_choose}, pick the photo or PDF, then press {q_upload}."),
                during=functools.partial(f.page.set_input_files, file_input, str(path)))
        else:
            f.page.set_input_files(file_input, str(path))
        f.click(upload)
        if f.page.locator(f'section.document-slot[aria-labelledby="doc-{doc.key}-title"] '
                          '.badge.text-bg-success').count() == 0:
            raise RecorderError(f"the sample file for {doc.key} was not accepted")
    if len(required) > MAX_NARRATED_DOCUMENTS:
        f.step("main h1", say("Unggah dokumen wajib lainnya dengan cara yang sama.",
                              "Upload the other required documents the same way."), pointer=False)
    optional = [d for d in w.spec.documents if not d.required]
    if optional:
        f.step(f'#doc-{optional[0].key}-title .badge', lambda q: say(
            f"Dokumen bertanda {q} boleh tidak diunggah.",
            f"Documents marked {q} may be left out."))
    cont = "main a.btn-primary"
    f.step(cont, press)
    f.click(cont)


def _review_submit(f: Filming, w: Walk) -> None:
    f.begin("review_submit")
    change = 'main h2 + a[href*="/form/"], main h2 + a[href$="/documents"]'
    f.step(change if f.page.locator(change).count() else "main h1", lambda q: say(
        f"Periksa lagi semua jawaban dan dokumen. Ada yang salah? Tekan {q}.",
        f"Check all your answers and documents again. Something wrong? Press {q}."))
    f.step("#declaration", lambda q: say(f"Centang pernyataan {q}.", f"Tick the statement {q}."),
           during=lambda: f.page.check("#declaration"))
    submit = 'main form button[type="submit"]'
    f.step(submit, press)
    f.click(submit)
    if "/confirmation" not in f.page.url:
        raise RecorderError(f"submitting did not confirm ({f.page.url})")
    f.step(".tracking-number", say("Catat Nomor Registrasi Anda. Nomor ini juga dikirim ke email Anda.",
                                   "Write down your tracking number. It is also sent to your email."))


def _track_status(f: Filming, w: Walk) -> None:
    f.begin("track_status")
    follow = f'main a[href$="/applications/{w.application_id}"]'
    f.step(follow, press)
    f.click(follow)
    f.step("main .badge", say("Di sini Anda melihat status permohonan.",
                              "Here you see the status of your application."))
    if f.page.locator("main ol.timeline").count():
        f.step("main ol.timeline", say("Riwayatnya tercatat di bawah, dengan tanggalnya.",
                                       "Its history is listed below, with the dates."), pointer=False)


def _flagged_field(w: Walk):
    """The answer the officer asks to fix: an address or longer text first (adding to it keeps
    it valid), else a plain text answer."""
    for types in (("textarea", "address"), ("text",)):
        for fs in w.spec.fields:
            if fs.required and fs.type in types and not fs.pattern and w.spec.visible(fs, w.answers):
                return fs
    return None


def _respond_correction(f: Filming, w: Walk) -> None:
    from portal.recorder import office

    field_spec = _flagged_field(w)
    assert w.application_id is not None
    office.ask_for_correction(w.portal, w.application_id, field_spec.key if field_spec else None,
                              w.spec.documents[0].key if w.spec.documents and field_spec is None else None)
    f.begin("respond_correction")
    f.goto(f"{w.portal.url}/applications/{w.application_id}")
    f.step("main .badge", say("Bila petugas meminta perbaikan, statusnya berubah dan ada pesan untuk Anda.",
                              "When the office asks for corrections, the status changes and there "
                              "is a message for you."))
    fix = 'main a[href$="/correction"]'
    f.step(fix, press)
    f.click(fix)
    f.step(".message-from-office", say("Baca pesan petugas. Perbaiki hanya yang diminta.",
                                       "Read the officer's message. Fix only what is asked."),
           pointer=False)
    if field_spec is not None:
        new_value = samples.as_typed(w.answers[field_spec.key]) + " RT 007"
        if field_spec.max_length:
            new_value = new_value[: field_spec.max_length]
        q_id, q_en = bilingual(field_spec.label_id, field_spec.label_en, f.lang)
        f.step(f"#f-{field_spec.key}", say(f"Ubah isi {q_id}.", f"Change {q_en}."),
               during=lambda: f.type_into(f"#f-{field_spec.key}", new_value))
    else:
        doc = w.spec.documents[0]
        name, data = samples.sample_file(doc.label_id, list(doc.allowed_types))
        path = f.workdir / ("baru-" + name)
        path.write_bytes(data)
        f.page.set_input_files(f"#file-{doc.key}", str(path))
        f.click(_upload_button(doc.key))
    resubmit = 'button[form="correction-form"][value="resubmit"]'
    f.step(resubmit, lambda q: say(f"Lalu tekan {q}.", f"Then press {q}."))
    f.click(resubmit)


def _download_permit(f: Filming, w: Walk) -> None:
    from portal.recorder import office

    assert w.application_id is not None
    office.approve(w.portal, w.application_id)
    f.begin("download_permit")
    f.goto(f"{w.portal.url}/applications/{w.application_id}")
    link = 'main a[href$="/permit.pdf"]'
    f.step("main .badge", say("Bila statusnya Disetujui, izin Anda sudah terbit.",
                              "When the status is Approved, your permit is issued."))

    def download() -> None:
        with f.page.expect_download(timeout=NAV_TIMEOUT_MS):
            f.page.locator(link).first.click()

    f.step(link, lambda q: say(f"Tekan {q} untuk menyimpan izin Anda sebagai PDF.",
                               f"Press {q} to save your permit as a PDF."), during=download)
    f.step(link, say("Siapa saja dapat mengecek keabsahan izin lewat kode QR di dalamnya.",
                     "Anyone can check the permit with the QR code on it."), pointer=False)
    f.clear()


STAGE_WALKS = [_register, _login, _choose_category, _requirements, _fill_form, _upload_documents,
               _review_submit, _track_status, _respond_correction, _download_permit]


def _ffmpeg_for_playwright() -> Path:
    """Playwright's video recording runs its own ffmpeg build from its browsers folder; point
    it at the system ffmpeg instead (the system Chromium is used too), in a scratch folder."""
    import json
    import shutil

    import playwright

    folder = Path(tempfile.mkdtemp(prefix="sp-recorder-pw-"))
    browsers = Path(playwright.__file__).parent / "driver" / "package" / "browsers.json"
    revision = "1011"
    try:
        data = json.loads(browsers.read_text())
        revision = next(b["revision"] for b in data["browsers"] if b["name"] == "ffmpeg")
    except (OSError, ValueError, StopIteration):
        pass
    target = folder / f"ffmpeg-{revision}"
    target.mkdir()
    ffmpeg = shutil.which("ffmpeg")
    if ffmpeg is None:
        raise RecorderError("ffmpeg is not installed (apt-get install ffmpeg)")
    (target / "ffmpeg-linux").symlink_to(ffmpeg)
    return folder


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
    if not os.path.exists(path):
        import shutil

        found = shutil.which("chromium")
        if not found:
            raise RecorderError("Chromium is not installed (apt-get install chromium)")
        path = found
    return path


@dataclass
class Film:
    chapters: list[Chapter]
    clips: list[tuple[float, Path]]
    video: Path | None
    seen_labels: dict[str, set[str]]
    duration: float


def film(walk: Walk, *, lang: str, viewport: str, voice: Voice | None, workdir: Path,
         fast: bool = False) -> Film:
    """Walk every stage in Chromium; with ``fast`` off, record the screen to ``workdir``.

    Playwright runs in a thread of its own: its sync API cannot start inside a thread that
    already runs an event loop (a caller's own Playwright, an async worker)."""
    import threading

    outcome: dict[str, Any] = {}

    def _run() -> None:
        try:
            outcome["film"] = _film(walk, lang=lang, viewport=viewport, voice=voice, workdir=workdir,
                                    fast=fast)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            outcome["error"] = exc

    thread = threading.Thread(target=_run, name="recorder-browser", daemon=True)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["film"]


def _film(walk: Walk, *, lang: str, viewport: str, voice: Voice | None, workdir: Path,
          fast: bool = False) -> Film:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    size = VIEWPORTS[viewport]
    pw_folder = None
    previous = os.environ.get("PLAYWRIGHT_BROWSERS_PATH")
    if not fast:
        pw_folder = _ffmpeg_for_playwright()
        os.environ["PLAYWRIGHT_BROWSERS_PATH"] = str(pw_folder)
    try:
        with sync_playwright() as manager:
            browser = manager.chromium.launch(executable_path=chromium_path(), headless=True,
                                              args=CHROMIUM_FLAGS)
            try:
                options: dict[str, Any] = {
                    "viewport": size, "locale": "en-US" if lang == "en" else "id-ID",
                    "device_scale_factor": 1, "reduced_motion": "reduce", "accept_downloads": True,
                    "has_touch": viewport == "phone", "is_mobile": viewport == "phone",
                }
                if not fast:
                    options.update(record_video_dir=str(workdir / "raw"), record_video_size=size)
                context = browser.new_context(**options)
                context.set_default_timeout(15_000)
                page = context.new_page()
                filming = Filming(page=page, lang=lang, voice=voice, workdir=workdir, fast=fast)
                try:
                    for walk_stage in STAGE_WALKS:
                        walk_stage(filming, walk)
                    time.sleep(0 if fast else 0.6)
                    duration = filming.now()
                finally:
                    context.close()
                video = Path(page.video.path()) if (page.video and not fast) else None
            finally:
                browser.close()
    except PlaywrightError as exc:
        raise RecorderError(f"the browser failed: {str(exc).splitlines()[0]}") from exc
    finally:
        if pw_folder is not None:
            import shutil

            shutil.rmtree(pw_folder, ignore_errors=True)
            if previous is None:
                os.environ.pop("PLAYWRIGHT_BROWSERS_PATH", None)
            else:
                os.environ["PLAYWRIGHT_BROWSERS_PATH"] = previous
    return Film(chapters=filming.chapters, clips=filming.clips, video=video,
                seen_labels=filming.seen_labels, duration=duration)
