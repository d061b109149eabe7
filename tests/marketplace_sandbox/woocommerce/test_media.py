"""The WooCommerce sandbox's media route against docs/marketplaces/woocommerce.md's media cases M1-M3, M5 and M6
(WordPress's attachments controller, S-media; its Application Password check, U-apppw): consumer keys are not a
WordPress user there; a wrong Application Password is refused; a user whose role cannot upload files is
refused; each missing part of an upload has its own code."""

import requests

from marketplace_sandbox.woocommerce import WooCommerceSimulator
from marketplace_sandbox.woocommerce.state import SANDBOX_APP_PASSWORD as APP_PASSWORD
from marketplace_sandbox.woocommerce.state import SANDBOX_CONSUMER_KEY as CK
from marketplace_sandbox.woocommerce.state import SANDBOX_CONSUMER_SECRET as CS
from marketplace_sandbox.woocommerce.state import SANDBOX_USERNAME as USER
from tests.marketplace_connectors.factories import png_bytes

MEDIA = "/wp-json/wp/v2/media"


def upload(shop, *, auth=(USER, APP_PASSWORD), headers=None, body=None):
    headers = {"Content-Type": "image/png", "Content-Disposition": 'attachment; filename="gao.png"'} \
        if headers is None else headers
    return requests.post(shop.url + MEDIA, auth=auth, headers=headers, data=png_bytes() if body is None else body,
                         timeout=5)


def test_m1_consumer_keys_on_a_site_without_application_passwords_are_no_user_at_all():
    # WooCommerce authenticates keys on wc/ routes only (S-auth); nobody on this site has an Application
    # Password, so WordPress reads no credentials and the attachments controller refuses (S-media)
    with WooCommerceSimulator(app_passwords={}) as shop:
        keys = upload(shop, auth=(CK, CS))
        assert (keys.status_code, keys.json()["code"]) == (401, "rest_cannot_create")
        assert keys.json()["message"] == "Sorry, you are not allowed to create posts as this user."
        assert shop.media == {}


def test_m1_m2_m3_m5_media_uploads_as_wordpress_answers_them():
    with WooCommerceSimulator() as shop:
        # M1: a consumer key is no WordPress user on /wp/v2/; with Application Passwords in use on the site,
        # WordPress reads the key as a user name (U-apppw)
        keys = upload(shop, auth=(CK, CS))
        assert (keys.status_code, keys.json()["code"]) == (401, "invalid_username")
        assert keys.json()["message"] == "<strong>Error</strong>: Unknown username. Check again or try your email address."
        # M3: each missing part of the upload has its own code
        assert upload(shop, body=b"").json()["code"] == "rest_upload_no_data"
        no_disposition = upload(shop, headers={"Content-Type": "image/png"})
        assert (no_disposition.status_code, no_disposition.json()["code"]) == (400, "rest_upload_no_content_disposition")
        assert shop.media == {}
        # M5: the Application Password of a user who may upload
        created = upload(shop)
        assert created.status_code == 201 and created.json()["mime_type"] == "image/png"
        # M2: a user whose role lacks upload_files
        shop.users_without_upload.add(USER)
        refused = upload(shop)
        assert (refused.status_code, refused.json()["code"]) == (400, "rest_cannot_create")
        assert refused.json()["message"] == "Sorry, you are not allowed to upload media on this site."
        assert len(shop.media) == 1


def test_m6_a_wrong_application_password_is_refused_as_wordpress_refuses_it():
    with WooCommerceSimulator() as shop:
        # a known user name with a password that is none of the user's Application Passwords (U-apppw)
        wrong = upload(shop, auth=(USER, "WRON GPAS SWOR D000 0000 0000"))
        assert (wrong.status_code, wrong.json()["code"]) == (401, "incorrect_password")
        assert wrong.json()["message"] == "The provided password is an invalid application password."
        # an unknown user name, while Application Passwords are in use on the site
        unknown = upload(shop, auth=("chu-shop-cu", APP_PASSWORD))
        assert (unknown.status_code, unknown.json()["code"]) == (401, "invalid_username")
        assert shop.media == {}
        # WordPress drops everything but letters and digits before checking: the grouping is the owner's choice
        regrouped = upload(shop, auth=(USER, APP_PASSWORD.replace(" ", "-")))
        assert regrouped.status_code == 201 and len(shop.media) == 1
