"""Business owner pages. Views only orchestrate: forms validate, services write, selectors read.

Every view taking an object id looks it up within the current business (or the signed-in user) and
answers 404 otherwise.
"""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.audit import audit_record
from accounts.models import AuditAction
from accounts.selectors import user_sso_profile
from accounts.throttle import (
    BUSINESS_INVITATION,
    BUSINESS_JOIN_REQUEST,
    BUSINESS_REGISTER_LOOKUP,
    OWNERSHIP_CODE,
    OWNERSHIP_DISPUTE,
    throttle_allows,
)
from sme.catalog.documents import MAX_BYTES as DOCUMENT_MAX_BYTES

from . import ownership, selectors, services
from .context import business_required, current_membership, set_current_business
from .forms import (
    BusinessForm,
    ErasureRequestForm,
    InvitationForm,
    JoinRequestForm,
    OcopFormSet,
    OcopProductForm,
    OwnershipCodeForm,
    OwnershipDisputeForm,
    OwnershipDocumentForm,
    RegistrationForm,
    RoleForm,
    SizeDeclarationForm,
)
from .identifiers import identifier_normalise
from .models import ErasureStatus, MemberRole, OwnershipStatus, SizeProvenance
from .prefill import business_prefill
from .privacy import privacy_notice_current


def _language() -> str:
    return (translation.get_language() or "vi")[:2]


def _switcher_context(request) -> dict:
    return {"my_memberships": selectors.membership_list_for_user(user=request.user)}


def _apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# --- Business ----------------------------------------------------------------------------------------------

@business_required
def home(request):
    """The business dashboard: profile summary, size class, OCOP products, links to the team and data."""
    business = request.business
    return render(request, "businesses/home.html", {
        **_switcher_context(request),
        "business": business,
        "is_owner": request.membership.role == MemberRole.OWNER,
        "size": selectors.size_assessment_current(business=business),
        "ocop_products": business.ocop_products.all(),
        "team_count": business.memberships.count(),
        "pending_join_requests": selectors.join_request_list_pending(business=business).count(),
        "ownership_unproven": business.ownership_status != OwnershipStatus.CONFIRMED,
    })


def _lookup_refused(request):
    """Throttle a look-up of an identifier (a pre-fill or a registration attempt); the refusal page or None."""
    if throttle_allows(request=request, action=BUSINESS_REGISTER_LOOKUP, count_get=True):
        return None
    response = render(request, "businesses/too_many_lookups.html", status=429)
    return response


