"""Printed invitation letters for door-to-door visits: an extension point of the campaigns (issue 22).

Officers in Đồng Tháp still visit businesses with paper, so a campaign's letter channel prints one letter per
business: in Vietnamese, addressed to the business as the register knows it, with a QR code of its personal
link (the link printed beside it for those who type), the officer's or department's signature, and the
opt-out every message and letter carries (Decree 13/2023/NĐ-CP on personal data, Decree 91/2020/NĐ-CP on
unsolicited messages). A letter is one A4 page; a very long name or address continues on a second.

Plain data in, PDF bytes out: this module knows nothing of campaigns or models, so the caller builds a
``Letter`` per business (its personal and opt-out links already signed) and picks one of:

- ``render_letter(letter=...) -> bytes``: one business's PDF;
- ``render_letters(letters=[...]) -> bytes``: one PDF for a batch to print, each letter on its own page(s);
- ``write_letters(letters=iterable, output=file) -> int``: the same, written to a binary file as the letters
  come from an iterator (a queryset's ``.iterator()``), returning the number of pages; for large batches.

All three raise ``LetterError`` (a ``ValueError``) for a letter that cannot be printed (no name, a link that
is not http(s)), before anything is written. Rendering is pure: the same letters give the same text and
codes, and nothing outside the output is touched. reportlab draws the page (with DejaVu Sans, committed
under ``fonts/``: a Vietnamese-complete font on every machine) and zxing-cpp encodes the QR code (its C++
encoder picks the mask the standard asks for in under a millisecond, where a pure-Python one took five).

The wording is Vietnamese only, on purpose: the letter goes to businesses in Đồng Tháp and is a formal
document of the province, whatever language the officer who prints it uses on the site.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

import zxingcpp
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

__all__ = ["Letter", "LetterError", "render_letter", "render_letters", "write_letters"]

FONT_DIR = Path(__file__).resolve().parent / "fonts"
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"

PAGE_WIDTH, PAGE_HEIGHT = A4
# Margins of Vietnamese administrative documents (Decree 30/2020/NĐ-CP, annex I): left 30 mm, right 15 mm,
# top and bottom 20 mm.
LEFT, RIGHT, TOP, BOTTOM = 30 * mm, 15 * mm, 20 * mm, 20 * mm
TEXT_WIDTH = PAGE_WIDTH - LEFT - RIGHT
BODY_SIZE, SMALL_SIZE = 11, 8
BODY_LEADING, SMALL_LEADING = 15, 10.5
QR_SIZE = 38 * mm  # about 1 mm a module for a link of ~100 characters: a phone reads it from arm's length
QR_QUIET_MODULES = 4  # the quiet zone ISO/IEC 18004 asks for

_WHITESPACE = re.compile(r"\s+")


class LetterError(ValueError):
    """A letter that cannot be printed; the message says which business and why (in Vietnamese)."""


@dataclass(frozen=True)
class Letter:
    """One business's letter: who it goes to, its links, and who signs it.

    ``department`` is the sending office as written in a sentence ("Sở Công Thương"; the heading prints it in
    capitals); ``signer_title`` may hold several lines ("KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC").
    ``personal_link`` is the business's signed, single-use sign-up link (printed and encoded in the QR code);
    ``opt_out_link`` the page where it asks not to be contacted again. ``reference`` is printed small at the
    bottom (a campaign message id, say) so a letter brought back to the office can be matched.
    """

    business_name: str
    address: str
    ward: str
    personal_link: str
    opt_out_link: str
    signer_name: str
    signer_title: str
    department: str
    letter_date: dt.date
    link_expires_on: dt.date | None = None
    authority: str = "ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP"
    place: str = "Đồng Tháp"
    contact: str = ""
    reference: str = ""

    def check(self) -> None:
        """Raise ``LetterError`` when this letter cannot be printed."""
        name = _clean(self.business_name)
        if not name:
            raise LetterError("Thư thiếu tên cơ sở.")
        for label, link in (("đường dẫn cá nhân", self.personal_link), ("đường dẫn từ chối", self.opt_out_link)):
            parts = urlsplit(link or "")
            spaced = any(ch.isspace() or unicodedata.category(ch)[0] == "C" for ch in link or "")
            if parts.scheme not in ("http", "https") or not parts.hostname or spaced:
                raise LetterError(f"Thư gửi {name}: {label} không hợp lệ ({link!r}).")
        if not _clean(self.signer_name) and not _clean(self.department):
            raise LetterError(f"Thư gửi {name}: thiếu người ký hoặc cơ quan gửi.")


def render_letter(*, letter: Letter) -> bytes:
    """One business's letter as a PDF (one page, two for a very long name or address). Raises LetterError."""
    return render_letters(letters=[letter])


