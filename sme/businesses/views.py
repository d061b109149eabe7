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

from . import selectors, services
from .context import business_required, set_current_business
from .forms import (
    BusinessForm,
    ErasureRequestForm,
    InvitationForm,
    JoinRequestForm,
    OcopFormSet,
    OcopProductForm,
    RegistrationForm,
    RoleForm,
    SizeDeclarationForm,
)
from .identifiers import identifier_normalise
from .models import ErasureStatus, MemberRole, SizeProvenance
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
    })


@login_required
def register(request):
    """Register a business; the user becomes its owner. An identifier already registered offers to join."""
    notice = privacy_notice_current()
    already_registered = None
    if request.method == "POST":
        form = RegistrationForm(request.POST)
        formset = OcopFormSet(request.POST, prefix="ocop")
        if form.is_valid() and formset.is_valid():
            products = [f.as_input() for f in formset.forms if f.has_changed() and f.cleaned_data]
            try:
                business = services.business_register(
                    user=request.user, profile=form.profile(products), notice=notice, language=_language())
            except services.BusinessAlreadyRegistered as exc:
                already_registered = exc.identifier
            except ValidationError as exc:
                _apply_errors(form, exc)
            else:
                set_current_business(request, business_id=business.pk)
                messages.success(request, _("%(name)s is registered. You are its owner.")
                                 % {"name": business.display_name})
                return redirect("businesses:home")
    else:
        initial = {}
        if identifier := request.GET.get("identifier", "").strip():
            try:
                initial = business_prefill(identifier=identifier_normalise(value=identifier).value)
            except ValidationError:
                initial = {"identifier": identifier}
        form = RegistrationForm(initial=initial)
        formset = OcopFormSet(prefix="ocop")
    join_url = None
    if already_registered:
        join_url = reverse("businesses:join") + "?" + urlencode({"identifier": already_registered})
    return render(request, "businesses/register.html", {
        "form": form, "formset": formset, "notice": notice, "notice_text": notice.text(_language()),
        "already_registered": already_registered, "join_url": join_url,
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
    if form.is_valid():
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
