"""Registering from a phone: the wards in Vietnamese order with a type-to-filter box, a wrong tax code
listed at the top of the form, and the journey's next step once registered."""

import pytest
from django.urls import reverse

from cms.demo import seed_journey
from sme.businesses.forms import RegistrationForm
from sme.collation import vietnamese_sort_key
from tests.factories import owner_user

from .test_register import REGISTER, form_data

pytestmark = pytest.mark.django_db


def test_the_102_wards_and_communes_are_in_vietnamese_alphabetical_order_and_can_be_filtered():
    field = RegistrationForm().fields["ward"]
    groups = dict(field.choices[1:])
    names = [name for group in groups.values() for _pk, name in group]

    assert len(names) == 102
    for group in groups.values():
        bare = [name.split(" ", 1)[1] for _pk, name in group]
        assert bare == sorted(bare, key=vietnamese_sort_key)
    communes = [name for _pk, name in list(groups.values())[1]]
    # C before Ch, D before Đ: not the order of the code points (which puts Đ after Y)
    assert communes.index("Xã Cái Bè") < communes.index("Xã Chợ Gạo") < communes.index("Xã Đốc Binh Kiều") \
        < communes.index("Xã Gia Thuận")
    assert field.widget.attrs["data-filter"]


def test_a_wrong_tax_code_is_listed_at_the_top_and_links_to_its_field(client):
    client.force_login(owner_user())

    response = client.post(REGISTER, form_data(identifier="1409876543"))

    html = response.content.decode()
    assert response.status_code == 200
    summary = html[html.index("data-error-summary"):].split("</div>", 1)[0]
    assert html.index("data-error-summary") < html.index('name="legal_form"')
    assert 'href="#id_identifier"' in summary
    assert "Chữ số kiểm tra không đúng" in summary


def test_after_registering_the_business_page_says_the_journeys_next_step(client):
    seed_journey()
    client.force_login(owner_user())

    response = client.post(REGISTER, form_data(), follow=True)

    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("businesses:home")
    card = html[html.index("data-next-step"):].split("</section>", 1)[0]
    assert "Chụp ảnh và viết mô tả sản phẩm" in card
    assert f'href="{reverse("catalog:product_create")}"' in card


def test_a_new_member_without_a_business_is_told_to_register_one_on_their_account_page(client):
    client.force_login(owner_user())

    html = client.get(reverse("accounts:dashboard")).content.decode()

    card = html[html.index("data-next-step"):].split("</section>", 1)[0]
    assert "Đăng ký cơ sở kinh doanh" in card
    assert f'href="{REGISTER}"' in card
