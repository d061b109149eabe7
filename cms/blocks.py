"""StreamField blocks for journey steps, guides and the home page.

Each block renders with its own template under ``cms/templates/cms/blocks/`` (no inline style or script:
the site sends a strict Content-Security-Policy). Blocks that depend on the owner (the checklist, the
marketplace-targeted section) are rendered by the page template with the owner's context; everything
else is safe to cache per page and language.
"""

import re
from urllib.parse import parse_qs, urlparse

from django.core.exceptions import ValidationError
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

from .actions import platform_action_url
from .choices import CalloutKind, PlatformAction, marketplace_choices, marketplace_label

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link"]

_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{11}$")


def video_embed_src(url: str) -> str | None:
    """The privacy-friendly player URL for a YouTube or Vimeo link, or None for any other site.

    Only hosts allowed by the Content-Security-Policy's frame-src are accepted.
    """
    parsed = urlparse(url or "")
    host = (parsed.hostname or "").lower().removeprefix("www.").removeprefix("m.")
    video_id = ""
    if host == "youtu.be":
        video_id = parsed.path.strip("/").split("/")[0]
    elif host in {"youtube.com", "youtube-nocookie.com"}:
        if parsed.path == "/watch":
            video_id = parse_qs(parsed.query).get("v", [""])[0]
        elif parsed.path.startswith(("/embed/", "/shorts/", "/live/")):
            video_id = parsed.path.split("/")[2]
    elif host in {"vimeo.com", "player.vimeo.com"}:
        digits = [part for part in parsed.path.split("/") if part.isdigit()]
        return f"https://player.vimeo.com/video/{digits[0]}" if digits else None
    if _YOUTUBE_ID.match(video_id):
        return f"https://www.youtube-nocookie.com/embed/{video_id}"
    return None


class ImageWithCaptionBlock(blocks.StructBlock):
    """An image with a caption; the alt text says what the picture shows for screen-reader users."""

    image = ImageChooserBlock(label=_("image"))
    alt_text = blocks.CharBlock(label=_("alternative text"), required=False, max_length=200,
                                help_text=_("What the picture shows, for people who cannot see it."))
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=250)

    class Meta:
        icon = "image"
        label = _("Image with caption")
        template = "cms/blocks/image_with_caption.html"


class VideoBlock(blocks.StructBlock):
    """A video: a file uploaded to the document library, or a YouTube / Vimeo link (exactly one)."""

    title = blocks.CharBlock(label=_("title"), max_length=150)
    file = DocumentChooserBlock(label=_("uploaded video file"), required=False,
                                help_text=_("An MP4 or WebM file from the document library."))
    embed_url = blocks.URLBlock(label=_("YouTube or Vimeo link"), required=False)
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=250)

    def clean(self, value):
        value = super().clean(value)
        has_file, has_url = bool(value.get("file")), bool(value.get("embed_url"))
        if has_file == has_url:
            message = _("Choose an uploaded video file or give a YouTube or Vimeo link, not both.") if has_file \
                else _("Choose an uploaded video file or give a YouTube or Vimeo link.")
            raise StructBlockValidationError(block_errors={"embed_url": ValidationError(message)})
        if has_url and video_embed_src(value["embed_url"]) is None:
            raise StructBlockValidationError(block_errors={"embed_url": ValidationError(
                _("Only YouTube and Vimeo links can be embedded. Upload other videos as a file."))})
        return value

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["embed_src"] = video_embed_src(value.get("embed_url") or "")
        return context

    class Meta:
        icon = "media"
        label = _("Video")
        template = "cms/blocks/video.html"


class NumberedInstructionsBlock(blocks.StructBlock):
    """Instructions the owner follows in order (rendered as a numbered list)."""

    title = blocks.CharBlock(label=_("title"), required=False, max_length=150)
    steps = blocks.ListBlock(blocks.TextBlock(label=_("instruction")), label=_("instructions"), min_num=1)

    class Meta:
        icon = "list-ol"
        label = _("Numbered instructions")
        template = "cms/blocks/numbered_instructions.html"


class ChecklistBlock(blocks.StructBlock):
    """Items the owner ticks; ticks are saved per business and item (the item's block id).

    A step whose completion rule is "every checklist item ticked" is done when all items of all its
    checklists are ticked. Rendered by the step page with the owner's ticks, never cached.
    """

    title = blocks.CharBlock(label=_("title"), required=False, max_length=150)
    items = blocks.ListBlock(blocks.CharBlock(label=_("item"), max_length=250), label=_("items"), min_num=1)

    class Meta:
        icon = "tasks"
        label = _("Checklist")
        template = "cms/blocks/checklist.html"


class CalloutValue(blocks.StructValue):
    @property
    def kind_label(self) -> str:
        return str(CalloutKind(self.get("kind")).label) if self.get("kind") in CalloutKind.values else ""


