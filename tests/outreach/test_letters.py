"""The printed letters read back as an officer and a business owner would: the PDF's text (pypdf) and the QR
code scanned from the rendered page (pypdfium2 renders it, zxing-cpp decodes it)."""

import datetime as dt
import io
import re
from dataclasses import replace

import pypdfium2
import pytest
import zxingcpp
from pypdf import PdfReader

from outreach.letters import Letter, LetterError, render_letter, render_letters, write_letters

PERSONAL_LINK = "https://sme.dongthap.gov.vn/moi/3f9c2a7e-1b44-4d0e-9a51-7c2d8e6f0b13.Zx81kQpL0aTn"
OPT_OUT_LINK = "https://sme.dongthap.gov.vn/tu-choi/3f9c2a7e1b44"


def a_letter(**changes) -> Letter:
    letter = Letter(
        business_name="Hộ kinh doanh Bánh pía Nguyễn Thị Ánh Tuyết",
        address="Số 12, đường Nguyễn Huệ, khóm 3",
        ward="Phường Cao Lãnh",
        personal_link=PERSONAL_LINK,
        opt_out_link=OPT_OUT_LINK,
        signer_name="Trần Văn Hưng",
        signer_title="KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC",
        department="Sở Công Thương",
        letter_date=dt.date(2026, 12, 7),
        link_expires_on=dt.date(2027, 1, 31),
        contact="Phòng Thương mại điện tử, 0277 3851 234",
        reference="CD-2026-12/000123",
    )
    return replace(letter, **changes)


def page_texts(pdf: bytes) -> list[str]:
    # pypdf breaks lines where the letter wraps them: compare text with whitespace made single spaces
    return [re.sub(r"\s+", " ", page.extract_text()) for page in PdfReader(io.BytesIO(pdf)).pages]


def scanned_codes(pdf: bytes, page: int = 0) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[page].render(scale=2).to_pil()
    finally:
        document.close()
    return [barcode.text for barcode in zxingcpp.read_barcodes(image)]


def test_a_letter_is_one_page_in_vietnamese_addressed_to_the_business():
    # when
    pdf = render_letter(letter=a_letter())
    # then
    texts = page_texts(pdf)
    assert len(texts) == 1
    text = texts[0]
    assert "ỦY BAN NHÂN DÂN TỈNH ĐỒNG THÁP" in text
    assert "SỞ CÔNG THƯƠNG" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Đồng Tháp, ngày 07 tháng 12 năm 2026" in text
    assert "Kính gửi: Hộ kinh doanh Bánh pía Nguyễn Thị Ánh Tuyết" in text
    assert "Địa chỉ: Số 12, đường Nguyễn Huệ, khóm 3, Phường Cao Lãnh" in text
    assert "Sở Công Thương trân trọng mời quý cơ sở" in text
    assert "đến hết ngày 31 tháng 01 năm 2027" in text
    assert "KT. GIÁM ĐỐC PHÓ GIÁM ĐỐC" in text
    assert "Trần Văn Hưng" in text
    assert "Mã thư: CD-2026-12/000123" in text


def test_the_qr_code_scans_to_the_personal_link_which_is_also_printed():
    # when
    pdf = render_letter(letter=a_letter())
    # then
    assert scanned_codes(pdf) == [PERSONAL_LINK]
    assert PERSONAL_LINK in page_texts(pdf)[0].replace(" ", "")


def test_the_letter_carries_the_opt_out_link_and_the_two_decrees():
    text = page_texts(render_letter(letter=a_letter()))[0]

    assert OPT_OUT_LINK in text.replace(" ", "")
    assert "Nghị định 13/2023/NĐ-CP" in text
    assert "Nghị định 91/2020/NĐ-CP" in text
    assert "Liên hệ: Phòng Thương mại điện tử, 0277 3851 234" in text


