"""Officers' campaign pages, and the public pages of the personal link and the opt-out.

Officer pages require the trade officer role (403 otherwise; MFA is enforced by the middleware) and answer
404 for a campaign of another province. The personal link's pages show nothing about the business before
the link is used by a signed-in person; using it is a POST (a mail scanner following links uses nothing).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.audit import audit_record
from accounts.models import AuditAction
from adoption.exports import table_csv, table_xlsx
from adoption.views import officer_required
from sme.businesses import services as business_services
from sme.businesses.context import set_current_business
from sme.businesses.forms import OcopFormSet, RegistrationForm
from sme.businesses.models import Business, MemberRole, OwnershipStatus
from sme.businesses.privacy import privacy_notice_current

from . import selectors, services
from .forms import CampaignForm, selection_labels
from .models import LETTER_JOB_ACTIVE, CampaignStatus, Channel, LetterJobStatus, MessageState
from .selection import Selection

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LINK_ERRORS = {
    "bad": gettext_lazy("This link is not valid. Check that it was copied whole, or ask the officer who sent it."),
    "expired": gettext_lazy("This link has expired. Ask the trade office for a new invitation."),
    "used": gettext_lazy("This link was already used by another account. Each invitation link works once."),
}


def _language() -> str:
    return (translation.get_language() or "vi")[:2]


# --- Officers ---------------------------------------------------------------------------------------------


@officer_required
def campaign_list(request):
    return render(request, "outreach/campaign_list.html", {
        "campaigns": selectors.campaign_list(user=request.user)[:100],
        "brought_online": selectors.brought_online_count(),
    })


@officer_required
def campaign_new(request):
    """Build a campaign: the selection, then "Preview" shows the count and a sample; "Save" makes a draft."""
    form = CampaignForm(request.POST or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        if "save" in request.POST:
            try:
                campaign = services.campaign_create(name=form.cleaned_data["name"], selection=form.selection(),
                                                    channels=form.cleaned_data["channels"], officer=request.user,
                                                    request=request)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                return redirect("outreach:campaign_detail", pk=campaign.pk)
        else:
            preview = selectors.selection_preview(selection=form.selection())
    return render(request, "outreach/campaign_new.html", {"form": form, "preview": preview})


@officer_required
def campaign_detail(request, pk: int):
    """A campaign: its selection, the count and sample before sending, the progress, the funnel."""
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    selection = Selection.from_dict(campaign.selection)
    context = {"campaign": campaign, "selection_rows": selection_labels(selection)}
    if campaign.status == CampaignStatus.DRAFT:
        context["preview"] = selectors.selection_preview(selection=selection)
    else:
        context["progress"] = selectors.campaign_progress(campaign=campaign)
        context["funnel"] = selectors.campaign_funnel(campaign=campaign)
        context["steps"] = [(s, selectors.STEP_LABELS[s]) for s in selectors.STEPS]
        context["in_doubt"] = selectors.campaign_messages(campaign=campaign, state=MessageState.IN_DOUBT)[:50]
        context["letters_waiting"] = selectors.campaign_messages(
            campaign=campaign, state=MessageState.QUEUED).filter(channel=Channel.LETTER).count()
        context["letter_job"] = selectors.letter_job_latest(campaign=campaign)
        context["sms_delivery"] = selectors.campaign_sms_delivery(campaign=campaign)
        context["paused_channels"] = selectors.campaign_paused_channels(campaign=campaign)
    return render(request, "outreach/campaign_detail.html", context)


@officer_required
@require_POST
def campaign_action(request, pk: int, action: str):
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    if action == "launch":
        services.campaign_launch(campaign=campaign, officer=request.user, request=request)
        messages.success(request, _("The campaign is queued: its messages are sent within sending hours."))
    elif action in ("pause", "resume"):
        services.campaign_set_paused(campaign=campaign, paused=action == "pause", officer=request.user,
                                     request=request)
    elif action == "cancel":
        services.campaign_cancel(campaign=campaign, officer=request.user, request=request)
    else:
        raise Http404("No such action")
    return redirect("outreach:campaign_detail", pk=campaign.pk)


@officer_required
@require_POST
def campaign_letters(request, pk: int):
    """Ask a worker to print every letter waiting, into one PDF; the page shows its progress, then the
    download. A second request while a job runs queues nothing."""
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    job, created = services.letter_job_request(campaign=campaign, officer=request.user, request=request)
    if job is None:
        messages.info(request, _("No letter is waiting to be printed."))
    elif created:
        messages.success(request, _("The letters are being printed into one PDF: it can be downloaded here "
                                    "when it is ready."))
    else:
        messages.info(request, _("These letters are already being printed."))
    return redirect(f"{reverse('outreach:campaign_detail', args=[campaign.pk])}#letters")


@officer_required
@require_POST
def campaign_letters_reprint(request, pk: int, job_id: int):
    """Print again the letters of a job whose PDF was deleted after the retention period (nothing is sent
    again). 404 for a job of another campaign or province."""
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    job = selectors.letter_job_get(campaign=campaign, pk=job_id)
    if job is None:
        raise Http404("No such print job")
    reprint, created = services.letter_job_reprint(campaign=campaign, job=job, officer=request.user,
                                                   request=request)
    if reprint is None:
        messages.info(request, _("There is nothing to print again for this print job."))
    elif created:
        messages.success(request, _("The letters are being printed again into one PDF: it can be downloaded "
                                    "here when it is ready."))
    else:
        messages.info(request, _("These letters are already being printed."))
    return redirect(f"{reverse('outreach:campaign_detail', args=[campaign.pk])}#letters")


@officer_required
@require_POST
def campaign_delete(request, pk: int):
    """Delete a campaign that no longer sends (its letter PDFs with it); the list says so."""
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    try:
        services.campaign_delete(campaign=campaign, officer=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("outreach:campaign_detail", pk=campaign.pk)
    messages.success(request, _("The campaign and its printed letters were deleted."))
    return redirect("outreach:campaign_list")


@officer_required
@require_GET
def campaign_letters_status(request, pk: int):
    """Progress of the campaign's latest print job (polled by its page)."""
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    job = selectors.letter_job_latest(campaign=campaign)
    if job is None:
        return JsonResponse({"pending": False})
    return JsonResponse({"pending": job.status in LETTER_JOB_ACTIVE, "status": job.status,
                         "status_label": str(job.get_status_display()), "done": job.done, "total": job.total,
                         "percent": job.percent})


