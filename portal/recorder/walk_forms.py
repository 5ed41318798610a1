"""The walk's form stages: filling in every form page (narrating the first ones) and uploading
the required documents; ``portal.recorder.walk`` puts them in order."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from portal.recorder import samples
from portal.recorder.filming import (
    MAX_NARRATED_DOCUMENTS,
    MAX_NARRATED_FIELDS,
    MAX_NARRATED_PAGES,
    Filming,
    RecorderError,
)
from portal.recorder.script import clean_label, document_text, field_text, page_intro, press, quote, say

if TYPE_CHECKING:
    from portal.recorder.walk import Walk


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
    text = field_text(field_spec, f.lang, intro)
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
        intro = page_intro(number, len(pages), form_page, f.lang)
        if number == MAX_NARRATED_PAGES + 1:
            f.step(
                "main h1",
                say(
                    f"Isi halaman berikutnya dengan cara yang sama, sampai halaman {len(pages)}.",
                    f"Fill in the next pages the same way, up to page {len(pages)}.",
                ),
                pointer=False,
            )
        visible = [fs for fs in form_page.fields if w.spec.visible(fs, w.answers)]
        required = [fs for fs in visible if fs.required]
        if narrate and not required:
            f.step("main h1", intro, pointer=False)
        for index, field_spec in enumerate(required):
            _fill_field(
                f,
                field_spec,
                w.answers[field_spec.key],
                narrate=narrate and index < MAX_NARRATED_FIELDS,
                intro=intro if narrate and index == 0 else None,
            )
        if narrate and len(required) > MAX_NARRATED_FIELDS:
            f.step(
                button,
                say("Isi juga kolom wajib lainnya.", "Fill in the other required boxes too."),
                pointer=False,
            )
        optional = [fs for fs in visible if not fs.required]
        if narrate and number == 1 and optional:
            f.step(
                f'label[for="f-{optional[0].key}"] span, #f-{optional[0].key} legend span',
                lambda q: say(
                    f"Kolom bertanda {q} boleh dikosongkan.", f"Boxes marked {q} may be left empty."
                ),
            )
        if narrate:
            f.step(button, _press_and_saved if number == 1 else press)
        f.click(button)
        errors = f.page.locator("#error-summary")
        if errors.count():
            raise RecorderError(
                f"the form page {form_page.key} refused the sample answers: "
                + clean_label(errors.first.inner_text())
            )


def _upload_button(doc_key: str) -> str:
    """The slot's upload button (not its "Remove" buttons)."""
    return (
        f'section.document-slot[aria-labelledby="doc-{doc_key}-title"] '
        'form[enctype="multipart/form-data"] button[type="submit"]'
    )


def _upload_documents(f: Filming, w: Walk) -> None:
    f.begin("upload_documents")
    if "/documents" not in f.page.url:
        raise RecorderError(f"expected the documents page, got {f.page.url}")
    required = [d for d in w.spec.documents if d.required]
    if not required:
        f.step(
            "main h1",
            say(
                "Permohonan ini tidak memerlukan dokumen wajib.",
                "This application needs no required documents.",
            ),
            pointer=False,
        )
    for index, doc in enumerate(required):
        narrate = index < MAX_NARRATED_DOCUMENTS
        name, data = samples.sample_file(doc.label_id, list(doc.allowed_types))
        path = f.workdir / name
        path.write_bytes(data)
        file_input = f"#file-{doc.key}"
        slot = f'section.document-slot[aria-labelledby="doc-{doc.key}-title"]'
        if narrate:
            q_choose = quote(f.label_of(f'label[for="file-{doc.key}"]'))
            f.step(
                file_input,
                document_text(doc, q_choose, f.lang, first=index == 0),
                during=functools.partial(f.page.set_input_files, file_input, str(path)),
            )
        else:
            f.page.set_input_files(file_input, str(path))
        # The documents page sends a chosen file by itself (documents.js) and redraws the card.
        try:
            f.page.locator(f"{slot} .badge.text-bg-success").first.wait_for(timeout=60_000)
        except Exception as exc:  # noqa: BLE001 - Playwright's timeout, said plainly
            raise RecorderError(f"the sample file for {doc.key} was not accepted") from exc
    if len(required) > MAX_NARRATED_DOCUMENTS:
        f.step(
            "main h1",
            say(
                "Unggah dokumen wajib lainnya dengan cara yang sama.",
                "Upload the other required documents the same way.",
            ),
            pointer=False,
        )
    optional = [d for d in w.spec.documents if not d.required]
    if optional:
        f.step(
            f"#doc-{optional[0].key}-title .badge",
            lambda q: say(
                f"Dokumen bertanda {q} boleh tidak diunggah.", f"Documents marked {q} may be left out."
            ),
        )
    cont = 'button[name="action"][value="continue"]'
    f.step(cont, press)
    f.click(cont)