def test_a_batch_prints_each_business_on_its_own_page_with_its_own_code():
    # given three businesses with their own links
    letters = [
        a_letter(business_name=f"Cơ sở Sen Tháp Mười số {n}", personal_link=f"https://sme.dongthap.gov.vn/moi/ma-{n}x")
        for n in range(3)
    ]
    # when
    pdf = render_letters(letters=letters)
    # then
    texts = page_texts(pdf)
    assert len(texts) == 3
    for n, text in enumerate(texts):
        assert f"Kính gửi: Cơ sở Sen Tháp Mười số {n}" in text
        assert scanned_codes(pdf, page=n) == [f"https://sme.dongthap.gov.vn/moi/ma-{n}x"]


def test_writing_from_an_iterator_streams_into_a_file_and_counts_pages(tmp_path):
    # given a generator, as a queryset's iterator would give them
    letters = (a_letter(business_name=f"Cơ sở {n}", personal_link=f"https://sme.dongthap.gov.vn/moi/{n}")
               for n in range(4))
    path = tmp_path / "thu-moi.pdf"
    # when
    with path.open("wb") as output:
        pages = write_letters(letters=letters, output=output)
    # then
    assert pages == 4
    assert [t.split("Kính gửi: ")[1].split(" Địa chỉ")[0] for t in page_texts(path.read_bytes())] == [
        "Cơ sở 0", "Cơ sở 1", "Cơ sở 2", "Cơ sở 3"]


def test_a_very_long_address_continues_on_a_second_page_with_the_notice_on_both():
    # given an address from the register that runs on and on
    address = "Ấp Mỹ Hưng, " * 120
    # when
    pdf = render_letter(letter=a_letter(address=address))
    # then
    texts = page_texts(pdf)
    assert len(texts) == 2
    assert "(tiếp theo)" in texts[1]
    assert all("Nghị định 13/2023/NĐ-CP" in t and OPT_OUT_LINK in t.replace(" ", "") for t in texts)
    assert scanned_codes(pdf, page=1) == [PERSONAL_LINK]


def test_register_text_is_tidied_decomposed_letters_and_control_characters():
    # given a name typed with combining accents (NFD) and a tab and newline inside
    name = "C\u01a1 s\u01a1\u0309\tB\u00e1nh\nX\u00e8o"  # "Cơ sở Bánh Xèo" with a combining hook above
    # when
    text = page_texts(render_letter(letter=a_letter(business_name=name)))[0]
    # then
    assert "Kính gửi: Cơ sở Bánh Xèo" in text


@pytest.mark.parametrize(("changes", "message"), [
    ({"business_name": "  "}, "thiếu tên cơ sở"),
    ({"personal_link": "javascript:alert(1)"}, "đường dẫn cá nhân không hợp lệ"),
    ({"personal_link": "https://"}, "đường dẫn cá nhân không hợp lệ"),
    ({"opt_out_link": ""}, "đường dẫn từ chối không hợp lệ"),
    ({"opt_out_link": "https://sme.dongthap.gov.vn/tu-choi/a b"}, "đường dẫn từ chối không hợp lệ"),
    ({"signer_name": "", "department": ""}, "thiếu người ký"),
])
def test_a_letter_that_cannot_be_printed_is_refused_with_a_clear_message(changes, message):
    with pytest.raises(LetterError, match=message):
        render_letter(letter=a_letter(**changes))


def test_one_bad_letter_in_a_streamed_batch_writes_nothing(tmp_path):
    # given a batch whose third letter has no link
    letters = [a_letter(), a_letter(), a_letter(personal_link="")]
    output = io.BytesIO()
    # when
    with pytest.raises(LetterError):
        write_letters(letters=iter(letters), output=output)
    # then
    assert output.getvalue() == b""


def test_an_empty_batch_is_refused():
    with pytest.raises(LetterError, match="Không có thư"):
        render_letters(letters=[])


def test_the_font_is_embedded_so_any_printer_prints_the_diacritics():
    # given
    reader = PdfReader(io.BytesIO(render_letter(letter=a_letter())))
    # when
    fonts = reader.pages[0]["/Resources"]["/Font"]
    descriptors = [fonts[name].get_object()["/FontDescriptor"].get_object() for name in fonts
                   if "/FontDescriptor" in fonts[name].get_object()]
    # then: every font on the page is a DejaVu subset carried inside the file
    assert descriptors
    assert all("/FontFile2" in d and "DejaVuSans" in str(d["/FontName"]) for d in descriptors)
