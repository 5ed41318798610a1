"""Make the demo video tutorials, offline: slides drawn with Pillow, Indonesian narration from
espeak-ng, encoded with ffmpeg.

Usage:  .venv/bin/python scripts/make_demo_tutorials.py [--out portal/data/tutorials]

Produces, for each tutorial in TUTORIALS below, in the output folder:
  <slug>.mp4            640x360 H.264 baseline + AAC, slides with on-screen text and narration
  <slug>-240p.mp4       the small rendition for slow connections
  <slug>-audio.m4a      audio only
  <slug>-poster.jpg     the cover slide
  <slug>.id.vtt, <slug>.en.vtt   captions (the narration, and its English translation)
  <slug>.chapters.vtt   one chapter per stage (cue id = chapter id)
and manifest.json describing them (titles, chapters, transcripts, stage mapping) for the seed.

The timing comes from the text, not from the speech synthesiser: each sentence gets a slot whose
length depends only on its characters; the narration is padded (or gently sped up) to fit. So
every run gives the same chapters and captions, whatever espeak-ng version is installed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.tutorials.vtt import Cue, serialize  # noqa: E402

WIDTH, HEIGHT = 640, 360
FPS = 10
SAMPLE_RATE = 22050
SECONDS_PER_CHAR = 0.072
SLOT_PADDING = 0.8

# One chapter: (chapter id, stage key or None, title id, title en, [(sentence id, sentence en)]).
GUIDE_CHAPTERS = [
    (
        "intro",
        None,
        "Pembuka",
        "Introduction",
        [
            (
                "Panduan Permohonan Izin Online di SatuPintu.",
                "A guide to applying for a permit online with SatuPintu.",
            ),
            ("Ikuti setiap bagian sesuai langkah Anda.", "Follow each chapter for the step you are at."),
        ],
    ),
    (
        "register",
        "register",
        "Daftar akun",
        "Create an account",
        [
            ("Buka halaman Daftar di SatuPintu.", "Open the Register page on SatuPintu."),
            (
                "Isi nama, email, NIK enam belas angka, nomor HP, dan kata sandi.",
                "Fill in your name, email, sixteen-digit NIK, phone number and password.",
            ),
            (
                "Buka email Anda, lalu klik tautan verifikasi.",
                "Open your email, then click the verification link.",
            ),
        ],
    ),
    (
        "login",
        "login",
        "Masuk",
        "Log in",
        [
            ("Klik Masuk di bagian atas halaman.", "Click Log in at the top of the page."),
            ("Ketik email dan kata sandi Anda.", "Type your email and password."),
            (
                "Lupa kata sandi? Klik Lupa kata sandi untuk membuat yang baru.",
                "Forgot your password? Click Forgot password to make a new one.",
            ),
        ],
    ),
    (
        "choose_category",
        "choose_category",
        "Pilih jenis izin",
        "Choose the permit type",
        [
            ("Buka daftar Jenis Izin.", "Open the list of permit types."),
            (
                "Cari dengan kata kunci, misalnya bangunan atau reklame.",
                "Search with a keyword, for example building or advertisement.",
            ),
            ("Pilih jenis izin yang sesuai kebutuhan Anda.", "Choose the permit type that fits your need."),
        ],
    ),
    (
        "requirements",
        "requirements",
        "Baca persyaratan",
        "Read the requirements",
        [
            ("Baca Persyaratan sebelum mulai.", "Read the requirements before you start."),
            (
                "Lihat dokumen wajib, jangka waktu, dan biaya.",
                "See the required documents, the processing time and the fee.",
            ),
            (
                "Siapkan hasil pindai dokumen dalam bentuk PDF atau foto.",
                "Prepare scans of the documents as PDF files or photos.",
            ),
        ],
    ),
    (
        "fill_form",
        "fill_form",
        "Isi formulir",
        "Fill in the form",
        [
            ("Klik Ajukan Permohonan untuk membuka formulir.", "Click Apply to open the form."),
            (
                "Isi setiap halaman. Kolom bertanda bintang wajib diisi.",
                "Fill in each page. Fields marked with a star are required.",
            ),
            (
                "Draf tersimpan setiap kali Anda pindah halaman.",
                "The draft is saved each time you move to another page.",
            ),
        ],
    ),
    (
        "upload_documents",
        "upload_documents",
        "Unggah dokumen",
        "Upload the documents",
        [
            ("Setiap dokumen punya tempat unggah sendiri.", "Each document has its own upload slot."),
            (
                "Pilih berkas PDF, JPG, atau PNG sesuai batas ukuran.",
                "Choose a PDF, JPG or PNG file within the size limit.",
            ),
            ("Lihat contoh dokumen bila ragu.", "Look at the sample document if you are unsure."),
        ],
    ),
    (
        "review_submit",
        "review_submit",
        "Periksa dan ajukan",
        "Check and submit",
        [
            ("Periksa kembali semua jawaban dan dokumen.", "Check all your answers and documents again."),
            ("Centang pernyataan bahwa data Anda benar.", "Tick the statement that your data is true."),
            (
                "Klik Ajukan, lalu catat Nomor Registrasi Anda.",
                "Click Submit, then write down your tracking number.",
            ),
        ],
    ),
    (
        "track_status",
        "track_status",
        "Pantau status",
        "Track the status",
        [
            ("Buka Permohonan Saya di Beranda Saya.", "Open My applications on My dashboard."),
            (
                "Lihat status dan riwayat permohonan Anda.",
                "See the status and the history of your application.",
            ),
            ("Baca pesan dari petugas bila ada.", "Read the messages from the office, if any."),
        ],
    ),
    (
        "respond_correction",
        "respond_correction",
        "Perbaiki permohonan",
        "Make corrections",
        [
            (
                "Status Perlu Perbaikan berarti ada yang harus diperbaiki.",
                "The status Correction needed means something must be fixed.",
            ),
            ("Perbaiki hanya bagian yang ditandai petugas.", "Fix only the parts the officer marked."),
            ("Klik Ajukan Ulang untuk mengirim kembali.", "Click Resubmit to send it again."),
        ],
    ),
    (
        "download_permit",
        "download_permit",
        "Unduh izin",
        "Download the permit",
        [
            (
                "Bila status Disetujui, izin Anda sudah terbit.",
                "When the status is Approved, your permit has been issued.",
            ),
            (
                "Klik Unduh untuk menyimpan Dokumen Izin dalam bentuk PDF.",
                "Click Download to save the permit document as a PDF.",
            ),
            (
                "Siapa saja dapat mengecek keabsahan izin lewat kode QR.",
                "Anyone can verify the permit with its QR code.",
            ),
        ],
    ),
]

PBG_CHAPTERS = [
    (
        "prepare_drawings",
        "upload_documents",
        "Siapkan gambar bangunan",
        "Prepare the building drawings",
        [
            (
                "Untuk PBG, siapkan gambar arsitektur, struktur, dan utilitas.",
                "For PBG, prepare the architectural, structural and utility drawings.",
            ),
            (
                "Simpan setiap gambar sebagai PDF dengan skala yang terbaca.",
                "Save each drawing as a PDF at a readable scale.",
            ),
        ],
    ),
    (
        "upload_drawings",
        None,
        "Unggah gambar",
        "Upload the drawings",
        [
            ("Unggah setiap gambar di tempatnya masing-masing.", "Upload each drawing in its own slot."),
            (
                "Gabungkan halaman gambar yang sama menjadi satu PDF.",
                "Combine the pages of the same drawing into one PDF.",
            ),
        ],
    ),
]

TUTORIALS = [
    {
        "slug": "panduan-permohonan",
        "title_id": "Panduan Permohonan Izin Online",
        "title_en": "How to apply for a permit online",
        "description_id": "Langkah demi langkah: dari daftar akun sampai mengunduh izin.",
        "description_en": "Step by step: from creating an account to downloading the permit.",
        "category_slug": None,
        "chapters": GUIDE_CHAPTERS,
    },
    {
        "slug": "pbg-gambar-bangunan",
        "title_id": "PBG: Mengunggah Gambar Bangunan",
        "title_en": "PBG: Uploading the building drawings",
        "description_id": "Cara menyiapkan dan mengunggah gambar bangunan untuk Persetujuan Bangunan Gedung.",
        "description_en": "How to prepare and upload the building drawings for a Building Approval (PBG).",
        "category_slug": "pbg",
        "chapters": PBG_CHAPTERS,
    },
]

NAVY = (16, 42, 84)
WHITE = (255, 255, 255)
INK = (20, 24, 31)
PAPER = (246, 248, 251)
HIGHLIGHT = (255, 214, 10)
MUTED = (96, 104, 117)


def _font(size: int, bold: bool = False):
    names = [
        "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf",
        "LiberationSans-Bold.ttf" if bold else "LiberationSans-Regular.ttf",
    ]
    for folder in (
        "/usr/share/fonts/truetype/dejavu",
        "/usr/share/fonts/truetype/liberation",
        "/usr/share/fonts/TTF",
        "/Library/Fonts",
    ):
        for name in names:
            path = Path(folder) / name
            if path.exists():
                return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if draw.textlength(trial, font=font) <= width:
            line = trial
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def cover_slide(title: str, subtitle: str) -> Image.Image:
    img = Image.new("RGB", (WIDTH, HEIGHT), NAVY)
    draw = ImageDraw.Draw(img)
    draw.text((32, 28), "SatuPintu · Video Panduan", font=_font(18, True), fill=HIGHLIGHT)
    y = 110
    for line in _wrap(draw, title, _font(34, True), WIDTH - 64):
        draw.text((32, y), line, font=_font(34, True), fill=WHITE)
        y += 44
    for line in _wrap(draw, subtitle, _font(18), WIDTH - 64):
        draw.text((32, y + 12), line, font=_font(18), fill=(210, 220, 235))
        y += 26
    draw.text((32, HEIGHT - 40), "DPMPTSP · Mal Pelayanan Publik", font=_font(14), fill=(190, 200, 215))
    return img


def step_slide(title: str, part: str, steps: list[str], current: int) -> Image.Image:
    img = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, WIDTH, 64), fill=NAVY)
    draw.text((24, 10), part, font=_font(14), fill=HIGHLIGHT)
    draw.text((24, 30), title, font=_font(24, True), fill=WHITE)
    y = 84
    body = _font(19)
    for n, step in enumerate(steps):
        lines = _wrap(draw, step, body, WIDTH - 100)
        height = 26 * len(lines) + 14
        if n == current:
            draw.rounded_rectangle((16, y - 6, WIDTH - 16, y + height - 10), radius=8, fill=HIGHLIGHT)
        draw.ellipse((24, y, 52, y + 28), fill=NAVY)
        draw.text((38, y + 14), str(n + 1), font=_font(16, True), fill=WHITE, anchor="mm")
        for k, line in enumerate(lines):
            draw.text((66, y + 2 + 26 * k), line, font=body, fill=INK if n == current else MUTED)
        y += height + 6
    return img


def slot_length(text: str) -> float:
    """The time a sentence gets on screen: from its length only (so runs agree)."""
    return round(SLOT_PADDING + SECONDS_PER_CHAR * len(text), 1)


def speak(text: str, slot: float, workdir: Path, name: str) -> bytes:
    """Narrate ``text`` with espeak-ng (Indonesian) and return exactly ``slot`` seconds of
    16-bit mono PCM at SAMPLE_RATE: padded with silence, or sped up a little to fit."""
    raw = workdir / f"{name}.raw.wav"
    fitted = workdir / f"{name}.wav"
    subprocess.run(["espeak-ng", "-v", "id", "-s", "150", "-w", str(raw), text], check=True)
    with wave.open(str(raw)) as wav:
        spoken = wav.getnframes() / wav.getframerate()
    room = max(slot - 0.35, 0.5)
    tempo = min(max(spoken / room, 1.0), 2.0)
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-i",
            str(raw),
            "-af",
            f"atempo={tempo:.4f}",
            "-ac",
            "1",
            "-ar",
            str(SAMPLE_RATE),
            "-c:a",
            "pcm_s16le",
            str(fitted),
        ],
        check=True,
    )
    with wave.open(str(fitted)) as wav:
        frames = wav.readframes(wav.getnframes())
    want = int(round(slot * SAMPLE_RATE)) * 2
    lead = int(0.15 * SAMPLE_RATE) * 2
    pcm = (b"\x00" * lead + frames)[:want]
    return pcm + b"\x00" * (want - len(pcm))


def build(tutorial: dict, out: Path, workdir: Path) -> dict:
    slug = tutorial["slug"]
    chapters = tutorial["chapters"]
    slides: list[tuple[Path, float]] = []
    pcm = bytearray()
    cues_id: list[Cue] = []
    cues_en: list[Cue] = []
    chapter_cues: list[Cue] = []
    chapter_meta = []
    t = 0.0
    n_slide = 0
    numbered = [c for c in chapters if c[0] != "intro"]
    for chapter_id, stage, title_id, title_en, sentences in chapters:
        start = t
        steps = [s for s, _ in sentences]
        if chapter_id == "intro":
            part = ""
        else:
            part = (
                f"Bagian {numbered.index(next(c for c in numbered if c[0] == chapter_id)) + 1} "
                f"dari {len(numbered)}"
            )
        for k, (sentence_id, sentence_en) in enumerate(sentences):
            slot = slot_length(sentence_id)
            n_slide += 1
            if chapter_id == "intro" or (k == 0 and len(chapters) == 1):
                img = cover_slide(tutorial["title_id"], tutorial["description_id"])
            else:
                img = step_slide(title_id, part or tutorial["title_id"], steps, k)
            png = workdir / f"{slug}-{n_slide:03d}.png"
            img.save(png)
            slides.append((png, slot))
            pcm += speak(sentence_id, slot, workdir, f"{slug}-{n_slide:03d}")
            cues_id.append(Cue(start=round(t, 3), end=round(t + slot, 3), text=sentence_id))
            cues_en.append(Cue(start=round(t, 3), end=round(t + slot, 3), text=sentence_en))
            t = round(t + slot, 3)
        chapter_cues.append(Cue(start=start, end=t, text=title_id, id=chapter_id))
        chapter_meta.append(
            {
                "id": chapter_id,
                "stage": stage,
                "start": start,
                "end": t,
                "title": {"id": title_id, "en": title_en},
                "transcript": {
                    "id": " ".join(s for s, _ in sentences),
                    "en": " ".join(e for _, e in sentences),
                },
            }
        )
    duration = t

    wav_path = workdir / f"{slug}.wav"
    with wave.open(str(wav_path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(bytes(pcm))
    concat = workdir / f"{slug}.txt"
    lines = []
    for png, slot in slides:
        lines += [f"file '{png.name}'", f"duration {slot}"]
    lines.append(f"file '{slides[-1][0].name}'")  # the concat demuxer needs the last one twice
    concat.write_text("\n".join(lines) + "\n")

    common = ["-fflags", "+bitexact", "-map_metadata", "-1", "-movflags", "+faststart"]
    video = out / f"{slug}.mp4"
    small = out / f"{slug}-240p.mp4"
    audio = out / f"{slug}-audio.m4a"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-f",
            "concat",
            "-safe",
            "0",
            "-i",
            str(concat),
            "-i",
            str(wav_path),
            "-vf",
            f"fps={FPS},format=yuv420p",
            "-c:v",
            "libx264",
            "-profile:v",
            "baseline",
            "-level",
            "3.0",
            "-preset",
            "slow",
            "-tune",
            "stillimage",
            "-crf",
            "30",
            "-g",
            str(FPS * 2),
            "-threads",
            "1",
            "-flags:v",
            "+bitexact",
            "-c:a",
            "aac",
            "-b:a",
            "40k",
            "-ac",
            "1",
            "-flags:a",
            "+bitexact",
            "-t",
            f"{duration:.3f}",
            *common,
            str(video),
        ],
        check=True,
        cwd=workdir,
    )
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-i",
            str(video),
            "-vf",
            "scale=426:240",
            "-c:v",
            "libx264",
            "-profile:v",
            "baseline",
            "-level",
            "3.0",
            "-preset",
            "slow",
            "-tune",
            "stillimage",
            "-crf",
            "33",
            "-g",
            str(FPS * 2),
            "-threads",
            "1",
            "-flags:v",
            "+bitexact",
            "-c:a",
            "aac",
            "-b:a",
            "24k",
            "-ac",
            "1",
            "-flags:a",
            "+bitexact",
            *common,
            str(small),
        ],
        check=True,
    )
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-i",
            str(wav_path),
            "-c:a",
            "aac",
            "-b:a",
            "32k",
            "-ac",
            "1",
            "-flags:a",
            "+bitexact",
            *common,
            str(audio),
        ],
        check=True,
    )
    poster = out / f"{slug}-poster.jpg"
    cover_slide(tutorial["title_id"], tutorial["description_id"]).save(
        poster, "JPEG", quality=78, optimize=True
    )

    (out / f"{slug}.id.vtt").write_text(serialize(cues_id), encoding="utf-8")
    (out / f"{slug}.en.vtt").write_text(serialize(cues_en), encoding="utf-8")
    (out / f"{slug}.chapters.vtt").write_text(serialize(chapter_cues), encoding="utf-8")
    return {
        "slug": slug,
        "title_id": tutorial["title_id"],
        "title_en": tutorial["title_en"],
        "description_id": tutorial["description_id"],
        "description_en": tutorial["description_en"],
        "category_slug": tutorial["category_slug"],
        "duration_seconds": duration,
        "files": {
            "video": video.name,
            "video_type": "video/mp4",
            "small": small.name,
            "small_type": "video/mp4",
            "audio": audio.name,
            "audio_type": "audio/mp4",
            "poster": poster.name,
            "poster_type": "image/jpeg",
            "captions_id": f"{slug}.id.vtt",
            "captions_en": f"{slug}.en.vtt",
            "chapters": f"{slug}.chapters.vtt",
        },
        "chapters": chapter_meta,
        "stages": {c["stage"]: c["id"] for c in chapter_meta if c["stage"]},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "portal" / "data" / "tutorials")
    args = parser.parse_args(argv)
    for tool in ("ffmpeg", "espeak-ng"):
        if shutil.which(tool) is None:
            print(f"{tool} is not installed (apt-get install ffmpeg espeak-ng)", file=sys.stderr)
            return 1
    args.out.mkdir(parents=True, exist_ok=True)
    manifest = {"generated_by": "scripts/make_demo_tutorials.py", "tutorials": []}
    with tempfile.TemporaryDirectory() as tmp:
        for tutorial in TUTORIALS:
            entry = build(tutorial, args.out, Path(tmp))
            manifest["tutorials"].append(entry)
            print(f"{entry['slug']}: {entry['duration_seconds']:.1f} s, {len(entry['chapters'])} chapters")
    (args.out / "manifest.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    total = sum(p.stat().st_size for p in args.out.iterdir() if p.is_file())
    where = args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out
    print(f"total {total / 1e6:.2f} MB in {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