def render_letters(*, letters: Sequence[Letter]) -> bytes:
    """One PDF holding every letter, each starting on a new page, in the order given. Raises LetterError
    (for the first letter that cannot be printed, before anything is drawn); an empty batch is an error too."""
    for letter in letters:
        letter.check()
    output = io.BytesIO()
    write_letters(letters=letters, output=output)
    return output.getvalue()


def write_letters(*, letters: Iterable[Letter], output: BinaryIO) -> int:
    """Write one PDF holding every letter to ``output`` (a binary file), taking the letters one at a time from
    ``letters`` (an iterator is fine), and return the number of pages. A letter that cannot be printed raises
    LetterError when it is reached, and nothing is written to ``output``; so does an empty batch."""
    _register_fonts()
    canvas = Canvas(output, pagesize=A4, pageCompression=1, invariant=1)
    canvas.setTitle("Thư mời tham gia bán hàng trực tuyến")
    canvas.setCreator("dongthap-sme-online")
    pages = 0
    department = ""
    for letter in letters:
        letter.check()
        department = department or letter.department
        pages += _draw_letter(canvas, letter)
    if not pages:
        raise LetterError("Không có thư nào để in.")
    canvas.setAuthor(department)
    canvas.save()  # the only write to ``output``: a bad letter above leaves it untouched
    return pages


# --- drawing -------------------------------------------------------------------------------------------

@functools.cache
def _register_fonts() -> None:
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))


@functools.lru_cache(maxsize=4096)
def _clean(text: str) -> str:
    """Text from the register on one line: Unicode NFC (precomposed Vietnamese letters, which the font has),
    control characters dropped, runs of whitespace made one space."""
    text = unicodedata.normalize("NFC", text or "")
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    return _WHITESPACE.sub(" ", text).strip()


def _date_vi(day: dt.date) -> str:
    return f"ngày {day.day:02d} tháng {day.month:02d} năm {day.year}"


@functools.lru_cache(maxsize=512)
def _wrap(text: str, font: str, size: float, width: float) -> tuple[str, ...]:
    """Lines of ``text`` no wider than ``width``: broken between words, and inside a word (a link) too long
    for a line. Cached: most paragraphs are the same in every letter of a batch."""
    lines: list[str] = []
    line = ""
    for word in text.split(" "):
        candidate = f"{line} {word}" if line else word
        if pdfmetrics.stringWidth(candidate, font, size) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = ""
        while pdfmetrics.stringWidth(word, font, size) > width:
            cut = len(word) - 1
            while cut > 1 and pdfmetrics.stringWidth(word[:cut], font, size) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line:
        lines.append(line)
    return tuple(lines)


