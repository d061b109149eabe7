"""Demo catalogs for ``seed_demo``: the province's products for the two demo businesses.

Runs after ``sme.businesses.demo.seed_businesses``. Idempotent: products are found by product key and updated,
photos are generated placeholders (same bytes each run, so never duplicated), stock is set, not added.
"""

import io
import zlib
from pathlib import Path

from django.db import transaction
from PIL import Image, ImageDraw, ImageFont

from sme.businesses.models import Business

from .models import Category, Product, ProductStatus
from .services import ProductInput, VariantInput, image_add, product_create, product_update

FONT_PATHS = ["/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"]

# (key, name, category, brand, description, (option1, option2), ocop stars, colour,
#  [(sku, option1 value, option2 value, price, list price, stock, barcode, grams, (l, w, h))])
HOUSEHOLD = [
    ("QUYT-HONG", "Quýt hồng Lai Vung", "fruit", "Út Hoa Lai Vung",
     "<p>Quýt hồng Lai Vung chín cây, vỏ mỏng, múi ngọt thanh. Hái trong ngày, đóng thùng carton có lỗ thông hơi.</p>",
     ("Khối lượng", ""), 3, (232, 98, 40),
     [("QH-1KG", "1 kg", "", 65_000, 75_000, 120, "8936000100017", 1100, (25, 18, 12)),
      ("QH-3KG", "3 kg", "", 185_000, 210_000, 60, "8936000100024", 3200, (35, 25, 15)),
      ("QH-HOP5", "Hộp quà 5 kg", "", 320_000, None, 25, "", 5400, (40, 30, 20))]),
    ("NEM-LAI-VUNG", "Nem Lai Vung Út Hoa", "processed-meat", "Út Hoa Lai Vung",
     "<p>Nem chua Lai Vung gói lá chuối, lên men tự nhiên 2–3 ngày. Bảo quản mát 2–8 °C.</p>",
     ("Quy cách", ""), 3, (214, 51, 84),
     [("NEM-CHUC", "Chục (10 cái)", "", 45_000, None, 200, "", 450, (20, 12, 6)),
      ("NEM-LO", "Lố (5 chục)", "", 210_000, 225_000, 40, "", 2200, (30, 25, 12))]),
    ("MANG-CAU-SAY", "Mãng cầu xiêm sấy dẻo Lai Vung", "confectionery", "Út Hoa Lai Vung",
     "<p>Mãng cầu xiêm sấy dẻo, ít đường, không chất bảo quản.</p>",
     ("Khối lượng", ""), None, (120, 160, 60),
     [("MCS-250", "250 g", "", 55_000, None, 80, "", 280, (18, 12, 4)),
      ("MCS-500", "500 g", "", 99_000, 110_000, 45, "", 540, (22, 15, 5))]),
    ("XOAI-HOA-LOC", "Xoài cát Hòa Lộc", "fruit", "Vựa Út Hoa",
     "<p>Xoài cát Hòa Lộc Cái Bè, chín vàng, thơm, thịt mịn.</p>",
     ("Khối lượng", "Loại"), None, (245, 196, 50),
     [("XHL-1KG-L1", "1 kg", "Loại 1", 90_000, None, 70, "", 1100, (25, 18, 12)),
      ("XHL-1KG-L2", "1 kg", "Loại 2", 70_000, None, 90, "", 1100, (25, 18, 12)),
      ("XHL-5KG-L1", "Thùng 5 kg", "Loại 1", 420_000, 450_000, 20, "", 5300, (40, 30, 20))]),
    ("VU-SUA-LO-REN", "Vú sữa Lò Rèn Vĩnh Kim", "fruit", "Vựa Út Hoa",
     "<p>Vú sữa Lò Rèn Vĩnh Kim (chỉ dẫn địa lý), trái to, ngọt mát.</p>",
     ("Khối lượng", ""), None, (150, 80, 160),
     [("VSLR-2KG", "2 kg", "", 110_000, None, 35, "", 2200, (30, 20, 12))]),
    ("CUC-MAM-XOI", "Cúc mâm xôi Sa Đéc (chậu)", "flowers-plants", "Làng hoa Sa Đéc",
     "<p>Cúc mâm xôi trồng chậu tại làng hoa Sa Đéc, giao trong tỉnh.</p>",
     ("Cỡ chậu", ""), None, (250, 210, 40),
     [("CMX-NHO", "Chậu nhỏ", "", 85_000, None, 50, "", 2500, (25, 25, 30)),
      ("CMX-LON", "Chậu lớn", "", 180_000, None, 20, "", 6000, (40, 40, 45))]),
]
COMPANY = [
    ("TRA-TIM-SEN", "Trà tim sen Tháp Mười", "lotus-products", "Sen Tháp Mười",
     "<p>Tim sen Tháp Mười sao khô, giúp dễ ngủ. Hãm 3–5 g với nước 90 °C.</p>",
     ("Khối lượng", ""), 4, (60, 140, 80),
     [("TTS-100", "100 g", "", 85_000, 95_000, 150, "8936000200014", 130, (15, 10, 5)),
      ("TTS-250", "250 g", "", 190_000, None, 80, "8936000200021", 290, (20, 12, 6))]),
    ("HAT-SEN-SAY", "Hạt sen sấy Tháp Mười", "lotus-products", "Sen Tháp Mười",
     "<p>Hạt sen tươi Tháp Mười sấy giòn, bùi, không đường.</p>",
     ("Khối lượng", ""), 4, (235, 220, 190),
     [("HSS-200", "200 g", "", 75_000, None, 120, "8936000200038", 230, (18, 12, 5)),
      ("HSS-500", "500 g", "", 170_000, 185_000, 60, "8936000200045", 540, (24, 16, 6))]),
    ("TRA-LA-SEN", "Trà lá sen túi lọc", "beverages-tea", "Sen Tháp Mười",
     "<p>Trà lá sen túi lọc, 25 túi mỗi hộp.</p>",
     ("Quy cách", ""), 3, (90, 170, 110),
     [("TLS-25", "Hộp 25 túi", "", 45_000, None, 200, "8936000200052", 80, (15, 8, 8))]),
    ("SUA-HAT-SEN", "Bột sữa hạt sen", "lotus-products", "Sen Tháp Mười",
     "<p>Bột sữa hạt sen nguyên chất, pha với nước ấm.</p>",
     ("Khối lượng", ""), 3, (245, 235, 210),
     [("BSHS-400", "Hũ 400 g", "", 135_000, None, 70, "8936000200069", 480, (12, 12, 15))]),
    ("NGO-SEN-CHUA", "Ngó sen ngâm chua ngọt", "processed-foods", "Sen Tháp Mười",
     "<p>Ngó sen Tháp Mười ngâm chua ngọt, ăn kèm lẩu, gỏi.</p>",
     ("Khối lượng", ""), None, (200, 225, 170),
     [("NSC-500", "Hũ 500 g", "", 60_000, None, 90, "", 650, (10, 10, 14))]),
    ("KHO-CA-LOC", "Khô cá lóc Hồng Ngự", "dried-fish", "Sen Tháp Mười",
     "<p>Khô cá lóc đồng Hồng Ngự một nắng, hút chân không.</p>",
     ("Khối lượng", ""), 3, (170, 120, 80),
     [("KCL-500", "500 g", "", 180_000, 200_000, 40, "", 560, (25, 18, 4)),
      ("KCL-1KG", "1 kg", "", 350_000, None, 25, "", 1080, (30, 22, 5))]),
    ("BANH-PHONG-TOM", "Bánh phồng tôm Sa Đéc", "rice-products", "Sen Tháp Mười",
     "<p>Bánh phồng tôm Sa Đéc làm từ tôm tươi và bột mì, chiên giòn.</p>",
     ("Khối lượng", ""), None, (240, 170, 150),
     [("BPT-200", "200 g", "", 45_000, None, 150, "", 230, (22, 15, 4)),
      ("BPT-500", "500 g", "", 99_000, None, 80, "", 540, (28, 20, 5))]),
    ("HU-TIEU-MY-THO", "Hủ tiếu Mỹ Tho khô", "rice-products", "Sen Tháp Mười",
     "<p>Hủ tiếu Mỹ Tho sợi dai, làm từ gạo Gò Công.</p>",
     ("Khối lượng", ""), None, (245, 245, 235),
     [("HTMT-500", "500 g", "", 35_000, None, 160, "", 520, (25, 15, 4)),
      ("HTMT-1KG", "1 kg", "", 65_000, None, 90, "", 1030, (30, 20, 5))]),
    ("CHIEU-DINH-YEN", "Chiếu Định Yên", "handicrafts", "Làng chiếu Định Yên",
     "<p>Chiếu cói Định Yên dệt tay, nhuộm màu tự nhiên.</p>",
     ("Kích thước", "Màu"), None, (180, 60, 60),
     [("CDY-16-DO", "1,6 m × 2 m", "Đỏ", 280_000, None, 15, "", 2200, (160, 20, 20)),
      ("CDY-16-TRON", "1,6 m × 2 m", "Trơn", 240_000, None, 20, "", 2200, (160, 20, 20)),
      ("CDY-18-DO", "1,8 m × 2 m", "Đỏ", 320_000, None, 10, "", 2500, (180, 20, 20))]),
]
CATALOGS = {"household": HOUSEHOLD, "company": COMPANY}


