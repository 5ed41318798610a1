"""Draw the public website's shipped pictures with Pillow: the default icon of each permit
sector (portal/static/img/sectors/, shown on a permit card until an admin uploads its own) and
the demo site's pictures (portal/data/site_demo/: logo, hero photo, structure chart, map,
officials' portraits, news pictures), which `flask seed` uploads through the same picture
checks an admin's upload goes through. Run it again after changing a drawing:

    .venv/bin/python scripts/make_site_images.py
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
ICONS = ROOT / "portal" / "static" / "img" / "sectors"
DEMO = ROOT / "portal" / "data" / "site_demo"
FONT = "DejaVuSans-Bold.ttf"

#: sector -> (colour, drawing); every colour has 4.5:1 or more with white.
SECTORS = {
    "building": ("#0b4f8a", "house"),
    "health": ("#8a1c2b", "cross"),
    "trade": ("#1b6b3a", "shop"),
    "tourism": ("#00635d", "sun"),
    "education": ("#5b2a86", "book"),
    "research": ("#3d4a5c", "flask"),
    "environment": ("#2f6b1b", "leaf"),
    "transport": ("#6b4a00", "wheel"),
    "social": ("#7a2e5c", "people"),
    "advertising": ("#9a3412", "board"),
    "general": ("#374151", "doc"),
}


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(FONT, size)
    except OSError:
        return ImageFont.load_default()


def icon(colour: str, drawing: str, size: int = 96) -> Image.Image:
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((0, 0, size - 1, size - 1), radius=20, fill=colour)
    w = "#ffffff"
    c = size // 2
    if drawing == "house":
        d.polygon([(20, 48), (48, 22), (76, 48)], fill=w)
        d.rectangle((28, 48, 68, 76), fill=w)
        d.rectangle((43, 58, 53, 76), fill=colour)
    elif drawing == "cross":
        d.rectangle((40, 20, 56, 76), fill=w)
        d.rectangle((20, 40, 76, 56), fill=w)
    elif drawing == "shop":
        d.rectangle((20, 30, 76, 42), fill=w)
        d.rectangle((24, 42, 72, 76), outline=w, width=5)
        d.rectangle((40, 54, 56, 76), fill=w)
    elif drawing == "sun":
        d.ellipse((34, 34, 62, 62), fill=w)
        for k in range(8):
            a = k * math.pi / 4
            d.line(
                (c + 22 * math.cos(a), c + 22 * math.sin(a), c + 32 * math.cos(a), c + 32 * math.sin(a)),
                fill=w,
                width=5,
            )
    elif drawing == "book":
        d.polygon([(18, 28), (46, 34), (46, 74), (18, 68)], fill=w)
        d.polygon([(78, 28), (50, 34), (50, 74), (78, 68)], fill=w)
    elif drawing == "flask":
        d.rectangle((42, 18, 54, 44), fill=w)
        d.polygon([(42, 44), (54, 44), (74, 76), (22, 76)], fill=w)
    elif drawing == "leaf":
        d.ellipse((22, 26, 74, 70), fill=w)
        d.line((26, 74, 70, 30), fill=colour, width=4)
    elif drawing == "wheel":
        d.ellipse((20, 20, 76, 76), outline=w, width=7)
        d.ellipse((40, 40, 56, 56), fill=w)
        for k in range(6):
            a = k * math.pi / 3
            d.line((c, c, c + 26 * math.cos(a), c + 26 * math.sin(a)), fill=w, width=4)
    elif drawing == "people":
        for x in (34, 62):
            d.ellipse((x - 9, 22, x + 9, 40), fill=w)
            d.pieslice((x - 16, 44, x + 16, 84), 180, 360, fill=w)
    elif drawing == "board":
        d.rectangle((18, 22, 78, 58), fill=w)
        d.rectangle((44, 58, 52, 78), fill=w)
    else:  # doc
        d.polygon([(28, 18), (60, 18), (70, 28), (70, 78), (28, 78)], fill=w)
        for y in (38, 50, 62):
            d.line((36, y, 62, y), fill=colour, width=4)
    return img


def banner(size: tuple[int, int], top: str, bottom: str, text: str) -> Image.Image:
    """A photo-like gradient picture with a simple city skyline and a caption."""
    w, h = size
    img = Image.new("RGB", size)
    d = ImageDraw.Draw(img)
    t, b = (tuple(int(x[i : i + 2], 16) for i in (1, 3, 5)) for x in (top, bottom))
    for y in range(h):
        f = y / h
        d.line((0, y, w, y), fill=tuple(int(t[i] + (b[i] - t[i]) * f) for i in range(3)))
    x = 0
    k = 0
    while x < w:
        bw = 40 + (k * 37) % 70
        bh = int(h * (0.25 + ((k * 53) % 40) / 100))
        d.rectangle((x, h - bh, x + bw, h), fill=(30 + k % 3 * 10, 50, 70))
        for wy in range(h - bh + 12, h - 10, 22):
            for wx in range(x + 8, x + bw - 8, 16):
                d.rectangle((wx, wy, wx + 6, wy + 10), fill=(250, 220, 120))
        x += bw + 6
        k += 1
    d.text((w // 2, h // 6), text, fill="white", font=_font(h // 10), anchor="mm")
    return img


def portrait(colour: str, initials: str) -> Image.Image:
    img = Image.new("RGB", (240, 300), "#e5e7eb")
    d = ImageDraw.Draw(img)
    d.ellipse((70, 50, 170, 150), fill=colour)
    d.pieslice((30, 160, 210, 380), 180, 360, fill=colour)
    d.text((120, 100), initials, fill="white", font=_font(40), anchor="mm")
    return img


def structure() -> Image.Image:
    img = Image.new("RGB", (900, 520), "white")
    d = ImageDraw.Draw(img)
    f = _font(18)
    boxes = {
        "Kepala Dinas": (350, 30),
        "Sekretariat": (620, 130),
        "Bidang Pelayanan": (60, 260),
        "Bidang Pengaduan": (350, 260),
        "Bidang Penanaman Modal": (640, 260),
        "Kelompok Jabatan Fungsional": (350, 420),
    }
    for x, y in boxes.values():
        d.line((x + 100, y + 30, 450, 60), fill="#0b4f8a", width=3)
    for name, (x, y) in boxes.items():
        d.rectangle((x, y, x + 200, y + 60), fill="#0b4f8a")
        d.text((x + 100, y + 30), name, fill="white", font=f, anchor="mm")
    return img


def street_map() -> Image.Image:
    img = Image.new("RGB", (800, 500), "#eef2e6")
    d = ImageDraw.Draw(img)
    for x in range(0, 800, 160):
        d.line((x, 0, x + 60, 500), fill="white", width=14)
    for y in range(40, 500, 140):
        d.line((0, y, 800, y + 30), fill="white", width=14)
    d.rectangle((560, 300, 760, 460), fill="#cfe3c1")
    d.text((660, 380), "Taman Kota", fill="#1b4d1b", font=_font(20), anchor="mm")
    d.ellipse((372, 222, 428, 278), fill="#b02a37")
    d.ellipse((392, 242, 408, 258), fill="white")
    d.text((400, 300), "DPMPTSP / MPP", fill="#111827", font=_font(24), anchor="mm")
    d.text((400, 200), "Jl. Dahlia", fill="#374151", font=_font(18), anchor="mm")
    return img


def coat_of_arms() -> Image.Image:
    img = Image.new("RGB", (240, 280), "white")
    d = ImageDraw.Draw(img)
    d.polygon([(20, 20), (220, 20), (220, 150), (120, 260), (20, 150)], fill="#0b4f8a", outline="#d4a017")
    d.polygon([(40, 40), (200, 40), (200, 145), (120, 232), (40, 145)], outline="#d4a017", width=6)
    d.text((120, 110), "KOTA", fill="#ffd166", font=_font(36), anchor="mm")
    return img


def logo() -> Image.Image:
    img = Image.new("RGBA", (360, 120), (255, 255, 255, 0))
    d = ImageDraw.Draw(img)
    d.rounded_rectangle((0, 10, 100, 110), radius=18, fill="#0b4f8a")
    d.text((50, 60), "SP", fill="white", font=_font(44), anchor="mm")
    d.text((115, 45), "Mal Pelayanan", fill="#0b4f8a", font=_font(28), anchor="lm")
    d.text((115, 80), "Publik", fill="#0b4f8a", font=_font(28), anchor="lm")
    return img


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    DEMO.mkdir(parents=True, exist_ok=True)
    for sector, (colour, drawing) in SECTORS.items():
        icon(colour, drawing).save(ICONS / f"{sector}.png", optimize=True)
    banner((1600, 600), "#4b79a1", "#a9c5e0", "Mal Pelayanan Publik").save(DEMO / "hero.jpg", quality=80)
    banner((800, 450), "#1b6b3a", "#9fd3b0", "Layanan Sabtu").save(DEMO / "news-1.jpg", quality=80)
    banner((800, 450), "#8a1c2b", "#e5a3ad", "Sosialisasi OSS").save(DEMO / "news-2.jpg", quality=80)
    for n, (colour, initials) in enumerate((("#0b4f8a", "AR"), ("#1b6b3a", "SW"), ("#8a1c2b", "DP")), 1):
        portrait(colour, initials).save(DEMO / f"official-{n}.jpg", quality=85)
    structure().save(DEMO / "structure.png", optimize=True)
    street_map().save(DEMO / "map.png", optimize=True)
    coat_of_arms().save(DEMO / "coat-of-arms.png", optimize=True)
    logo().save(DEMO / "logo.png", optimize=True)


if __name__ == "__main__":
    main()
