"""Product list page with 5,000 products.

Target (issue 3): at most 150 ms at the 95th percentile. Measured server-side through Django's test client
(middleware, session, queries, template), signed in as the owner, 200 requests per page after 10 warm-up ones.
"""

import time

from _harness import bench_databases, measurement, percentile, run_step

PRODUCTS = 5_000
REQUESTS = 200


def measure() -> dict:
    """Runs in its own process: build the catalog in bulk, then time the list page."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from sme.businesses.models import Business, LegalForm, MemberRole, Membership
    from sme.catalog.models import Category, Product, ProductImage, Variant
    from tests.factories import UserFactory, record_allauth_sign_in

    user = UserFactory(email="bench-list@example.test")
    business = Business.objects.create(legal_form=LegalForm.HOUSEHOLD, legal_name="Bench", identifier="087000000002",
                                       created_by=user)
    Membership.objects.create(business=business, user=user, role=MemberRole.OWNER)
    categories = list(Category.objects.all())
    products = Product.objects.bulk_create(
        [Product(business=business, key=f"SP{i:05d}", name=f"Hạt sen sấy Tháp Mười {i}",
                 search_text=f"hat sen say thap muoi {i}", category=categories[i % len(categories)],
                 status=["active", "draft", "archived"][i % 3]) for i in range(PRODUCTS)],
        batch_size=1000,
    )
    Variant.objects.bulk_create(
        [Variant(product=p, business=business, sku=f"SKU-{p.key}-{v}", option1_value=f"{v} kg", price=50_000 + v,
                 stock=v * 3) for p in products for v in range(3)],
        batch_size=2000,
    )
    ProductImage.objects.bulk_create(
        [ProductImage(product=p, image=f"catalog/x/{p.pk}.jpg", thumbnail=f"catalog/x/{p.pk}-t.webp",
                      sha256=f"{p.pk:064d}", original_name=f"{p.pk}.jpg", position=1, width=800, height=800) for p in products[::2]],
        batch_size=2000,
    )
    if connection.vendor == "postgresql":
        # A live database is analysed by autovacuum; a bulk-loaded one must be told, or plans are blind.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client = Client()
    client.force_login(user)
    record_allauth_sign_in(client, user)  # a finished allauth sign-in, two-factor included
    pages = {"list, page 1": "/catalog/", "list, page 60": "/catalog/?page=60",
             "search “sen 49”": "/catalog/?q=sen+49", "filter active + category": f"/catalog/?status=active&category={categories[0].pk}"}
    out = {}
    for label, url in pages.items():
        for _ in range(10):
            assert client.get(url).status_code == 200
        timings = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        out[label] = {"p50": percentile(timings, 50), "p95": percentile(timings, 95), "max": max(timings),
                      "queries": len(queries.captured_queries)}
    return {"pages": out}


def run() -> list[dict]:
    results = []
    for db in bench_databases("product_list"):
        with db:
            r = run_step("bench_product_list", "measure", database_url=db.url)
        for label, t in r["pages"].items():
            results.append({
                **measurement(f"{label}: p95", t["p95"], "ms", target=150, database=db.label,
                              notes=f"p50 {t['p50']:.1f} ms, max {t['max']:.1f} ms, {t['queries']} queries, "
                                    f"{REQUESTS} requests"),
                "database_version": r["database_version"],
            })
    return results
