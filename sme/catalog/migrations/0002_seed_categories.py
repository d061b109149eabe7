"""Seed the platform's product taxonomy with Đồng Tháp's typical products (Vietnamese + English names)."""

from django.db import migrations

CATEGORIES = [
    ("fruit", "Trái cây", "Fruit"),
    ("vegetables", "Rau củ", "Vegetables"),
    ("rice-products", "Gạo và sản phẩm từ gạo", "Rice and rice products"),
    ("lotus-products", "Sản phẩm từ sen", "Lotus products"),
    ("dried-fish", "Khô cá và thủy sản khô", "Dried fish and seafood"),
    ("fish-sauce", "Mắm và nước mắm", "Fish sauce and fermented fish"),
    ("processed-meat", "Nem, khô bò và thịt chế biến", "Nem, dried meat and processed meat"),
    ("processed-foods", "Thực phẩm chế biến", "Processed foods"),
    ("confectionery", "Bánh, mứt, kẹo", "Cakes, candied fruit and sweets"),
    ("beverages-tea", "Đồ uống và trà", "Beverages and tea"),
    ("honey", "Mật ong", "Honey"),
    ("flowers-plants", "Hoa và cây cảnh", "Flowers and ornamental plants"),
    ("handicrafts", "Thủ công mỹ nghệ", "Handicrafts"),
    ("essential-oils", "Tinh dầu", "Essential oils"),
    ("medicinal-herbs", "Dược liệu", "Medicinal herbs"),
    ("other", "Khác", "Other"),
]


def forward(apps, schema_editor):
    Category = apps.get_model("catalog", "Category")
    for position, (code, name_vi, name_en) in enumerate(CATEGORIES, start=1):
        Category.objects.update_or_create(
            code=code, defaults={"name_vi": name_vi, "name_en": name_en, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_catalog_models")]
    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
