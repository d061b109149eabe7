"""The WooCommerce sandbox's media route against docs/marketplaces/woocommerce.md's media cases M1-M3 and M5
(WordPress's attachments controller, S-media): consumer keys are not a WordPress user there; a user whose
role cannot upload files is refused; each missing part of an upload has its own code."""

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
