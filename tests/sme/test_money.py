from django.template import Context, Template
from django.utils import translation

from sme.money import format_vnd

NBSP = "\u00a0"


def test_vietnamese_format_uses_dots_and_a_trailing_dong_sign():
    assert format_vnd(150000, language="vi") == f"150.000{NBSP}₫"


def test_english_format_uses_commas_and_a_leading_dong_sign():
    assert format_vnd(150000, language="en") == "₫150,000"


def test_vnd_has_no_minor_unit():
    assert format_vnd(1_250_000_000, language="vi") == f"1.250.000.000{NBSP}₫"
    assert format_vnd(0, language="en") == "₫0"


def test_template_filter_follows_the_active_language():
    template = Template("{% load money %}{{ price|vnd }}")
    with translation.override("vi"):
        assert template.render(Context({"price": 45000})) == f"45.000{NBSP}₫"
    with translation.override("en"):
        assert template.render(Context({"price": 45000})) == "₫45,000"
