"""An order on one marketplace moves the stock on the other: Lazada order to Shopee stock, end to end.

Target (issue 5): within 60 s at the 95th percentile (peers advertise 5-10 minutes). Measured from the
moment a buyer's order is placed on the Lazada simulator until the Shopee simulator shows the lower stock:
Lazada's signed push reaches our site (a real HTTP server running Django), the push view enqueues the order
import, a real ``celery worker`` process imports the order, takes the units from the catalog and enqueues
the stock push, which updates Shopee. The broker is Redis when it answers (production's), else the
filesystem broker (``make run``'s). Without push notifications the scheduled import (every
MARKETPLACE_ORDER_POLL_SECONDS, 60 s by default) bounds the delay instead; that path is not timed here.
"""

import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from _harness import ROOT, bench_databases, measurement, percentile, run_step

ORDERS = int(os.environ.get("BENCH_ORDERS", "40"))
TARGET_P95_SECONDS = 60.0


def _redis_url() -> str:
    url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12")
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        client.ping()
        client.flushdb()
        return url
    except Exception:  # noqa: BLE001 - any failure means "no Redis here"
        return ""


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class _ThreadingWSGIServer(WSGIServer):
    daemon_threads = True

    def process_request(self, request, client_address):
        threading.Thread(target=self._handle, args=(request, client_address), daemon=True).start()

    def _handle(self, request, client_address):
        try:
            self.finish_request(request, client_address)
        finally:
            self.shutdown_request(request)


