"""Indonesian corrections from the plain-language review (issue 9).

Better Indonesian for msgids whose first translation read badly, found in the plain-language
review. Pending files are applied in alphabetical order, so this file (named to sort last)
overrides the first translations named in the comments.
"""

T: dict[str, str] = {
    # catalogue.py: "yang diunggah" reads "that are uploaded"; the applicant still has to.
    "Requirements: documents to upload": "Persyaratan: dokumen yang perlu diunggah",
    # tutorials.py: "dengan teks dan Teks Narasi" repeats "teks" and leaves "teks" unexplained.
    "Short videos that show each step of applying for a permit, with captions and a transcript.":
        "Video singkat yang menunjukkan setiap langkah mengajukan izin, lengkap dengan teks "
        "video dan Teks Narasi.",
    # admin.py: captions are not translations (the Indonesian captions are not "terjemahan");
    # tutorials.py already calls them "teks video".
    "Captions (English)": "Teks video (bahasa Inggris)",
    "Captions (Indonesian)": "Teks video (bahasa Indonesia)",
    # helpdesk.py: the applicant's pages say "email konfirmasi" ("Kirim ulang email
    # konfirmasi"); one word for one thing.
    "Resend verification email": "Kirim ulang email konfirmasi",
    # public.py: "apa yang tidak beres" is slangy; say what to write.
    "Tell us what went wrong. You do not need an account. You get a complaint number and a link "
    "to follow it; we answer within %(days)s working days.":
        "Ceritakan masalah yang Anda alami. Anda tidak perlu akun. Anda mendapat nomor "
        "pengaduan dan tautan untuk memantaunya; kami menjawab dalam %(days)s hari kerja.",
}