@login_required
def register(request):
    """Register a business; the user becomes its owner. An identifier already registered offers to join it or
    to dispute it. Every look-up of an identifier (pre-fill or attempt) is throttled and audited."""
    notice = privacy_notice_current()
    already_registered = None
    if request.method == "POST":
        form = RegistrationForm(request.POST)
        formset = OcopFormSet(request.POST, prefix="ocop")
        if form.is_valid() and formset.is_valid():
            if (refused := _lookup_refused(request)) is not None:
                return refused
            products = [f.as_input() for f in formset.forms if f.has_changed() and f.cleaned_data]
            try:
                business = services.business_register(
                    user=request.user, profile=form.profile(products), notice=notice, language=_language())
            except services.BusinessAlreadyRegistered as exc:
                already_registered = exc.identifier
                audit_record(action=AuditAction.REGISTER_LOOKUP, actor=request.user, target=exc.identifier,
                             details={"outcome": "already_registered"}, request=request)
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                set_current_business(request, business_id=business.pk)
                if business.ownership_status != OwnershipStatus.CONFIRMED:
                    audit_record(action=AuditAction.OWNERSHIP_CLAIMED, actor=request.user,
                                 target=business.identifier, details={"kind": "registration"}, request=request)
                    messages.warning(request, _("%(name)s is registered. The province's register lists it, so "
                                                "prove that it is yours to have it counted as yours.")
                                     % {"name": business.display_name})
                    return redirect("businesses:ownership")
                messages.success(request, _("%(name)s is registered. You are its owner.")
                                 % {"name": business.display_name})
                return redirect("businesses:home")
    else:
        initial = {}
        if identifier := request.GET.get("identifier", "").strip()[:32]:
            try:
                normalised = identifier_normalise(value=identifier).value
            except ValidationError:
                initial = {"identifier": identifier}
            else:
                if (refused := _lookup_refused(request)) is not None:
                    return refused
                initial = business_prefill(identifier=normalised)
                audit_record(action=AuditAction.REGISTER_LOOKUP, actor=request.user, target=normalised,
                             details={"outcome": "prefilled" if initial else "unknown"}, request=request)
        # The phone the province's identity provider gave at sign-in, so the owner does not type it again.
        if sso_phone := user_sso_profile(user=request.user)["phone"]:
            initial = {"phone": sso_phone, **initial}
        form = RegistrationForm(initial=initial)
        formset = OcopFormSet(prefix="ocop")
    join_url = dispute_form = None
    if already_registered:
        join_url = reverse("businesses:join") + "?" + urlencode({"identifier": already_registered})
        dispute_form = OwnershipDisputeForm(initial={"identifier": already_registered})
    return render(request, "businesses/register.html", {
        "form": form, "formset": formset, "notice": notice, "notice_text": notice.text(_language()),
        "already_registered": already_registered, "join_url": join_url, "dispute_form": dispute_form,
        "my_memberships": selectors.membership_list_for_user(user=request.user),
    })


@business_required(owner_only=True)
def edit(request):
    business = request.business
    if request.method == "POST":
        form = BusinessForm(request.POST)
        if form.is_valid():
            try:
                services.business_update(business=business, profile=form.profile())
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("The profile is saved."))
                return redirect("businesses:home")
    else:
        form = BusinessForm(initial={
            "legal_form": business.legal_form, "legal_name": business.legal_name,
            "trade_name": business.trade_name, "identifier": business.identifier,
            "main_sector": business.main_sector, "street": business.street, "ward": business.ward_id,
            "legacy_district": business.legacy_district_id, "legacy_commune": business.legacy_commune_id,
            "phone": business.phone, "email": business.email, "founding_year": business.founding_year,
            "women_owned": business.women_owned,
        })
    return render(request, "businesses/edit.html", {"form": form, "business": business,
                                                    **_switcher_context(request)})


@business_required(owner_only=True)
def size_declare(request):
    business = request.business
    if business.is_household:
        raise Http404("Household businesses have no size class")
    form = SizeDeclarationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.size_assessment_record(business=business, provenance=SizeProvenance.DECLARED,
                                            recorded_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The size class is saved."))
            return redirect("businesses:home")
    return render(request, "businesses/size.html", {"form": form, "business": business})


@business_required(owner_only=True)
def ocop_add(request):
    return _ocop_form(request, product=None)


@business_required(owner_only=True)
def ocop_edit(request, pk: int):
    return _ocop_form(request, product=selectors.ocop_product_get_for_business(business=request.business, pk=pk))


def _ocop_form(request, *, product):
    form = OcopProductForm(request.POST or None, instance=product)
    if request.method == "POST" and form.is_valid():
        try:
            services.ocop_product_save(business=request.business, data=form.as_input(), product=product)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("The OCOP product is saved."))
            return redirect("businesses:home")
    return render(request, "businesses/ocop_form.html", {"form": form, "product": product,
                                                         "business": request.business})


@require_POST
@business_required(owner_only=True)
def ocop_delete(request, pk: int):
    product = selectors.ocop_product_get_for_business(business=request.business, pk=pk)
    services.ocop_product_delete(product=product)
    messages.success(request, _("The OCOP product was removed."))
    return redirect("businesses:home")


