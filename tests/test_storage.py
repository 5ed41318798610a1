"""The storage backend (local disk: the shared contract plus what only a disk does),
get_storage(), downloads, and request-size limits."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from flask import jsonify, request

from portal import create_app
from portal.extensions import csrf
from portal.request_limits import accepts_uploads
from portal.security import public
from portal.storage import (
    FileKind,
    LocalStorage,
    StorageError,
    UploadRejected,
    check_upload,
    get_storage,
)
from portal.storage.serving import content_disposition, safe_download_response
from tests.fixtures_files import make_big_pdf, make_pdf
from tests.storage_contract import StorageContract, Trickle


def files_under(root: Path) -> set[str]:
    """Every file below ``root`` (temporary ones included), as relative paths."""
    root = Path(root)
    return {
        str(Path(dirpath, name).relative_to(root))
        for dirpath, _dirs, names in os.walk(root)
        for name in names
    }


@pytest.fixture
def storage(tmp_path) -> LocalStorage:
    return LocalStorage(tmp_path / "store")


class TestLocalStorage(StorageContract):
    """The shared storage contract (tests/storage_contract.py) on local disk."""

    @pytest.fixture
    def leftovers(self, storage):
        return lambda: files_under(storage.root)


# -- local disk only -----------------------------------------------------------------------------
def test_saved_file_is_on_disk_under_its_key_and_nothing_else_is(storage):
    data = os.urandom(1000)
    stored = storage.save(io.BytesIO(data), key_prefix="documents/")
    assert storage.local_path(stored.key).read_bytes() == data
    assert files_under(storage.root) == {stored.key}


def test_stored_files_are_not_world_readable(storage):
    stored = storage.save(io.BytesIO(b"ktp scan"))
    assert storage.local_path(stored.key).stat().st_mode & 0o007 == 0


def test_delete_removes_emptied_shard_folders_but_not_the_prefix_folder(storage):
    stored = storage.save(io.BytesIO(b"hello world"), key_prefix="tutorials/")
    storage.delete(stored.key)
    assert files_under(storage.root) == set()
    assert not (storage.root / stored.key).parent.exists()
    assert (storage.root / "tutorials").is_dir()


def test_symlink_out_of_the_root_is_refused(storage, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("db password")
    (storage.root / "documents").mkdir()
    (storage.root / "documents" / "link").symlink_to(secret)
    with pytest.raises(StorageError):
        storage.open("documents/link")
    with pytest.raises(StorageError):
        storage.delete("documents/link")
    assert secret.exists()


def test_local_path_is_the_real_file_under_the_root(storage):
    stored = storage.save(io.BytesIO(b"video"), key_prefix="tutorials/")
    path = storage.local_path(stored.key)
    assert path.is_absolute()
    assert path.is_relative_to(storage.root)
    assert path.read_bytes() == b"video"


# -- get_storage ---------------------------------------------------------------------------------
def test_get_storage_is_local_under_upload_root_and_cached(app):
    storage = get_storage()
    assert isinstance(storage, LocalStorage)
    assert storage.root == Path(app.config["UPLOAD_ROOT"]).resolve()
    assert get_storage() is storage
    assert app.extensions["storage"] is storage


def test_get_storage_refuses_an_unknown_backend(tmp_path):
    other = create_app("test", UPLOAD_ROOT=tmp_path, STORAGE_BACKEND="floppy")
    with other.app_context(), pytest.raises(StorageError):
        get_storage()


# -- downloads, and the request limits, on a small app of their own ------------------------------
@pytest.fixture(scope="module")
def mini_app(tmp_path_factory):
    """An app with two routes that use the storage layer as feature code will: an upload form
    target and a download. (The shared app can gain no routes once it has served requests.)"""
    tmp = tmp_path_factory.mktemp("storage-app")
    mini = create_app(
        "test",
        UPLOAD_ROOT=tmp / "uploads",
        MAIL_DIR=tmp / "mail",
        INSTANCE_DIR=tmp,
        SQLALCHEMY_DATABASE_URI="sqlite://",
    )

    @mini.post("/t/upload")
    @csrf.exempt
    @public
    @accepts_uploads  # an upload view: its body may reach MAX_CONTENT_LENGTH (request_limits)
    def t_upload():
        upload = request.files["file"]
        on_disk = _is_real_file(upload.stream)
        try:
            checked = check_upload(upload, {FileKind.PDF, FileKind.PNG, FileKind.JPEG}, 5 * 1024 * 1024)
        except UploadRejected as exc:
            return jsonify(code=exc.code, message=exc.message()), 422
        return jsonify(key=checked.stored.key, name=checked.original_name, spooled_to_disk=on_disk)

    @mini.get("/t/file/<path:key>")
    @public
    def t_file(key):
        return safe_download_response(key, request.args.get("name", "dokumen.pdf"), "application/pdf")

    return mini


def _is_real_file(stream) -> bool:
    inner = getattr(stream, "_file", stream)  # SpooledTemporaryFile keeps its file in ._file
    return not isinstance(inner, io.BytesIO) and hasattr(inner, "fileno")


def _save_pdf(mini_app, data: bytes | None = None) -> str:
    with mini_app.app_context():
        return get_storage().save(io.BytesIO(data or make_pdf()), key_prefix="documents/").key


def test_download_is_an_attachment_with_nosniff_and_no_store(mini_app):
    data = make_pdf()
    key = _save_pdf(mini_app, data)
    response = mini_app.test_client().get(f"/t/file/{key}?name=Izin usaha.pdf")
    assert response.status_code == 200
    assert response.data == data
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"]
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"Izin usaha.pdf\"; filename*=UTF-8''Izin%20usaha.pdf"
    )


def test_download_name_is_cleaned_and_encoded_rfc5987(mini_app):
    key = _save_pdf(mini_app)
    name = '../../etc/\u202eSurat izin \u201cbaru\u201d"; x=.pdf'
    response = mini_app.test_client().get(f"/t/file/{key}", query_string={"name": name})
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    assert "\u202e" not in disposition
    assert "/" not in disposition.split("filename*=")[0]
    # The straight quote is one of the characters Windows refuses in a name: it becomes "_".
    assert "filename*=UTF-8''Surat%20izin%20%E2%80%9Cbaru%E2%80%9D_%3B%20x%3D.pdf" in disposition
    assert disposition.count('"') == 2  # the quoted ASCII name holds no quote of its own


def test_content_disposition_for_a_non_latin_name():
    header = content_disposition("Surat Keterangan Domisili \u4e2d\u6587.pdf")
    assert header.startswith('attachment; filename="Surat Keterangan Domisili')
    assert "filename*=UTF-8''Surat%20Keterangan%20Domisili%20%E4%B8%AD%E6%96%87.pdf" in header
    header.encode("latin-1")  # a valid header value


def test_download_answers_range_requests(mini_app):
    data = make_pdf(pages=3)
    key = _save_pdf(mini_app, data)
    response = mini_app.test_client().get(f"/t/file/{key}", headers={"Range": "bytes=0-9"})
    assert response.status_code == 206
    assert response.data == data[:10]


@pytest.mark.parametrize("key", ["documents/ab/cd/nothing", "..%2f..%2fetc%2fpasswd", "a%00b"])
def test_download_of_missing_or_malformed_key_is_404(mini_app, key):
    assert mini_app.test_client().get(f"/t/file/{key}").status_code == 404


def test_download_through_x_accel_redirect(mini_app):
    key = _save_pdf(mini_app)
    mini_app.config["X_ACCEL_REDIRECT_PREFIX"] = "/_protected_uploads/"
    try:
        response = mini_app.test_client().get(f"/t/file/{key}?name=a.pdf")
    finally:
        mini_app.config["X_ACCEL_REDIRECT_PREFIX"] = None
    assert response.status_code == 200
    assert response.data == b""
    assert response.headers["X-Accel-Redirect"] == f"/_protected_uploads/{key}"
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_request_limits_are_configured(app):
    assert 0 < app.config["MAX_CONTENT_LENGTH"] <= 100 * 1024 * 1024
    assert 0 < app.config["MAX_FORM_MEMORY_SIZE"] <= 4 * 1024 * 1024
    assert 0 < app.config["MAX_FORM_PARTS"] <= 1000


def test_a_huge_plain_form_field_is_413(mini_app):
    """Non-file fields are held in memory, so they have their own, small limit."""
    big = "x" * (mini_app.config["MAX_FORM_MEMORY_SIZE"] + 1)
    response = mini_app.test_client().post(
        "/t/upload", data={"note": big, "file": (io.BytesIO(b""), "a")}, content_type="multipart/form-data"
    )
    assert response.status_code == 413


def test_too_many_form_parts_is_413(mini_app):
    data = {f"f{n}": "1" for n in range(mini_app.config["MAX_FORM_PARTS"] + 1)}
    data["file"] = (io.BytesIO(b"%PDF-"), "a.pdf")
    response = mini_app.test_client().post("/t/upload", data=data, content_type="multipart/form-data")
    assert response.status_code == 413


def _multipart_body(file_size: int, boundary: str = "XyZbOuNdArY") -> tuple[bytes, bytes, int]:
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.pdf"\r\n'
        f"Content-Type: application/pdf\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    return head, tail, len(head) + file_size + len(tail)


class MultipartStream(io.RawIOBase):
    """A multipart body with one file part of ``file_size`` bytes, generated while read."""

    def __init__(self, file_size: int, boundary: str = "XyZbOuNdArY"):
        head, tail, _ = _multipart_body(file_size, boundary)
        self.parts = [io.BytesIO(head), Trickle(file_size, step=1 << 20, byte=b"%"), io.BytesIO(tail)]

    def readable(self):
        return True

    def readinto(self, buffer):
        while self.parts:
            n = self.parts[0].readinto(buffer)
            if n:
                return n
            self.parts.pop(0)
        return 0


def test_upload_one_byte_over_max_content_length_is_413_and_stores_nothing(mini_app):
    root = Path(mini_app.config["UPLOAD_ROOT"])
    before = files_under(root)
    limit = mini_app.config["MAX_CONTENT_LENGTH"]
    head, tail, _ = _multipart_body(0)
    file_size = limit + 1 - len(head) - len(tail)
    _, _, total = _multipart_body(file_size)
    assert total == limit + 1
    response = mini_app.test_client().post(
        "/t/upload?lang=en",
        content_type="multipart/form-data; boundary=XyZbOuNdArY",
        environ_overrides={"wsgi.input": MultipartStream(file_size), "CONTENT_LENGTH": str(total)},
    )
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)
    assert files_under(root) == before


def test_upload_without_content_length_is_cut_off_at_the_limit_and_stores_nothing(mini_app):
    root = Path(mini_app.config["UPLOAD_ROOT"])
    before = files_under(root)
    limit = mini_app.config["MAX_CONTENT_LENGTH"]
    stream = MultipartStream(limit + 1)
    response = mini_app.test_client().post(
        "/t/upload",
        content_type="multipart/form-data; boundary=XyZbOuNdArY",
        environ_overrides={"wsgi.input": stream, "wsgi.input_terminated": True},
    )
    assert stream.parts, "the body was read to its end instead of being cut off"
    assert response.status_code == 413
    assert files_under(root) == before


def test_large_upload_is_spooled_to_disk_not_memory_and_stored(mini_app):
    padded = b"".join(make_big_pdf(2 * 1024 * 1024))
    response = mini_app.test_client().post(
        "/t/upload", data={"file": (io.BytesIO(padded), "scan.pdf", "application/pdf")}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["spooled_to_disk"] is True
    with mini_app.app_context():
        assert get_storage().size(body["key"]) == len(padded)


def test_upload_over_the_slot_limit_is_refused_with_the_sizes_in_the_message(mini_app):
    root = Path(mini_app.config["UPLOAD_ROOT"])
    before = files_under(root)
    big = b"%PDF-1.4\n" + b"0" * (6 * 1024 * 1024)
    response = mini_app.test_client().post(
        "/t/upload?lang=en", data={"file": (io.BytesIO(big), "scan.pdf", "application/pdf")}
    )
    assert response.status_code == 422
    body = response.get_json()
    assert body["code"] == "too_large"
    assert body["message"] == (
        "The file is 6 MB; the limit is 5 MB. Scan at a lower resolution or split the PDF."
    )
    assert files_under(root) == before


def test_a_full_disk_is_a_clear_refusal_and_leaves_nothing(tmp_path, monkeypatch):
    """ENOSPC while writing: the person is told the file was not kept; no temporary file."""
    import errno as errno_module
    import io

    from portal.storage import UploadRejected
    from portal.storage.local import LocalStorage

    storage = LocalStorage(tmp_path)

    class FullDisk(io.RawIOBase):
        def readable(self):
            return True

        def readinto(self, buffer):
            raise OSError(errno_module.ENOSPC, "No space left on device")

    with pytest.raises(UploadRejected) as caught:
        storage.save(FullDisk(), key_prefix="documents/")
    assert caught.value.code == "storage_full"
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