def _font(size: int):
    for path in FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def placeholder_photo(*, title: str, colour: tuple[int, int, int], subtitle: str = "") -> bytes:
    """A simple coloured 800×800 PNG with the product name: the same bytes for the same input."""
    img = Image.new("RGB", (800, 800), colour)
    draw = ImageDraw.Draw(img)
    draw.rectangle((40, 520, 760, 760), fill=(255, 255, 255))
    words, lines, line = title.split(), [], ""
    font = _font(46)
    for word in words:
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=font) > 680 and line:
            lines.append(line)
            line = word
        else:
            line = candidate
    lines.append(line)
    y = 545
    for text in lines[:3]:
        draw.text((70, y), text, fill=(30, 30, 30), font=font)
        y += 58
    if subtitle:
        draw.text((70, 470), subtitle, fill=(255, 255, 255), font=_font(32))
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=False, compress_level=6)
    return out.getvalue()


def _business(key: str) -> Business | None:
    try:
        from sme.businesses.demo import DEMO_BUSINESS_IDENTIFIERS
    except ImportError:  # the businesses seeder is not there yet
        return None
    return Business.objects.filter(identifier=DEMO_BUSINESS_IDENTIFIERS[key]).first()


def _seed(business: Business, catalog: list) -> None:
    categories = {c.code: c for c in Category.objects.all()}
    actor = business.created_by
    for key, name, category, brand, description, (opt1, opt2), stars, colour, variants in catalog:
        data = ProductInput(
            key=key, name=name, category=categories[category], brand=brand, description=description,
            status=ProductStatus.ACTIVE, option1_name=opt1, option2_name=opt2, ocop_stars=stars,
            ocop_certificate_no=f"OCOP-DT-{zlib.crc32(key.encode()) % 10000:04d}" if stars else "",
        )
        product = Product.objects.filter(business=business, key=key).first()
        existing = {v.sku: v.pk for v in product.variants.all()} if product else {}
        inputs = [
            VariantInput(id=existing.get(sku), sku=sku, option1_value=o1, option2_value=o2, price=price,
                         list_price=list_price, stock=stock, barcode=barcode, weight_g=grams,
                         length_cm=dims[0], width_cm=dims[1], height_cm=dims[2])
            for sku, o1, o2, price, list_price, stock, barcode, grams, dims in variants
        ]
        with transaction.atomic():
            if product is None:
                product = product_create(business=business, data=data, variants=inputs, actor=actor)
            else:
                product = product_update(product=product, data=data, variants=inputs, actor=actor)
            photo = placeholder_photo(title=name, colour=colour, subtitle=brand)
            image_add(product=product, data=photo, name=f"{key.lower()}.png", alt_text=name)


def seed_catalogs() -> list:
    """Give both demo businesses a catalog of the province's products (idempotent). Returns no logins."""
    for key, catalog in CATALOGS.items():
        business = _business(key)
        if business is not None:
            _seed(business, catalog)
    return []
