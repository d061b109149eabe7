"""Reads of outreach: campaigns an officer may see, a selection's preview, sending progress and the funnel.

The funnel follows each business a campaign sent something to: sent -> link opened -> signed up -> business
confirmed -> first product -> first live listing -> first order. Each step counts the businesses that
reached it and every step before it (as the dashboard's funnel does); its time is the median between the
previous step and this one. The steps after sign-up come from the journey's milestones (``cms.milestones``),
so the numbers here are the ones the owner's journey shows.
"""

from __future__ import annotations

import datetime
import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Min, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from adoption.models import RegisterEntry
from adoption.selectors import user_is_officer
from cms.choices import Milestone
from cms.milestones import milestones_evaluate
from sme.businesses.models import AdministrativeUnit, Business, OwnershipStatus

from .models import (
    Campaign,
    CampaignStatus,
    CampaignTarget,
    Channel,
    ChannelPause,
    DeliveryStatus,
    LetterPrintJob,
    Message,
    MessageState,
)
from .selection import Selection, selection_members
from .services import province_code

SENT, OPENED, SIGNED_UP, CONFIRMED, FIRST_PRODUCT, FIRST_LISTING, FIRST_ORDER = (
    "sent", "opened", "signed_up", "confirmed", "first_product", "first_live_listing", "first_order")
STEPS = (SENT, OPENED, SIGNED_UP, CONFIRMED, FIRST_PRODUCT, FIRST_LISTING, FIRST_ORDER)
STEP_LABELS = {SENT: _("Sent"), OPENED: _("Link opened"), SIGNED_UP: _("Signed up"),
               CONFIRMED: _("Business confirmed"), FIRST_PRODUCT: _("First product"),
               FIRST_LISTING: _("First live listing"), FIRST_ORDER: _("First order")}
SAMPLE_SIZE = 20


def officer_may_see(*, user: User, campaign: Campaign) -> bool:
    """Officers see the campaigns of their own province (the one this server serves) only."""
    return user_is_officer(user=user) and campaign.province_code == province_code()


def campaign_list(*, user: User) -> QuerySet[Campaign]:
    if not user_is_officer(user=user):
        return Campaign.objects.none()
    return Campaign.objects.filter(province_code=province_code()).select_related("created_by")


def campaign_get(*, user: User, pk: int) -> Campaign:
    """The campaign ``pk`` if ``user`` may see it; Http404 otherwise (a stranger's id reveals nothing)."""
    campaign = Campaign.objects.select_related("created_by").filter(pk=pk).first()
    if campaign is None or not officer_may_see(user=user, campaign=campaign):
        raise Http404("No such campaign")
    return campaign


def letter_job_latest(*, campaign: Campaign) -> LetterPrintJob | None:
    """The campaign's latest print job (the one its page shows), if any."""
    return campaign.letter_jobs.order_by("-created_at", "-id").first()


def letter_job_get(*, campaign: Campaign, pk: int) -> LetterPrintJob | None:
    """Print job ``pk`` of ``campaign`` (already checked visible to the officer), or None."""
    return campaign.letter_jobs.filter(pk=pk).first()


@dataclass(frozen=True)
class Preview:
    count: int
    with_email: int
    sample: list[tuple[str, str, str]]  # (name, identifier, ward): the officer checks the selection first


def selection_preview(*, selection: Selection, day: datetime.date | None = None) -> Preview:
    """How many businesses ``selection`` picks today, how many the register gives an e-mail for, and a
    sample of them."""
    members = selection_members(selection=selection, day=day or timezone.localdate())
    entry_ids = [m.entry_id for m in members if m.entry_id]
    with_email = RegisterEntry.objects.filter(pk__in=entry_ids).exclude(contact_email="").count()
    names = ward_names()
    return Preview(count=len(members), with_email=with_email, sample=[
        (m.name, m.identifier, names.get(m.ward_key, m.ward_key)) for m in members[:SAMPLE_SIZE]])


def ward_names() -> dict[str, str]:
    return dict(AdministrativeUnit.objects.current().values_list("code", "name"))


@dataclass(frozen=True)
class Progress:
    total: int
    by_state: dict[str, int]

    @property
    def done(self) -> int:
        return self.total - self.by_state.get(MessageState.QUEUED, 0) - self.by_state.get(MessageState.SENDING, 0)

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(100 * self.done / self.total)

    @property
    def rows(self) -> list[tuple[str, str, int]]:
        """(state, label, count) of every state that has messages, in the states' order."""
        return [(state, str(label), self.by_state[state]) for state, label in MessageState.choices
                if self.by_state.get(state)]