@require_POST
@login_required
def switch(request):
    """Make another of the user's businesses the current one (404 for a business they do not belong to)."""
    try:
        business_id = int(request.POST.get("business_id", ""))
    except ValueError as exc:
        raise Http404("No such business") from exc
    membership = set_current_business(request, business_id=business_id)
    messages.success(request, _("You are now working on %(name)s.") % {"name": membership.business.display_name})
    return redirect("businesses:home")


# --- Team --------------------------------------------------------------------------------------------------

@business_required
def team(request):
    business = request.business
    return render(request, "businesses/team.html", {
        **_switcher_context(request),
        "business": business,
        "is_owner": request.membership.role == MemberRole.OWNER,
        "members": selectors.team_for_business(business=business),
        "invitations": selectors.invitation_list_open(business=business, now=timezone.now()),
        "join_requests": selectors.join_request_list_pending(business=business),
        "invite_form": InvitationForm(),
        "roles": MemberRole.choices,
    })


@require_POST
@business_required(owner_only=True)
def team_invite(request):
    form = InvitationForm(request.POST)
    if form.is_valid() and not throttle_allows(request=request, action=BUSINESS_INVITATION,
                                               key=f"business:{request.business.pk}"):
        messages.error(request, _("Too many invitations were sent in a short time. Please try again later."))
    elif form.is_valid():
        try:
            services.invitation_create(
                business=request.business, email=form.cleaned_data["email"], role=form.cleaned_data["role"],
                invited_by=request.user,
                accept_url=lambda token: request.build_absolute_uri(
                    reverse("businesses:invitation_accept", args=[token])),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Invitation sent to %(email)s. It is valid for 7 days.")
                             % {"email": form.cleaned_data["email"]})
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("businesses:team")


@require_POST
@business_required(owner_only=True)
def invitation_revoke(request, pk: int):
    invitation = selectors.invitation_get_for_business(business=request.business, pk=pk)
    services.invitation_revoke(invitation=invitation)
    messages.success(request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email})
    return redirect("businesses:team")


@require_POST
@business_required(owner_only=True)
def member_role(request, pk: int):
    membership = selectors.membership_get_for_business(business=request.business, pk=pk)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            services.membership_change_role(membership=membership, role=form.cleaned_data["role"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The role of %(name)s is now %(role)s.")
                             % {"name": membership.user.get_full_name(), "role": membership.get_role_display()})
    return redirect("businesses:team")


@require_POST
@business_required(owner_only=True)
def member_remove(request, pk: int):
    membership = selectors.membership_get_for_business(business=request.business, pk=pk)
    try:
        services.membership_remove(membership=membership)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("%(name)s was removed from the team.") % {"name": membership.user.get_full_name()})
    return redirect("businesses:team")