@officer_required
@require_GET
def campaign_letters_download(request, pk: int, job_id: int):
    """A finished print job's PDF, from private storage, to officers of the campaign's province only."""
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    job = selectors.letter_job_get(campaign=campaign, pk=job_id)
    if job is None or job.status != LetterJobStatus.DONE or not job.pdf or not job.pdf.storage.exists(job.pdf.name):
        raise Http404("No such print job")
    services.letter_job_audit_download(job=job, officer=request.user, request=request)
    response = FileResponse(job.pdf.open("rb"), content_type="application/pdf", as_attachment=True,
                            filename=f"campaign-{campaign.pk}-letters-{job.pk}.pdf")
    response["Cache-Control"] = "no-store"
    return response


@officer_required
@require_GET
def campaign_status(request, pk: int):
    """Progress of a campaign's sending (polled by its page)."""
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    progress = selectors.campaign_progress(campaign=campaign)
    return JsonResponse({"status": campaign.status, "status_label": str(campaign.get_status_display()),
                         "percent": progress.percent, "done": progress.done, "total": progress.total,
                         "by_state": progress.by_state,
                         "finished": campaign.status in (CampaignStatus.FINISHED, CampaignStatus.CANCELLED),
                         # progress.js reloads the page (to show the funnel) once nothing waits any more
                         "waiting": campaign.status in (CampaignStatus.QUEUING, CampaignStatus.SENDING),
                         "url": reverse("outreach:campaign_detail", args=[campaign.pk])})


def funnel_table(campaign) -> tuple[list[str], list[list]]:
    """The funnel as one table: a row per group (whole, each channel, each ward), count and median hours
    of every step."""
    funnel = selectors.campaign_funnel(campaign=campaign)
    headers = [_("Group"), _("Name")]
    for step in selectors.STEPS:
        headers.append(str(selectors.STEP_LABELS[step]))
        if step != selectors.SENT:
            headers.append(_("%(step)s: median hours from the step before") % {"step": selectors.STEP_LABELS[step]})
    rows = []
    for group, items in ((_("Whole campaign"), [funnel.total]), (_("Channel"), funnel.by_channel),
                         (_("Ward or commune"), funnel.by_ward)):
        for item in items:
            row = [str(group), item.label]
            for step in selectors.STEPS:
                row.append(item.counts[step])
                if step != selectors.SENT:
                    row.append(item.median_hours[step])
            rows.append(row)
    return headers, rows


