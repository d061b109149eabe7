"""The sample import sheet (samples/catalog-sample.xlsx): products the demo catalogs do not have yet,
written the way owners type them (Vietnamese numbers, option rows). Rebuild it with
``python manage.py catalog_sample``."""

from pathlib import Path

from .sheets import _workbook, example_row

SAMPLE_PATH = Path(__file__).resolve().parent / "samples" / "catalog-sample.xlsx"

SAMPLE_ROWS = [
    {"product_key": "MAT-ONG-TRAM", "name": "Mật ong hoa tràm Tràm Chim", "category": "honey",
     "brand": "HTX Tràm Chim", "status": "active", "description": "Mật ong hoa tràm nguyên chất, thu hoạch ở Tam Nông.",
     "option1_name": "Dung tích", "option1_value": "Chai 500 ml", "sku": "MOT-500", "price": "180.000",
     "list_price": "200.000", "stock": "40", "barcode": "0893600030016", "weight_g": "750", "length_cm": "8",
     "width_cm": "8", "height_cm": "20", "ocop_stars": "3"},
    {"product_key": "MAT-ONG-TRAM", "option1_value": "Chai 1 lít", "sku": "MOT-1000", "price": "340.000 ₫",
     "stock": "15", "barcode": "0893600030023", "weight_g": "1.450", "length_cm": "10", "width_cm": "10",
     "height_cm": "28"},
    {"product_key": "TINH-DAU-SA", "name": "Tinh dầu sả chanh Đồng Tháp", "category": "essential-oils",
     "brand": "Tinh dầu Đất Sen", "status": "active", "option1_name": "Dung tích", "option1_value": "10 ml",
     "sku": "TDS-10", "price": "45.000", "stock": "100", "weight_g": "60", "length_cm": "3", "width_cm": "3",
     "height_cm": "9"},
    {"product_key": "TINH-DAU-SA", "option1_value": "50 ml", "sku": "TDS-50", "price": "150.000", "stock": "30",
     "weight_g": "150", "length_cm": "4,5", "width_cm": "4,5", "height_cm": "12,5"},
    {"product_key": "KHO-TRAU", "name": "Khô trâu Tân Hồng", "category": "processed-meat",
     "brand": "Bếp Tân Hồng", "status": "draft", "option1_name": "Khối lượng", "option1_value": "250 g",
     "sku": "KT-250", "price": "195.000", "stock": "20", "weight_g": "300"},
    {"product_key": "KHO-TRAU", "option1_value": "500 g", "sku": "KT-500", "price": "380.000", "stock": "12",
     "weight_g": "560"},
    {"product_key": "GAO-VD20", "name": "Gạo VD20 Gò Công", "category": "rice-products", "brand": "HTX Gò Công",
     "status": "active", "option1_name": "Khối lượng", "option1_value": "Túi 5 kg", "sku": "VD20-5",
     "price": "125.000", "stock": "60", "barcode": "0893600030030", "weight_g": "5.050", "length_cm": "40",
     "width_cm": "25", "height_cm": "8"},
    {"product_key": "GAO-VD20", "option1_value": "Bao 10 kg", "sku": "VD20-10", "price": "240.000", "stock": "25",
     "weight_g": "10.100", "length_cm": "60", "width_cm": "35", "height_cm": "12"},
    {"product_key": "DUA-MAM", "name": "Dưa mắm Sa Đéc", "category": "fish-sauce", "brand": "Bà Ba Sa Đéc",
     "status": "active", "sku": "DM-500", "price": "55.000", "stock": "70", "weight_g": "600"},
]


def sample_workbook() -> bytes:
    """The sample sheet: the template's layout, example row, then SAMPLE_ROWS."""
    return _workbook([example_row(), *SAMPLE_ROWS])


def sample_write(path: Path = SAMPLE_PATH) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(sample_workbook())
    return path