class _Page:
    """A cursor down the letter's pages: text flows, and a new page starts (footer drawn) when it is full."""

    def __init__(self, canvas: Canvas, letter: Letter) -> None:
        self.canvas, self.letter = canvas, letter
        self.pages = 1
        self.y = PAGE_HEIGHT - TOP
        self.footer = _footer_lines(letter)
        # the notice's lines, a rule above them and the reference line below
        self.footer_height = (len(self.footer) + 2) * SMALL_LEADING

    def need(self, height: float) -> None:
        if self.y - height < BOTTOM + self.footer_height:
            self.finish_page()
            self.canvas.showPage()
            self.pages += 1
            self.y = PAGE_HEIGHT - TOP
            self.text(f"{_clean(self.letter.business_name)} (tiếp theo)", size=SMALL_SIZE, leading=SMALL_LEADING * 2)

    def text(self, text: str, *, font: str = REGULAR, size: float = BODY_SIZE, leading: float = BODY_LEADING,
             x: float = LEFT, width: float = TEXT_WIDTH, align: str = "left") -> None:
        for line in _wrap(_clean(text), font, size, width):
            self.need(leading)
            self.canvas.setFont(font, size)
            if align == "center":
                self.canvas.drawCentredString(x + width / 2, self.y - size, line)
            elif align == "right":
                self.canvas.drawRightString(x + width, self.y - size, line)
            else:
                self.canvas.drawString(x, self.y - size, line)
            self.y -= leading

    def gap(self, height: float) -> None:
        self.y -= height

    def finish_page(self) -> None:
        """The personal-data notice and the opt-out, at the foot of every page of the letter."""
        canvas = self.canvas
        top = BOTTOM + self.footer_height - SMALL_LEADING / 2
        canvas.setLineWidth(0.5)
        canvas.line(LEFT, top, PAGE_WIDTH - RIGHT, top)
        canvas.setFont(REGULAR, SMALL_SIZE)
        y = top - SMALL_LEADING
        for line in self.footer:
            canvas.drawString(LEFT, y, line)
            y -= SMALL_LEADING
        if self.letter.reference:
            canvas.drawRightString(PAGE_WIDTH - RIGHT, BOTTOM, f"Mã thư: {_clean(self.letter.reference)}")


def _footer_lines(letter: Letter) -> tuple[str, ...]:
    notice = (
        "Về dữ liệu cá nhân: tên, địa chỉ và thông tin liên hệ của cơ sở được lấy từ sổ đăng ký kinh doanh "
        "và chỉ dùng để mời cơ sở tham gia chương trình này, theo Nghị định 13/2023/NĐ-CP về bảo vệ dữ liệu "
        "cá nhân. Nếu không muốn nhận thêm thư, tin nhắn hay cuộc gọi mời, quý cơ sở vào "
        f"{letter.opt_out_link} để từ chối; sau đó chương trình không liên hệ lại (Nghị định 91/2020/NĐ-CP "
        "về chống tin nhắn rác, thư điện tử rác, cuộc gọi rác)."
    )
    if _clean(letter.contact):
        notice += f" Liên hệ: {_clean(letter.contact)}."
    return _wrap(_clean(notice), REGULAR, SMALL_SIZE, TEXT_WIDTH)


