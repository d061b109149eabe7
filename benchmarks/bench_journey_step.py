"""Journey step pages and the Getting started page, with the seeded journey (issue 6).

Target: a step page answers in at most 100 ms at the 95th percentile. Measured server-side through Django's
test client (middleware, session, Wagtail routing, progress queries, template with the per-block fragment
cache), signed in as an owner with 12 products, 200 requests per page after 10 warm-up ones, in Vietnamese
and in English.
"""

import time

from _harness import bench_databases, measurement, percentile, run_step

REQUESTS = 200


def measure() -> dict:
    """Runs in its own process: seed the journey, make an owner with a catalog, time the pages."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cms.demo import seed_journey
    from sme.businesses.models import Business, LegalForm, MemberRole, Membership
    from sme.catalog.models import Product, ProductImage, Variant
    from tests.factories import UserFactory, record_allauth_sign_in

    seed_journey()
    user = UserFactory(email="bench-journey@example.test")
    business = Business.objects.create(legal_form=LegalForm.HOUSEHOLD, legal_name="Bench", identifier="087000000003",
                                       main_sector="A", created_by=user)
    Membership.objects.create(business=business, user=user, role=MemberRole.OWNER)
    products = Product.objects.bulk_create([
        Product(business=business, key=f"SP{i}", name=f"Quýt hồng Lai Vung {i}", status="active")
        for i in range(12)])
    Variant.objects.bulk_create([Variant(product=p, business=business, sku=f"SKU-{p.key}", price=60_000, stock=5)
                                 for p in products])
    ProductImage.objects.create(product=products[0], image="catalog/x/1.jpg", thumbnail="catalog/x/1-t.webp",
                                sha256="1" * 64, position=1, width=800, height=800)
    client = Client()
    client.force_login(user)
    record_allauth_sign_in(client, user)  # a finished allauth sign-in, two-factor included
    pages = {
        "step page (checklist)": "/hanh-trinh-ban-hang-online/phap-ly-khi-ban-online/",
        "step page (automatic)": "/hanh-trinh-ban-hang-online/chup-anh-va-mo-ta-san-pham/",
        "Getting started": "/getting-started/",
    }
    out = {}
    for language in ("vi", "en"):
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
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
            out[f"{label}, {language}"] = {"p50": percentile(timings, 50), "p95": percentile(timings, 95),
                                           "max": max(timings), "queries": len(queries.captured_queries)}
    return {"pages": out}


def run() -> list[dict]:
    results = []
    for db in bench_databases("journey"):
        with db:
            r = run_step("bench_journey_step", "measure", database_url=db.url)
        for label, t in r["pages"].items():
            results.append({
                **measurement(f"{label}: p95", t["p95"], "ms", target=100, database=db.label,
                              notes=f"p50 {t['p50']:.1f} ms, max {t['max']:.1f} ms, {t['queries']} queries, "
                                    f"{REQUESTS} requests"),
                "database_version": r["database_version"],
            })
    return results