def measure() -> dict:
    """Runs in its own process on a fresh database."""
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application
    from django.db import transaction

    from accounts.models import User
    from config.celery_app import app as celery_app
    from marketplace_connectors import sync
    from marketplace_connectors.backends.lazada.connector import LazadaConnector
    from marketplace_connectors.backends.shopee.connector import ShopeeConnector
    from marketplace_connectors.models import (
        AccountStatus,
        CategoryMapping,
        ListingBinding,
        MarketplaceAccount,
    )
    from marketplace_connectors.registry import registry_reset
    from marketplace_sandbox.lazada import LazadaSimulator
    from marketplace_sandbox.shopee import ShopeeSimulator
    from sme.businesses.models import Business, LegalForm
    from sme.catalog.models import Category
    from sme.catalog.services import ProductInput, VariantInput, image_add, product_create

    shopee = ShopeeSimulator(partner_id=2001887, partner_key="bench_partner_key", reject_repeated_items=False).start()  # noqa: S106
    lazada = LazadaSimulator(app_key="bench-app", app_secret="bench-secret").start()  # noqa: S106
    marketplace_env = {
        "SHOPEE_API_HOST": shopee.url, "SHOPEE_PARTNER_ID": "2001887", "SHOPEE_PARTNER_KEY": "bench_partner_key",
        "SHOPEE_RATE_LIMIT": "1000", "SHOPEE_SHOP_RATE_LIMIT": "1000",
        "LAZADA_API_HOST": f"{lazada.url}/rest", "LAZADA_AUTH_HOST": f"{lazada.url}/rest",
        "LAZADA_AUTHORIZE_URL": f"{lazada.url}/oauth/authorize", "LAZADA_APP_KEY": "bench-app",
        "LAZADA_APP_SECRET": "bench-secret", "MARKETPLACE_RATE_LIMIT_REDIS_URL": "",
    }
    for key, value in marketplace_env.items():
        setattr(settings, key, type(getattr(settings, key, ""))(value) if key.endswith(("_ID", "LIMIT")) else value)
    settings.MARKETPLACE_HTTP_TIMEOUTS = (2.0, 5.0)
    registry_reset()
    worker = None
    server = None
    try:
        # given a worker (a real ``celery worker`` process on the broker this process was started with)
        if celery_app.conf.task_always_eager:
            raise RuntimeError("run with CELERY_TASK_ALWAYS_EAGER=false")
        worker_env = {**os.environ, **marketplace_env, "DJANGO_LOG_LEVEL": "WARNING"}
        worker = subprocess.Popen(  # noqa: S603 - our own worker
            [str(Path(sys.executable).parent / "celery"), "-A", "config", "worker", "-l", "warning", "--concurrency", "2",
             "--without-gossip", "--without-mingle", "-n", f"bench-{os.getpid()}@%h"],
            cwd=ROOT, env=worker_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        # and a business selling 40 products (2 sizes each) on both shops, published by that worker
        owner = User.objects.create_user(email="bench-owner@example.vn", password=None)
        business = Business.objects.create(legal_form=LegalForm.HOUSEHOLD, legal_name="Hộ kinh doanh Bench",
                                           identifier="860000000001", created_by=owner)
        category = Category.objects.get_or_create(code="rice-products", defaults={
            "name_vi": "Gạo và sản phẩm từ gạo", "name_en": "Rice and rice products"})[0]
        from PIL import Image

        photo = Path(tempfile.mkdtemp(prefix="bench-photo-")) / "photo.png"
        Image.new("RGB", (400, 400), (30, 120, 60)).save(photo)
        products = []
        for n in range(ORDERS):
            product = product_create(business=business, actor=None, data=ProductInput(
                name=f"Gạo ST25 Đồng Tháp túi {n}", category=category, option1_name="Khối lượng", key=f"B-{n:03d}",
                status="active", description="<p>Gạo ST25 Đồng Tháp, đóng gói hút chân không, giao hàng toàn quốc, "
                                             "bảo quản nơi khô ráo, thoáng mát, tránh ánh nắng trực tiếp.</p>"),
                variants=[VariantInput(sku=f"B-{n:03d}-{i}", price=60_000 + 20_000 * i, option1_value=f"{i} kg",
                                       stock=50, weight_g=1000 * i, length_cm=30, width_cm=20, height_cm=5 + i)
                          for i in (1, 2)])
            image_add(product=product, data=photo.read_bytes(), name=f"b-{n}.png")
            products.append(product)
        accounts = {}
        code, shop_id = shopee.issue_code()
        lazada_code, _seller = lazada.issue_code("200100300")
        for name, connector, params in (("shopee", ShopeeConnector(), {"code": code, "shop_id": str(shop_id)}),
                                        ("lazada", LazadaConnector(), {"code": lazada_code})):
            tokens = connector.exchange_code(params=params)
            account = MarketplaceAccount(business=business, marketplace=name, external_shop_id=tokens.shop_id,
                                         status=AccountStatus.ACTIVE, logistics_channel_id="50011" if name == "shopee" else "lazada",
                                         access_expires_at=tokens.access_expires_at, connected_at=tokens.access_expires_at.replace(year=2020))
            account.set_tokens(access_token=tokens.access_token, refresh_token=tokens.refresh_token)
            account.save()
            accounts[name] = account
        CategoryMapping.objects.create(account=accounts["shopee"], category=category, external_category_id="100101",
                                       attribute_values={"501": ["5011"], "502": ["12 tháng"]})
        CategoryMapping.objects.create(account=accounts["lazada"], category=category, external_category_id="10000101",
                                       attribute_values={"origin": ["Việt Nam"], "shelf_life": ["12 tháng"]})
        for account in accounts.values():
            with transaction.atomic():
                sync.sync_run_start(account=account, kind="publish", product_ids=[p.pk for p in products])
        deadline = time.monotonic() + 300
        while ListingBinding.objects.filter(status="live").count() < 2 * ORDERS and time.monotonic() < deadline:
            time.sleep(0.5)
        live = ListingBinding.objects.filter(status="live").count()
        if live != 2 * ORDERS:
            errors = set(ListingBinding.objects.exclude(status="live").values_list("account__marketplace", "last_error"))
            worker.terminate()
            _out, err = worker.communicate(timeout=20)
            raise RuntimeError(f"only {live} of {2 * ORDERS} listings went live: {sorted(errors)[:3]}; worker said: "
                               f"{err.decode(errors='replace')[-3000:]}")

        # and our site answering pushes over HTTP
        server = make_server("127.0.0.1", 0, get_wsgi_application(), server_class=_ThreadingWSGIServer,
                             handler_class=_QuietHandler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        settings.ALLOWED_HOSTS = ["*"]
        lazada.push_url = f"http://127.0.0.1:{server.server_port}/marketplaces/push/lazada/"

        # when buyers order one bag each on Lazada, one product after another
        latencies = []
        shop = accounts["shopee"].external_shop_id
        for n in range(ORDERS):
            sku = f"B-{n:03d}-2"
            before = shopee.stock_of(shop_id=shop, sku=sku)
            started = time.monotonic()
            lazada.create_order(shop_id=accounts["lazada"].external_shop_id, items=[(sku, 1)])
            deadline = started + 2 * TARGET_P95_SECONDS
            while shopee.stock_of(shop_id=shop, sku=sku) != before - 1 and time.monotonic() < deadline:
                time.sleep(0.02)
            latencies.append(time.monotonic() - started)
            if shopee.stock_of(shop_id=shop, sku=sku) != before - 1:
                worker.terminate()
                _out, err = worker.communicate(timeout=20)
                raise RuntimeError(f"Shopee stock did not follow; pushes: {lazada.push_deliveries[-1:]}; worker said: "
                                   f"{err.decode(errors='replace')[-3000:]}")
        return {"latencies": latencies,
                "broker": "Redis" if str(celery_app.conf.broker_url).startswith("redis") else "filesystem",
                "orders": ORDERS, "pushes": len(lazada.push_deliveries)}
    finally:
        if server is not None:
            server.shutdown()
        if worker is not None:
            worker.terminate()
            try:
                worker.wait(20)
            except subprocess.TimeoutExpired:
                worker.kill()
        shopee.stop()
        lazada.stop()


def run() -> list[dict]:
    results = []
    redis_url = _redis_url()
    for db in bench_databases("order_stock"):
        with db, tempfile.TemporaryDirectory(prefix="bench-broker-") as folder:
            # the step process and its worker share the broker through the environment
            if redis_url:
                broker = {"CELERY_BROKER_URL": redis_url, "CELERY_RESULT_BACKEND": redis_url}
            else:
                Path(folder, "results").mkdir()
                broker = {"CELERY_BROKER_URL": f"sqlite:///{folder}/broker.sqlite3",
                          "CELERY_RESULT_BACKEND": f"file://{folder}/results"}
            # automatic stock sync is a paid-plan feature; without Stripe every business has DEFAULT_PLAN
            saved = {k: os.environ.get(k) for k in [*broker, "CELERY_TASK_ALWAYS_EAGER", "DEFAULT_PLAN"]}
            os.environ.update(broker, CELERY_TASK_ALWAYS_EAGER="false", DEFAULT_PLAN="growth")
            try:
                r = run_step("bench_order_stock", "measure", database_url=db.url)
            finally:
                for key, value in saved.items():
                    if value is None:
                        os.environ.pop(key, None)
                    else:
                        os.environ[key] = value
            lat = r["latencies"]
            where = f"{db.label}, {r['broker']} broker"
            notes = (f"{r['orders']} orders one after another; p50 {percentile(lat, 50):.2f} s, max {max(lat):.2f} s; "
                     f"{r['pushes']} Lazada pushes delivered; 1 Celery worker (2 processes)")
            results.append(measurement("Lazada order to Shopee stock: p95", percentile(lat, 95), "s",
                                       target=TARGET_P95_SECONDS, database=where, notes=notes))
    return results
