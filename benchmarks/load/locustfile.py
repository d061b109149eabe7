"""The load scenario of ``make load`` (run by run_load.py, which makes the data and starts the stack).

Three kinds of users, signed in with the sessions run_load.py made (LOAD_FIXTURE):

- owners (weight 3) browse and search the catalog, open and save products (a price change through the real
  form, CSRF included), read a variant's stock history, their shops, listings, publish runs and orders,
  upload the sample sheet to preview an import, and publish a product to their sandbox Shopee shop;
- trade officers (weight 1) read the dashboard (by ward, by marketplace with the daily trend), the
  businesses list and the funnel, and call the API (indicator, trend) with their token;
- the marketplace (weight 1) pushes order notifications signed as Shopee signs them, for orders its
  sandbox shop holds (each push a new event, so each one is recorded and fetched by a worker).

Every request is named by page, so Locust's statistics are per page; a page that does not answer as a user
expects (a form sent back, a redirect to the login) counts as a failure.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import os
import random
import re
import time
from pathlib import Path

from html_forms import form_fields
from locust import HttpUser, between, task

FIXTURE = json.loads(Path(os.environ["LOAD_FIXTURE"]).read_text())
_owner_numbers = itertools.count()
_officer_numbers = itertools.count()
_push_numbers = itertools.count(int(time.time()))
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _expect(response, *, status: int, where: str = "") -> None:
    """Mark the request failed when it is not what a user expects (a 200 page, a 302 after a form)."""
    if response.status_code != status:
        response.failure(f"{response.status_code} instead of {status}" + (f": {response.error}" if response.error else ""))
    elif where and where not in (response.headers.get("Location") or ""):
        response.failure(f"redirected to {response.headers.get('Location')}")
    elif status == 302 and "/accounts/login" in (response.headers.get("Location") or ""):
        response.failure("signed out")
    else:
        response.success()


class Owner(HttpUser):
    weight = 3
    wait_time = between(1, 3)

    def on_start(self):
        self.me = FIXTURE["owners"][next(_owner_numbers) % len(FIXTURE["owners"])]
        self.client.cookies.set("sessionid", self.me["session"])
        self.unpublished = list(self.me["unpublished_ids"])
        random.shuffle(self.unpublished)

    def _get(self, url: str, name: str):
        with self.client.get(url, name=name, allow_redirects=False, catch_response=True) as response:
            _expect(response, status=200)
            return response

    @task(4)
    def catalog(self):
        self._get("/catalog/", "catalog")

    @task(2)
    def catalog_search(self):
        self._get(f"/catalog/?q=loại {random.randint(1, 39)}", "catalog search")

    @task(3)
    def product_edit(self):
        self._get(f"/catalog/{random.choice(self.me['product_ids'])}/", "product edit")

    @task(2)
    def product_save(self):
        product = random.choice(self.me["product_ids"])
        page = self._get(f"/catalog/{product}/", "product edit")
        fields = form_fields(page.text, action="")
        # a new price on the variants (the blank row for a new variant stays blank)
        fields = [(k, str(50_000 + random.randint(0, 50) * 1000) if k.endswith("-price") and v else v) for k, v in fields]
        with self.client.post(f"/catalog/{product}/", data=fields, name="product save", allow_redirects=False,
                              catch_response=True, headers={"Referer": f"{self.host}/catalog/{product}/"}) as response:
            _expect(response, status=302)

    @task(1)
    def stock_history(self):
        self._get(f"/catalog/variants/{random.choice(self.me['variant_ids'])}/stock/", "stock history")

    @task(1)
    def shops(self):
        self._get("/marketplaces/", "shops")

    @task(2)
    def listings(self):
        self._get(f"/marketplaces/{self.me['account_id']}/", "listings")

    @task(1)
    def runs(self):
        self._get(f"/marketplaces/{self.me['account_id']}/runs/", "runs")

    @task(2)
    def orders(self):
        self._get("/marketplaces/orders/", "orders")

    @task(1)
    def order_detail(self):
        self._get(f"/marketplaces/orders/{random.choice(self.me['order_ids'])}/", "order detail")

    @task(1)
    def getting_started(self):
        self._get("/getting-started/", "getting started")

    @task(1)
    def import_sheet(self):
        page = self._get("/imports/", "imports")
        token = CSRF.search(page.text)
        sheet = self.client.get("/imports/sample.xlsx", name="imports: sample sheet").content
        with self.client.post("/imports/", name="imports: upload", allow_redirects=False, catch_response=True,
                              data={"csrfmiddlewaretoken": token.group(1) if token else ""},
                              files={"sheet": ("mau.xlsx", sheet,
                                               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")},
                              headers={"Referer": f"{self.host}/imports/"}) as response:
            _expect(response, status=302, where="/imports/")
            job = response.headers.get("Location", "")
        if job:
            self._get(job, "import job")
            self._get(job.rstrip("/") + "/status.json", "import job status")

    @task(1)
    def publish(self):
        account = self.me["account_id"]
        page = self._get(f"/marketplaces/{account}/", "listings")
        token = CSRF.search(page.text)
        product = self.unpublished.pop() if self.unpublished else random.choice(self.me["published_ids"])
        with self.client.post(f"/marketplaces/{account}/publish/", name="publish", allow_redirects=False,
                              catch_response=True, data={"csrfmiddlewaretoken": token.group(1) if token else "",
                                                         "product": [product]},
                              headers={"Referer": f"{self.host}/marketplaces/{account}/"}) as response:
            _expect(response, status=302, where=f"/marketplaces/{account}/")
            run = response.headers.get("Location", "")
        if "/runs/" in run:
            self._get(run, "run")
            self._get(run.rstrip("/") + "/progress/", "run progress")


class Officer(HttpUser):
    weight = 1
    wait_time = between(1, 3)

    def on_start(self):
        me = FIXTURE["officers"][next(_officer_numbers) % len(FIXTURE["officers"])]
        self.client.cookies.set("sessionid", me["session"])
        self.api = {"Authorization": f"Bearer {me['api_token']}"}

    def _get(self, url: str, name: str, headers=None):
        with self.client.get(url, name=name, headers=headers, allow_redirects=False, catch_response=True) as response:
            _expect(response, status=200)

    @task(3)
    def dashboard_by_ward(self):
        self._get("/officer/?by=ward", "officer dashboard by ward")

    @task(2)
    def dashboard_by_marketplace(self):
        self._get("/officer/?by=marketplace&granularity=daily", "officer dashboard by marketplace, daily")

    @task(1)
    def businesses(self):
        self._get("/officer/businesses/", "officer businesses")

    @task(1)
    def funnel(self):
        self._get("/officer/funnel/", "officer funnel")

    @task(2)
    def api_indicator(self):
        self._get("/officer/api/v1/indicator?by=ward", "officer API indicator", headers=self.api)

    @task(1)
    def api_trend(self):
        self._get("/officer/api/v1/trend", "officer API trend", headers=self.api)


class Marketplace(HttpUser):
    """Shopee pushing order notifications (code 3) for its shops' orders, signed with the partner key."""

    weight = 1
    wait_time = between(1, 3)

    @task
    def push_order(self):
        shop = random.choice(FIXTURE["shops"])
        sn = random.choice(shop["order_sns"])
        stamp = next(_push_numbers)
        body = json.dumps({"code": 3, "shop_id": shop["shop_id"], "timestamp": stamp,
                           "data": {"ordersn": sn, "status": "READY_TO_SHIP", "update_time": stamp}},
                          separators=(",", ":")).encode()
        url = f"{self.host}{FIXTURE['push_path']}"
        signature = hmac.new(FIXTURE["partner_key"].encode(), url.encode() + b"|" + body, hashlib.sha256).hexdigest()
        with self.client.post(FIXTURE["push_path"], data=body, name="push: Shopee order", catch_response=True,
                              headers={"Authorization": signature, "Content-Type": "application/json"}) as response:
            if response.status_code != 200 or response.content:
                response.failure(f"{response.status_code} {(response.content or b'')[:80]!r} {response.error or ''}")
            else:
                response.success()