def campaign_progress(*, campaign: Campaign) -> Progress:
    counts = dict(Message.objects.filter(campaign=campaign).order_by().values("state")
                  .annotate(n=Count("pk")).values_list("state", "n"))
    return Progress(total=sum(counts.values()), by_state=counts)


def campaign_sms_delivery(*, campaign: Campaign) -> list[tuple[str, str, int]]:
    """The delivery reports of the campaign's sent SMS: (status, label, count) for each status some have,
    in the order of ``DeliveryStatus``; empty when the campaign sent no SMS."""
    counts = dict(Message.objects.filter(campaign=campaign, channel=Channel.SMS, state=MessageState.SENT)
                  .order_by().values("delivery_status").annotate(n=Count("pk")).values_list("delivery_status", "n"))
    return [(status, str(label), counts[status]) for status, label in DeliveryStatus.choices if counts.get(status)]


@dataclass(frozen=True)
class PausedChannel:
    """One of the campaign's channels paused because its provider refused the platform's authorization
    (``ChannelPause``): ``waiting`` of the campaign's messages wait on it."""

    channel: str
    label: str
    reason: str
    paused_at: datetime.datetime
    waiting: int


def campaign_paused_channels(*, campaign: Campaign) -> list[PausedChannel]:
    """The campaign's channels paused for a new authorization, with how many of its messages wait on each;
    empty when none is (or the campaign is over)."""
    return campaigns_paused_channels(campaigns=[campaign]).get(campaign.pk, [])


def campaigns_paused_channels(*, campaigns: Sequence[Campaign]) -> dict[int, list[PausedChannel]]:
    """{campaign id: its paused channels (``campaign_paused_channels``)} for the campaigns that have one; a
    fixed two queries however many campaigns (one when no channel is paused)."""
    pauses = list(ChannelPause.objects.all())
    live = [c for c in campaigns
            if c.status not in (CampaignStatus.FINISHED, CampaignStatus.CANCELLED, CampaignStatus.FAILED)
            and any(p.channel in c.channels for p in pauses)]
    if not live:
        return {}
    counts = (Message.objects.filter(campaign__in=[c.pk for c in live], state=MessageState.QUEUED,
                                     channel__in=[p.channel for p in pauses])
              .order_by().values("campaign_id", "channel").annotate(n=Count("pk"))
              .values_list("campaign_id", "channel", "n"))
    waiting = {(campaign_id, channel): n for campaign_id, channel, n in counts}
    return {c.pk: [PausedChannel(channel=p.channel, label=str(Channel(p.channel).label), reason=p.reason,
                                 paused_at=p.paused_at, waiting=waiting.get((c.pk, p.channel), 0))
                   for p in pauses if p.channel in c.channels] for c in live}


def campaign_messages(*, campaign: Campaign, state: str = "") -> QuerySet[Message]:
    messages = Message.objects.filter(campaign=campaign).select_related("target")
    return messages.filter(state=state) if state else messages


# --- Funnel -----------------------------------------------------------------------------------------------


@dataclass
class FunnelRow:
    """One group of the funnel (the whole campaign, a ward or a channel): a count and a median time per step."""

    key: str
    label: str
    counts: dict[str, int] = field(default_factory=dict)
    median_hours: dict[str, float | None] = field(default_factory=dict)

    @property
    def cells(self) -> list[tuple[str, int, float | None]]:
        """(step, count, median hours) in the funnel's order."""
        return [(step, self.counts[step], self.median_hours[step]) for step in STEPS]