@officer_required
@require_GET
def campaign_export(request, pk: int, fmt: str):
    campaign = selectors.campaign_get(user=request.user, pk=pk)
    if fmt not in ("csv", "xlsx"):
        raise Http404("No such format")
    headers, rows = funnel_table(campaign)
    notes = [(_("Campaign"), campaign.name), (_("Status"), str(campaign.get_status_display())),
             (_("Queued at"), campaign.queued_at), (_("Businesses selected"), campaign.target_count)]
    audit_record(action=AuditAction.OUTREACH_EXPORT, actor=request.user, target=f"campaign:{campaign.pk}.{fmt}",
                 details={"rows": len(rows)}, request=request)
    name = f"campaign-{campaign.pk}-funnel"
    if fmt == "csv":
        response = HttpResponse(table_csv(headers=headers, rows=rows, notes=notes),
                                content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    else:
        response = HttpResponse(table_xlsx(title=_("Campaign funnel"), headers=headers, rows=rows, notes=notes),
                                content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    response["Cache-Control"] = "no-store"
    return response


# --- The personal link ------------------------------------------------------------------------------------


def _link_error(request, code: str):
    return render(request, "outreach/link_error.html", {"message": LINK_ERRORS[code]}, status=410
                  if code in ("expired", "used") else 404)


def invitation(request, token: str):
    """The personal link: GET records that it was opened and says what it is for (nothing about the
    business); a signed-in person uses it with a POST, and goes on to register the business."""
    try:
        message = services.link_open(token=token) if request.method != "POST" else None
        if request.method == "POST":
            if not request.user.is_authenticated:
                return redirect(f"{reverse('account_login')}?{urlencode({'next': request.path})}")
            message = services.link_use(token=token, user=request.user, request=request)
            return redirect("outreach:invitation_register", token=token)
    except services.LinkInvalid as exc:
        return _link_error(request, exc.code)
    here = request.path
    return render(request, "outreach/invitation.html", {
        "message": message, "signup_url": f"{reverse('account_signup')}?{urlencode({'next': here})}",
        "login_url": f"{reverse('account_login')}?{urlencode({'next': here})}",
        "used_by_me": request.user.is_authenticated and message.link_used_by_id == request.user.pk,
    })


def _register_initial(message) -> dict:
    """The registration form pre-filled from the register (enter data once): the link was used, so the
    person reads the mailbox it went to."""
    entry = message.target.register_entry
    initial = {"identifier": message.identifier}
    if entry is not None:
        initial.update({"legal_name": entry.name, "legal_form": entry.legal_form})
        if entry.main_sector:
            initial["main_sector"] = entry.main_sector
        if entry.ward_id:
            initial["ward"] = entry.ward_id
        if entry.legacy_commune_id:
            initial["legacy_commune"] = entry.legacy_commune_id
            initial["legacy_district"] = entry.legacy_district_id
    return initial


@login_required
def invitation_register(request, token: str):
    """Register the invited business, pre-filled from the register. A business already on the platform
    goes to its page (or to joining it); registering it here with the link counts as the ownership proof
    when the invitation went to the register's own contact address."""
    try:
        message = services.link_use(token=token, user=request.user, request=request)
    except services.LinkInvalid as exc:
        return _link_error(request, exc.code)
    existing = Business.objects.filter(identifier=message.identifier).first()
    if existing is not None:
        if existing.memberships.filter(user=request.user, role=MemberRole.OWNER).exists():
            services.invitation_business_linked(message=message, business=existing, user=request.user,
                                                request=request)
            set_current_business(request, business_id=existing.pk)
            return redirect("businesses:home")
        return redirect(f"{reverse('businesses:join')}?{urlencode({'identifier': existing.identifier})}")
    notice = privacy_notice_current()
    if request.method == "POST":
        form = RegistrationForm(request.POST)
        formset = OcopFormSet(request.POST, prefix="ocop")
        if form.is_valid() and formset.is_valid():
            products = [f.as_input() for f in formset.forms if f.has_changed() and f.cleaned_data]
            try:
                business = business_services.business_register(
                    user=request.user, profile=form.profile(products), notice=notice, language=_language())
            except business_services.BusinessAlreadyRegistered:
                return redirect(f"{reverse('businesses:join')}?{urlencode({'identifier': message.identifier})}")
            except ValidationError as exc:
                for field, errors in getattr(exc, "error_dict", {None: exc.error_list}).items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                business = services.invitation_business_linked(message=message, business=business,
                                                               user=request.user, request=request)
                set_current_business(request, business_id=business.pk)
                if business.ownership_status == OwnershipStatus.CONFIRMED:
                    messages.success(request, _("%(name)s is registered and confirmed as yours: the invitation "
                                                "reached the address the province's register gives.")
                                     % {"name": business.display_name})
                    return redirect("businesses:home")
                messages.warning(request, _("%(name)s is registered. Prove that it is yours to have it counted.")
                                 % {"name": business.display_name})
                return redirect("businesses:ownership")
    else:
        form = RegistrationForm(initial=_register_initial(message))
        formset = OcopFormSet(prefix="ocop")
    return render(request, "businesses/register.html", {
        "form": form, "formset": formset, "notice": notice, "notice_text": notice.text(_language()),
        "already_registered": None, "join_url": None, "dispute_form": None, "my_memberships": [],
    })


def opt_out(request, token: str):
    """The opt-out link of every message: GET asks to confirm (nothing changes), POST opts out for good."""
    try:
        if request.method == "POST":
            services.opt_out(token=token, request=request)
            return render(request, "outreach/opt_out.html", {"done": True})
        services.opt_out_check(token=token)
    except services.LinkInvalid as exc:
        return _link_error(request, exc.code)
    return render(request, "outreach/opt_out.html", {"done": False, "site_url": settings.SITE_URL})


# --- Providers' callbacks ---------------------------------------------------------------------------------


@require_GET
def esms_delivery_callback(request):
    """eSMS's delivery callback (a GET with ``SMSID`` and the status, unsigned). Nothing in it is believed:
    the message it names gets its report asked from eSMS. Always "OK": an unknown id tells the caller
    nothing, and eSMS stops retrying."""
    services.sms_delivery_callback(provider_message_id=request.GET.get("SMSID", ""))
    return HttpResponse("OK", content_type="text/plain")
