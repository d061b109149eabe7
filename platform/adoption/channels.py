"""Which channels are marketplaces: the one place the indicator classifies where a business sells.

The province's target is "more than 55% of SMEs doing business on e-commerce marketplaces" (sàn giao dịch
thương mại điện tử). Decree 85/2021/NĐ-CP (amending Decree 52/2013/NĐ-CP, Art. 3) defines such a marketplace
as a website on which traders, organisations and individuals other than its owner may carry out all or part
of buying and selling goods or services: a platform where many sellers open shops. By that definition:

- **marketplace**: Shopee, Lazada, TikTok Shop, Tiki (connected through the platform), Postmart, Voso and
  Sendo (declared). Only these count toward the headline and the target.
- **own web shop**: a website the business runs for itself, WooCommerce included (it is shop software the
  business installs on its own site, not a marketplace), and a declared own web shop.
- **social selling**: a shop on a social network page (Facebook, Zalo, a TikTok channel without TikTok Shop).
- **other site**: a declared site of another kind; shown, never counted toward the target.

Own web shops and social selling are reported as separate lines. A connector may state its kind itself: when
the connector registry's class has ``channel_kind`` (one of the values below) or ``is_marketplace``, that
wins over the table here, so a new marketplace added as a connector is classified where it is written.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace_connectors.registry import connector_get

from .models import ShopChannel


class ChannelKind(models.TextChoices):
    MARKETPLACE = "marketplace", _("Marketplace")
    OWN_WEB_SHOP = "own_web_shop", _("Own web shop")
    SOCIAL = "social", _("Social selling")
    OTHER = "other", _("Other site")


# Channels whose kind is not stated by a connector (declared channels, and connectors that say nothing).
KIND_BY_CHANNEL: dict[str, str] = {
    "shopee": ChannelKind.MARKETPLACE,
    "lazada": ChannelKind.MARKETPLACE,
    "tiktok": ChannelKind.MARKETPLACE,  # TikTok Shop, the e-commerce platform where sellers open shops
    "tiki": ChannelKind.MARKETPLACE,
    "woocommerce": ChannelKind.OWN_WEB_SHOP,
    ShopChannel.POSTMART: ChannelKind.MARKETPLACE,
    ShopChannel.VOSO: ChannelKind.MARKETPLACE,
    ShopChannel.SENDO: ChannelKind.MARKETPLACE,
    ShopChannel.FACEBOOK: ChannelKind.SOCIAL,
    ShopChannel.ZALO: ChannelKind.SOCIAL,
    ShopChannel.TIKTOK_SOCIAL: ChannelKind.SOCIAL,
    ShopChannel.OWN_WEBSITE: ChannelKind.OWN_WEB_SHOP,
    ShopChannel.OTHER: ChannelKind.OTHER,
}

# The separate lines besides the headline, in the order the outputs show them.
SEPARATE_KINDS = (ChannelKind.OWN_WEB_SHOP, ChannelKind.SOCIAL, ChannelKind.OTHER)


def channel_kind(channel: str) -> str:
    """The kind of a connector code or declared channel. An unknown channel is "other" (never counted)."""
    try:
        connector = connector_get(channel)
    except KeyError:
        connector = None
    if connector is not None:
        stated = getattr(connector, "channel_kind", None)
        if stated in ChannelKind.values:
            return stated
        is_marketplace = getattr(connector, "is_marketplace", None)
        if isinstance(is_marketplace, bool):
            return ChannelKind.MARKETPLACE if is_marketplace else KIND_BY_CHANNEL.get(channel, ChannelKind.OWN_WEB_SHOP)
    return KIND_BY_CHANNEL.get(channel, ChannelKind.OTHER)


def channel_name(channel: str) -> str:
    """The name officers read: the connector's own display name, or the declared channel's label."""
    if channel in ShopChannel.values:
        return str(ShopChannel(channel).label)
    try:
        return str(connector_get(channel).display_name) or channel.title()
    except KeyError:
        return channel.title()
