"""The administrative units fixture: 102 current units of Đồng Tháp plus the legacy ones and the mapping."""

import pytest

from sme.businesses.models import AdministrativeUnit, LegacyToNewUnit, UnitKind, UnitLevel
from sme.businesses.selectors import legacy_unit_candidates

pytestmark = pytest.mark.django_db


def test_there_are_exactly_102_current_units_20_wards_and_82_communes():
    # when
    current = AdministrativeUnit.objects.current()

    # then
    assert current.count() == 102
    assert current.filter(kind=UnitKind.PHUONG).count() == 20
    assert current.filter(kind=UnitKind.XA).count() == 82
    assert set(current.values_list("province_code", flat=True)) == {"82"}


@pytest.mark.parametrize(("code", "name"), [("28261", "Phường Mỹ Tho"), ("29869", "Phường Cao Lãnh"),
                                            ("30226", "Xã Lai Vung"), ("30037", "Xã Tháp Mười")])
def test_current_units_keep_their_official_codes(code, name):
    assert AdministrativeUnit.objects.current().get(code=code).name == name


def test_the_twenty_phuong_are_the_official_list():
    expected = {"Mỹ Tho", "Đạo Thạnh", "Mỹ Phong", "Thới Sơn", "Trung An", "Gò Công", "Long Thuận", "Sơn Qui",
                "Bình Xuân", "Mỹ Phước Tây", "Thanh Hòa", "Cai Lậy", "Nhị Quý", "An Bình", "Hồng Ngự",
                "Thường Lạc", "Cao Lãnh", "Mỹ Ngãi", "Mỹ Trà", "Sa Đéc"}
    names = AdministrativeUnit.objects.current().filter(kind=UnitKind.PHUONG).values_list("name", flat=True)
    assert {n.removeprefix("Phường ") for n in names} == expected


def test_legacy_units_of_old_dong_thap_and_tien_giang():
    # then: old Đồng Tháp (GSO 87) 12 districts / 141 communes, Tiền Giang (GSO 82) 11 / 164
    legacy = AdministrativeUnit.objects.filter(is_current=False)
    assert legacy.filter(level=UnitLevel.DISTRICT, province_code="87").count() == 12
    assert legacy.filter(level=UnitLevel.DISTRICT, province_code="82").count() == 11
    assert legacy.filter(level=UnitLevel.COMMUNE, province_code="87").count() == 141
    assert legacy.filter(level=UnitLevel.COMMUNE, province_code="82").count() == 164
    assert legacy.filter(valid_to__isnull=True).count() == 0
    lai_vung = legacy.get(level=UnitLevel.DISTRICT, code="876")
    assert lai_vung.name == "Huyện Lai Vung"
    assert lai_vung.children.count() == 12


def test_every_legacy_commune_maps_to_at_least_one_new_unit():
    communes = AdministrativeUnit.objects.legacy_communes()
    assert communes.filter(new_units__isnull=True).count() == 0


def test_merged_communes_map_to_one_new_unit():
    # given Thị trấn Sa Rài, Bình Phú and Tân Công Chí became Xã Tân Hồng
    tan_hong = AdministrativeUnit.objects.legacy_districts().get(name="Huyện Tân Hồng")
    olds = AdministrativeUnit.objects.legacy_communes().filter(
        parent=tan_hong, name__in=["Thị trấn Sa Rài", "Xã Bình Phú", "Xã Tân Công Chí"])

    # then
    assert olds.count() == 3
    for old in olds:
        assert [u.name for u in legacy_unit_candidates(legacy=old)] == ["Xã Tân Hồng"]
        assert not old.new_units.get().is_ambiguous


def test_split_commune_keeps_all_candidates_and_is_flagged():
    # given Xã Gáo Giồng (old Cao Lãnh district) was split
    old = AdministrativeUnit.objects.legacy_communes().get(name="Xã Gáo Giồng")

    # when
    candidates = legacy_unit_candidates(legacy=old)

    # then: the default guess first, both kept, both flagged
    assert [u.name for u in candidates] == ["Xã Phong Mỹ", "Xã Phú Cường"]
    assert set(LegacyToNewUnit.objects.filter(legacy=old).values_list("is_ambiguous", flat=True)) == {True}
    assert LegacyToNewUnit.objects.filter(is_ambiguous=True).values("legacy").distinct().count() == 3