def _timelines(messages: list[Message]) -> dict[int, dict[str, datetime.datetime | None]]:
    """Step times of each message's business, by message id."""
    identifiers = {m.identifier for m in messages}
    businesses = {b.identifier: b for b in Business.objects.filter(identifier__in=identifiers)}
    business_ids = [b.pk for b in businesses.values()]
    reached = milestones_evaluate(keys=(Milestone.FIRST_PRODUCT, Milestone.FIRST_LISTING_LIVE,
                                        Milestone.FIRST_ORDER_RECEIVED), business_ids=business_ids)

    def at(key: str, business_id: int):
        status = reached[key].get(business_id)
        return status.reached_at if status is not None else None

    out = {}
    for m in messages:
        business = businesses.get(m.identifier) if m.link_used_at else None
        times: dict[str, datetime.datetime | None] = dict.fromkeys(STEPS)
        times[SENT], times[OPENED] = m.sent_at, m.link_opened_at
        if business is not None:
            times[SIGNED_UP] = max(m.link_used_at, business.created_at)
            if business.ownership_status == OwnershipStatus.CONFIRMED:
                times[CONFIRMED] = business.ownership_confirmed_at or business.created_at
            times[FIRST_PRODUCT] = at(Milestone.FIRST_PRODUCT, business.pk)
            times[FIRST_LISTING] = at(Milestone.FIRST_LISTING_LIVE, business.pk)
            times[FIRST_ORDER] = at(Milestone.FIRST_ORDER_RECEIVED, business.pk)
        out[m.pk] = times
    return out


def _merge(timelines: list[dict]) -> dict:
    """One business's steps from its messages on several channels: each step at its earliest."""
    merged = dict.fromkeys(STEPS)
    for times in timelines:
        for step in STEPS:
            if times[step] is not None and (merged[step] is None or times[step] < merged[step]):
                merged[step] = times[step]
    return merged


def _row(key: str, label: str, units: list[dict]) -> FunnelRow:
    row = FunnelRow(key=key, label=label)
    durations: dict[str, list[float]] = defaultdict(list)
    for times in units:
        previous = None
        for step in STEPS:
            if times[step] is None:
                break
            row.counts[step] = row.counts.get(step, 0) + 1
            if previous is not None:
                durations[step].append(max((times[step] - previous).total_seconds(), 0) / 3600)
            previous = times[step]
    for step in STEPS:
        row.counts.setdefault(step, 0)
        row.median_hours[step] = round(statistics.median(durations[step]), 1) if durations[step] else None
    return row


@dataclass
class Funnel:
    total: FunnelRow
    by_ward: list[FunnelRow]
    by_channel: list[FunnelRow]


def campaign_funnel(*, campaign: Campaign) -> Funnel:
    """The campaign's funnel as a whole, per ward (of the register when the campaign was queued) and per
    channel. A business reached on two channels counts once in the whole and in its ward, at each step's
    earliest time; per channel, each channel counts what its own link brought."""
    messages = list(Message.objects.filter(campaign=campaign, state=MessageState.SENT).select_related("target"))
    timelines = _timelines(messages)
    by_target: dict[int, list[dict]] = defaultdict(list)
    ward_of: dict[int, str] = {}
    by_channel: dict[str, list[dict]] = defaultdict(list)
    for m in messages:
        by_target[m.target_id].append(timelines[m.pk])
        ward_of[m.target_id] = m.target.ward_key
        by_channel[m.channel].append(timelines[m.pk])
    merged = {target_id: _merge(times) for target_id, times in by_target.items()}
    wards: dict[str, list[dict]] = defaultdict(list)
    for target_id, times in merged.items():
        wards[ward_of[target_id]].append(times)
    names = ward_names()
    return Funnel(
        total=_row("", str(_("Whole campaign")), list(merged.values())),
        by_ward=sorted((_row(code, names.get(code, code or str(_("Ward not known"))), units)
                        for code, units in wards.items()), key=lambda r: r.label),
        by_channel=[_row(c, str(Channel(c).label), by_channel[c]) for c in Channel.values if c in by_channel],
    )


def brought_online_count() -> int:
    """Businesses of this province's campaigns that had their first live listing after a campaign's message
    reached them (through its link): what the campaigns brought online."""
    first_sent = dict(Message.objects.filter(state=MessageState.SENT, link_used_at__isnull=False,
                                             campaign__province_code=province_code())
                      .order_by().values("identifier").annotate(s=Min("sent_at")).values_list("identifier", "s"))
    businesses = dict(Business.objects.filter(identifier__in=list(first_sent)).values_list("pk", "identifier"))
    live = milestones_evaluate(keys=(Milestone.FIRST_LISTING_LIVE,), business_ids=list(businesses))
    return sum(1 for pk, status in live[Milestone.FIRST_LISTING_LIVE].items()
               if status.reached and status.reached_at > first_sent[businesses[pk]])


def targets_by_ward(*, campaign: Campaign) -> Counter:
    return Counter(CampaignTarget.objects.filter(campaign=campaign).values_list("ward_key", flat=True))