@require_POST
@business_required(owner_only=True)
def join_request_decide(request, pk: int):
    join_request = selectors.join_request_get_for_business(business=request.business, pk=pk)
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        messages.error(request, _("Choose approve or reject."))
        return redirect("businesses:team")
    try:
        services.join_request_decide(join_request=join_request, approve=decision == "approve",
                                     decided_by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        name = join_request.user.get_full_name()
        if decision == "approve":
            messages.success(request, _("%(name)s joined the team as staff.") % {"name": name})
        else:
            messages.success(request, _("The request of %(name)s was rejected.") % {"name": name})
    return redirect("businesses:team")


def invitation_accept(request, token: str):
    """The emailed invitation link: shows the invitation; signed in with the invited address, accepts it."""
    invitation = selectors.invitation_get_by_token(token=token)
    if invitation is None:
        raise Http404("No such invitation")
    error = None
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect(f"{reverse('account_login')}?{urlencode({'next': request.path})}")
        try:
            membership = services.invitation_accept(invitation=invitation, user=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            set_current_business(request, business_id=membership.business_id)
            messages.success(request, _("Welcome to %(name)s.") % {"name": membership.business.display_name})
            return redirect("businesses:home")
    now = timezone.now()
    return render(request, "businesses/invitation.html", {
        "invitation": invitation, "is_open": invitation.is_open(now=now),
        "expired": invitation.expires_at <= now, "error": error,
        "wrong_user": request.user.is_authenticated and request.user.email.lower() != invitation.email,
        "login_url": f"{reverse('account_login')}?{urlencode({'next': request.path})}",
        "signup_url": f"{reverse('account_signup')}?{urlencode({'next': request.path})}",
    }, status=200)


@login_required
def join(request):
    """Ask the owners of an already registered business to let the user join."""
    if request.method == "POST":
        form = JoinRequestForm(request.POST)
        if form.is_valid() and not throttle_allows(request=request, action=BUSINESS_JOIN_REQUEST):
            form.add_error(None, _("You sent too many requests to join in a short time. Please try again later."))
            return render(request, "businesses/join.html", {
                "form": form, "my_requests": request.user.join_requests.select_related("business")}, status=429)
        if form.is_valid():
            try:
                services.join_request_create(
                    identifier=form.cleaned_data["identifier"], user=request.user,
                    message=form.cleaned_data["message"],
                    business_url=request.build_absolute_uri(reverse("businesses:team")))
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                messages.success(request, _("Your request was sent to the owners. You will get an email when "
                                            "they answer."))
                return redirect("businesses:join")
    else:
        form = JoinRequestForm(initial={"identifier": request.GET.get("identifier", "")})
    return render(request, "businesses/join.html", {
        "form": form, "my_requests": request.user.join_requests.select_related("business")})


# --- Ownership ---------------------------------------------------------------------------------------------

@login_required
def ownership_page(request):
    """The signed-in user's ownership claims, each with its ways to prove it (code or document)."""
    claims = list(ownership.claim_list_for_user(user=request.user))
    open_claims = [c for c in claims if c.is_open]
    for claim in open_claims:
        claim.contact_masked = ownership.register_contact_masked(business=claim.business)
    membership = current_membership(request)
    can_start = (membership is not None and membership.role == MemberRole.OWNER
                 and membership.business.ownership_status != OwnershipStatus.CONFIRMED
                 and not any(c.business_id == membership.business_id for c in open_claims))
    return render(request, "businesses/ownership.html", {
        "open_claims": open_claims, "closed_claims": [c for c in claims if not c.is_open][:20],
        "code_form": OwnershipCodeForm(), "document_form": OwnershipDocumentForm(),
        "start_business": membership.business if can_start else None,
        "my_memberships": selectors.membership_list_for_user(user=request.user),
    })


@require_POST
@business_required(owner_only=True)
def ownership_start(request):
    """An owner of the current (unconfirmed or disputed) business starts proving it is theirs."""
    try:
        ownership.ownership_claim_start(business=request.business, user=request.user, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("businesses:ownership")


@require_POST
@login_required
def ownership_code_send(request, pk: int):
    claim = ownership.claim_get_for_claimant(user=request.user, pk=pk)
    if not throttle_allows(request=request, action=OWNERSHIP_CODE, key=f"claim:{claim.pk}"):
        messages.error(request, _("Too many codes were asked for in a short time. Please try again later, or "
                                  "upload a document instead."))
        return redirect("businesses:ownership")
    try:
        masked = ownership.ownership_code_send(claim=claim, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("A code was sent to %(email)s, the e-mail address the province's register "
                                    "gives for this business. It is valid for %(minutes)s minutes.")
                         % {"email": masked, "minutes": int(ownership.CODE_LIFETIME.total_seconds() // 60)})
    return redirect("businesses:ownership")


@require_POST
@login_required
def ownership_code_verify(request, pk: int):
    claim = ownership.claim_get_for_claimant(user=request.user, pk=pk)
    form = OwnershipCodeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Type the code from the e-mail."))
        return redirect("businesses:ownership")
    try:
        claim = ownership.ownership_code_verify(claim=claim, code=form.cleaned_data["code"], request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("businesses:ownership")
    if claim.status == "confirmed":
        messages.success(request, _("Thank you: %(name)s is confirmed as yours.")
                         % {"name": claim.business.display_name})
        set_current_business(request, business_id=claim.business_id)
        return redirect("businesses:home")
    messages.success(request, _("The code is right. Another person also claims this business, so an officer "
                                "decides; you will get an e-mail."))
    return redirect("businesses:ownership")


@require_POST
@login_required
def ownership_document(request, pk: int):
    claim = ownership.claim_get_for_claimant(user=request.user, pk=pk)
    form = OwnershipDocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("businesses:ownership")
    upload = form.cleaned_data["document"]
    # Read one byte past the limit at most: the check then refuses it without holding a huge file.
    data = upload.read(DOCUMENT_MAX_BYTES + 1)
    try:
        ownership.ownership_document_upload(claim=claim, data=data, name=upload.name, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Thank you. An officer will check the document; you will get an e-mail."))
    return redirect("businesses:ownership")


@require_POST
@login_required
def ownership_dispute(request):
    """Someone says a business already registered by another person is theirs: a dispute for officers."""
    form = OwnershipDisputeForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("businesses:register")
    if not throttle_allows(request=request, action=OWNERSHIP_DISPUTE):
        messages.error(request, _("You opened too many claims in a short time. Please try again later."))
        return redirect("businesses:register")
    try:
        ownership.ownership_dispute_open(identifier=form.cleaned_data["identifier"], user=request.user,
                                         message=form.cleaned_data["message"], request=request,
                                         ownership_url=request.build_absolute_uri(reverse("businesses:ownership")))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("businesses:register")
    messages.success(request, _("Your claim is recorded. Prove that the business is yours below; an officer "
                                "will decide and you will get an e-mail."))
    return redirect("businesses:ownership")


# --- Privacy and personal data ------------------------------------------------------------------------------

def privacy(request):
    notice = privacy_notice_current()
    return render(request, "businesses/privacy.html", {"notice": notice, "notice_text": notice.text(_language())})


@login_required
def my_data(request):
    return render(request, "businesses/my_data.html", {
        "consents": request.user.consents.all(),
        "open_erasure": request.user.erasure_requests.filter(status=ErasureStatus.REQUESTED).first(),
    })


@login_required
def my_data_download(request):
    data = selectors.user_data_export(user=request.user)
    audit_record(action=AuditAction.EXPORT_MY_DATA, actor=request.user, target=request.user.email, request=request)
    data["exported_at"] = timezone.now().isoformat()
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2),
                            content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@login_required
def erasure_request(request):
    form = ErasureRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        erasure = services.erasure_request_create(user=request.user, reason=form.cleaned_data["reason"])
        return redirect("businesses:erasure_confirm", pk=erasure.pk)
    return render(request, "businesses/erasure_request.html", {
        "form": form, "blockers": services.erasure_blockers(user=request.user)})


@login_required
def erasure_confirm(request, pk: int):
    erasure = selectors.erasure_request_get_for_user(user=request.user, pk=pk)
    if erasure.status != ErasureStatus.REQUESTED:
        raise Http404("Not an open erasure request")
    error = None
    if request.method == "POST":
        if request.POST.get("action") == "cancel":
            services.erasure_request_cancel(erasure_request=erasure)
            messages.success(request, _("Your erasure request was cancelled."))
            return redirect("businesses:my_data")
        try:
            services.erasure_request_confirm(erasure_request=erasure)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            logout(request)
            messages.success(request, _("Your personal data was erased and your account closed."))
            return redirect("/")
    return render(request, "businesses/erasure_confirm.html", {
        "erasure": erasure, "error": error, "blockers": services.erasure_blockers(user=request.user)})