def _draw_letter(canvas: Canvas, letter: Letter) -> int:
    """Draw one letter from the top of a fresh page; returns the pages it took."""
    page = _Page(canvas, letter)
    half = TEXT_WIDTH / 2
    # the two-column heading of an administrative letter: the issuer left, the national motto right
    top = page.y
    page.text(letter.authority, size=9.5, leading=12, width=half - 4 * mm, align="center")
    page.text(letter.department.upper(), font=BOLD, size=9.5, leading=12, width=half - 4 * mm, align="center")
    left_bottom = page.y
    page.y = top
    right = LEFT + half
    page.text("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", font=BOLD, size=9.5, leading=12, x=right, width=half,
              align="center")
    page.text("Độc lập - Tự do - Hạnh phúc", font=BOLD, size=9.5, leading=12, x=right, width=half, align="center")
    page.gap(4)
    page.text(f"{letter.place}, {_date_vi(letter.letter_date)}", size=9.5, leading=12, x=right, width=half,
              align="center")
    page.y = min(page.y, left_bottom)
    page.gap(10)

    page.text("THƯ MỜI", font=BOLD, size=14, leading=18, align="center")
    page.text("Tham gia bán hàng trên các sàn thương mại điện tử", font=BOLD, leading=BODY_LEADING,
              align="center")
    page.gap(8)
    page.text(f"Kính gửi: {letter.business_name}", font=BOLD)
    address = ", ".join(part for part in (_clean(letter.address), _clean(letter.ward)) if part)
    if address:
        page.text(f"Địa chỉ: {address}")
    page.gap(6)
    for paragraph in (
        f"{letter.department} trân trọng mời quý cơ sở tham gia chương trình đưa doanh nghiệp nhỏ và vừa, hộ "
        "kinh doanh của tỉnh Đồng Tháp lên bán hàng trực tuyến. Chương trình miễn phí: quý cơ sở được hướng dẫn "
        "từng bước mở gian hàng, đăng sản phẩm lên Shopee, Lazada, TikTok Shop, Tiki hoặc website riêng, và "
        "quản lý đơn hàng, tồn kho ở một nơi.",
        "Để bắt đầu, quý cơ sở quét mã QR dưới đây bằng điện thoại (ứng dụng Zalo hoặc máy ảnh) hoặc nhập "
        "đường dẫn in bên cạnh. Thông tin của cơ sở đã được điền sẵn từ sổ đăng ký kinh doanh; quý cơ sở chỉ "
        "cần kiểm tra và xác nhận.",
    ):
        page.text(paragraph)
        page.gap(4)

    _draw_qr_block(page)

    page.gap(6)
    page.text("Trân trọng cảm ơn quý cơ sở.")
    page.gap(8)
    # a title may take several lines ("KT. GIÁM ĐỐC" above "PHÓ GIÁM ĐỐC"); room is left to sign and stamp
    title_lines = [line for line in (letter.signer_title or "").splitlines() if _clean(line)]
    page.need(BODY_LEADING * (len(title_lines) + 5))
    for line in title_lines:
        page.text(line, font=BOLD, x=LEFT + half, width=half, align="center")
    page.gap(BODY_LEADING * 4)
    page.text(letter.signer_name, font=BOLD, x=LEFT + half, width=half, align="center")
    page.finish_page()
    canvas.showPage()
    return page.pages


def _draw_qr_block(page: _Page) -> None:
    """The QR code of the personal link, and the link in print beside it."""
    letter, canvas = page.letter, page.canvas
    page.need(QR_SIZE + 6)
    top = page.y
    code = zxingcpp.create_barcode(letter.personal_link, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = code.to_image(scale=1, add_quiet_zones=False)  # one byte a module: 0 dark, 255 light
    rows = image.shape[0]
    cells = bytes(image)
    matrix = [cells[r * rows:(r + 1) * rows] for r in range(rows)]
    modules = rows + 2 * QR_QUIET_MODULES
    module = QR_SIZE / modules
    x0 = LEFT + QR_QUIET_MODULES * module
    y0 = top - QR_SIZE + QR_QUIET_MODULES * module
    # one rectangle per run of dark modules along a row: about a third of the rectangles, the same code
    path = canvas.beginPath()
    for r, row in enumerate(matrix):
        y = y0 + (rows - 1 - r) * module
        col = 0
        while col < rows:
            if row[col] == 0:
                start = col
                while col < rows and row[col] == 0:
                    col += 1
                path.rect(x0 + start * module, y, (col - start) * module, module)
            else:
                col += 1
    canvas.setFillGray(0)
    canvas.drawPath(path, stroke=0, fill=1)

    text_x = LEFT + QR_SIZE + 4 * mm
    text_width = TEXT_WIDTH - QR_SIZE - 4 * mm
    page.y = top - QR_QUIET_MODULES * module
    page.text("Đường dẫn đăng ký riêng của quý cơ sở:", font=BOLD, x=text_x, width=text_width)
    page.text(letter.personal_link, x=text_x, width=text_width)
    page.gap(4)
    validity = "Đường dẫn chỉ dùng cho quý cơ sở và dùng được một lần"
    if letter.link_expires_on:
        validity += f", đến hết {_date_vi(letter.link_expires_on)}"
    page.text(validity + ".", size=9.5, leading=12, x=text_x, width=text_width)
    page.y = min(page.y, top - QR_SIZE)