class CalloutBlock(blocks.StructBlock):
    """A highlighted box: a tip, a warning or a legal note."""

    kind = blocks.ChoiceBlock(label=_("kind"), choices=CalloutKind.choices, default=CalloutKind.TIP)
    title = blocks.CharBlock(label=_("title"), required=False, max_length=150)
    text = blocks.RichTextBlock(label=_("text"), features=RICH_TEXT_FEATURES)

    class Meta:
        icon = "warning"
        label = _("Callout")
        template = "cms/blocks/callout.html"
        value_class = CalloutValue


class CallToActionValue(blocks.StructValue):
    @cached_property
    def url(self) -> str | None:
        return platform_action_url(action=self.get("action"), marketplace=self.get("marketplace") or "")

    @cached_property
    def button_label(self) -> str:
        if self.get("label"):
            return self["label"]
        label = PlatformAction(self.get("action")).label if self.get("action") in PlatformAction.values else ""
        if self.get("marketplace"):
            return f"{label}: {marketplace_label(self['marketplace'])}"
        return str(label)


class CallToActionBlock(blocks.StructBlock):
    """A button to a platform action chosen from a list (complete the profile, add a product, ...)."""

    action = blocks.ChoiceBlock(label=_("action"), choices=PlatformAction.choices)
    marketplace = blocks.ChoiceBlock(label=_("marketplace"), choices=marketplace_choices, required=False,
                                     help_text=_("For \"Connect a marketplace\": which one."))
    label = blocks.CharBlock(label=_("button label"), required=False, max_length=80,
                             help_text=_("Leave empty to use the action's name."))

    class Meta:
        icon = "link"
        label = _("Call to action")
        template = "cms/blocks/call_to_action.html"
        value_class = CallToActionValue


class SectionContentBlock(blocks.StreamBlock):
    """What a marketplace-targeted section may hold (no checklist: ticks belong to the whole step)."""

    rich_text = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES)
    image = ImageWithCaptionBlock()
    numbered_instructions = NumberedInstructionsBlock()
    callout = CalloutBlock()
    call_to_action = CallToActionBlock()


class MarketplaceSectionValue(blocks.StructValue):
    @property
    def marketplace_label(self) -> str:
        return marketplace_label(self.get("marketplace"))


class MarketplaceSectionBlock(blocks.StructBlock):
    """Content shown only to owners who target the chosen marketplace (chosen or connected)."""

    marketplace = blocks.ChoiceBlock(label=_("marketplace"), choices=marketplace_choices)
    heading = blocks.CharBlock(label=_("heading"), max_length=150)
    content = SectionContentBlock(label=_("content"))

    class Meta:
        icon = "site"
        label = _("Section for one marketplace")
        template = "cms/blocks/marketplace_section.html"
        value_class = MarketplaceSectionValue


class StepBodyBlock(blocks.StreamBlock):
    rich_text = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES)
    image = ImageWithCaptionBlock()
    video = VideoBlock()
    numbered_instructions = NumberedInstructionsBlock()
    checklist = ChecklistBlock()
    callout = CalloutBlock()
    marketplace_section = MarketplaceSectionBlock()
    call_to_action = CallToActionBlock()


class GuideBodyBlock(blocks.StreamBlock):
    rich_text = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES)
    image = ImageWithCaptionBlock()
    video = VideoBlock()
    numbered_instructions = NumberedInstructionsBlock()
    callout = CalloutBlock()
    call_to_action = CallToActionBlock()


class ProvinceTargetBlock(blocks.StructBlock):
    """The province's published target, for example "55% of SMEs trading on e-commerce platforms by 2025"."""

    target_percent = blocks.IntegerBlock(label=_("target (%)"), min_value=0, max_value=100)
    deadline_year = blocks.IntegerBlock(label=_("by the year"), min_value=2020, max_value=2100)
    description = blocks.CharBlock(label=_("what is measured"), max_length=250)
    source = blocks.CharBlock(label=_("source"), required=False, max_length=250)

    class Meta:
        icon = "pick"
        label = _("Province target")
        template = "cms/blocks/province_target.html"


class CurrentShareBlock(blocks.StructBlock):
    """The current share of the province's businesses selling online.

    The figure comes from ``settings.CMS_CURRENT_SHARE_PROVIDER`` (a dotted path to a function returning
    a dict with ``percent`` and ``as_of``, or None) once the adoption dashboard provides one; until then the
    placeholder text shows. Editors can hide the block without deleting it.
    """

    heading = blocks.CharBlock(label=_("heading"), max_length=150)
    placeholder = blocks.CharBlock(label=_("text while no figure is published"), max_length=250)
    hidden = blocks.BooleanBlock(label=_("hide this block"), required=False, default=False)

    class Meta:
        icon = "order"
        label = _("Current share online")
        template = "cms/blocks/current_share.html"


class HomeSectionBlock(blocks.StreamBlock):
    rich_text = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES)
    province_target = ProvinceTargetBlock()
    current_share = CurrentShareBlock()
    image = ImageWithCaptionBlock()
    call_to_action = CallToActionBlock()
