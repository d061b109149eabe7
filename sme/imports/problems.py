"""What can be wrong with an import, as codes with parameters; the message is rendered in the reader's language.

Jobs store codes (not sentences), so an owner reading in Vietnamese and an adviser in English both understand.
"""

from dataclasses import asdict, dataclass, field

from babel.numbers import format_decimal
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .columns import COLUMNS_BY_KEY

MESSAGES = {
    # whole file: nothing is imported
    "file_too_large": _("The file is larger than %(mb)s MB. Split it into smaller files."),
    "file_empty": _("The file is empty."),
    "not_spreadsheet": _("This is not a spreadsheet. Upload an Excel file (.xlsx or .xls), an OpenDocument "
                         "spreadsheet (.ods) or a CSV file (.csv)."),
    "file_damaged": _("The spreadsheet could not be read; it may be damaged. Save it again and retry."),
    "file_password": _("The spreadsheet is protected by a password. Save it without the password and retry."),
    "sheet_too_large": _("The sheet has data far outside the table (up to cell %(cell)s). Delete the rows and "
                         "columns outside your table, or save it as .xlsx, and retry."),
    "check_failed": _("The file could not be checked. Save it again and retry; if it fails again, contact "
                      "support."),
    "zip_bomb": _("The file unpacks to far more data than it holds (%(what)s). It was refused for safety."),
    "too_many_rows": _("The sheet has more than %(max)s rows. Split it into smaller files."),
    "no_rows": _("The sheet has no product rows under the headers."),
    "missing_columns": _("Required columns are missing: %(columns)s. Download the template to see them."),
    "formulas": _("Cells hold formulas instead of values (%(cells)s). Copy and paste them as values, then retry."),
    "csv_encoding": _("The CSV file's text encoding is not readable. Save it as “CSV UTF-8”."),
    "zip_invalid": _("The photo file is not a valid .zip file."),
    "zip_too_large": _("The photo .zip is larger than %(mb)s MB."),
    "zip_too_many": _("The photo .zip holds more than %(max)s files."),
    "zip_duplicate": _("The photo .zip holds two files named %(name)s."),
    "zip_unsafe_name": _("The photo .zip holds a file with an unsafe name (%(name)s). Put only photos in it, "
                         "without folders going up."),
    "zip_encrypted": _("The photo .zip is protected by a password (%(name)s). Make it again without one."),
    "zip_not_image": _("The photo .zip holds %(name)s, which is not a JPEG, PNG or WebP photo. Put only photos "
                       "in it (no other files or archives)."),
    # one row: that row is skipped
    "required": _("This value is required."),
    "not_whole_number": _("“%(value)s” is not a whole number (for example 150.000)."),
    "not_number": _("“%(value)s” is not a number (for example 12,5)."),
    "too_small": _("The value must be at least %(min)s."),
    "too_big": _("The value must be at most %(max)s."),
    "too_long": _("The text is longer than %(max)s characters."),
    "list_below_price": _("The list price is below the price."),
    "unknown_category": _("Unknown category “%(value)s”. Use a code from the Categories sheet."),
    "unknown_status": _("Unknown status “%(value)s”. Use draft, active or archived."),
    "ocop_stars": _("OCOP stars must be 3, 4 or 5."),
    "duplicate_sku": _("SKU %(sku)s is already on row %(row)s of this file."),
    "sku_other_product": _("SKU %(sku)s belongs to product %(key)s in your catalog. Use that product key."),
    "duplicate_options": _("Another row of this product has the same option values (row %(row)s)."),
    "options_needed": _("This product has several variants: fill in the option 1 name and a value on each row."),
    "conflict": _("This differs from row %(row)s of the same product."),
    "image_missing": _("Photo %(name)s is not in the .zip file."),
    "image_invalid": _("Photo %(name)s: %(reason)s"),
    "too_many_variants": _("A product can have at most %(max)s variants."),
    "name_missing": _("The product name is missing on every row of this product."),
}


@dataclass
class Problem:
    """One thing to fix; ``row``/``column`` are None for a problem with the whole file."""

    code: str
    row: int | None = None
    column: str | None = None
    params: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return asdict(self)


def problem_message(problem: dict) -> str:
    """The sentence for a stored problem, in the active language."""
    template = MESSAGES.get(problem["code"], _("Unexpected problem (%(code)s)."))
    params = {"code": problem["code"], **problem.get("params", {})}
    try:
        return str(template) % params
    except (KeyError, TypeError, ValueError):
        return str(template)


def column_label(key: str | None) -> str:
    if not key:
        return ""
    column = COLUMNS_BY_KEY.get(key)
    return str(column.label) if column else key


class FileRejected(Exception):
    """The whole file is refused; ``problems`` say why. Nothing has been written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(", ".join(p.code for p in problems))


def _count(value: int) -> str:
    """A count grouped the way the active language writes it (1.000 in Vietnamese, 1,000 in English)."""
    language = (translation.get_language() or "vi").split("-")[0]
    return format_decimal(value, locale="en_US" if language == "en" else "vi_VN")


def _plan_name(code: str) -> str:
    from sme.billing.models import PlanCode
    from sme.billing.selectors import plan_get_by_code

    if code in PlanCode.values:
        return str(PlanCode(code).label)
    plan = plan_get_by_code(code=code)
    return plan.display_name if plan else code


def activation_messages(activation: dict, *, done: bool) -> list[str]:
    """Sentences (active language) about the plan's active-product limit for a stored ``Activation``:
    how many products the import puts on sale and, when the plan does not allow them all, how many stay
    drafts and which plan allows them. ``done``: the run has finished (past tense) or it is a preview."""
    activating, held = activation.get("activating", 0), activation.get("held", 0)
    if not activating:
        return []
    going_live = activating - held
    if done:
        messages = [ngettext("%(n)s product was put on sale (active).", "%(n)s products were put on sale (active).",
                             going_live) % {"n": _count(going_live)}] if going_live else []
    else:
        messages = [ngettext("%(n)s product will be put on sale (active).",
                             "%(n)s products will be put on sale (active).", going_live) % {"n": _count(going_live)}]
    if not held:
        return messages
    params = {"plan": _plan_name(activation.get("plan", "")), "limit": _count(activation.get("limit") or 0),
              "count": _count(activation.get("active_now", 0)), "n": _count(held)}
    if done:
        messages.append(ngettext(
            "The %(plan)s plan allows %(limit)s active products; already active: %(count)s. "
            "So %(n)s product marked active in the sheet was imported as a draft (not on sale).",
            "The %(plan)s plan allows %(limit)s active products; already active: %(count)s. "
            "So %(n)s products marked active in the sheet were imported as drafts (not on sale).", held) % params)
    else:
        messages.append(ngettext(
            "The %(plan)s plan allows %(limit)s active products; active now: %(count)s. "
            "%(n)s product marked active in the sheet exceeds the plan and will be imported as a draft (not on sale).",
            "The %(plan)s plan allows %(limit)s active products; active now: %(count)s. "
            "%(n)s products marked active in the sheet exceed the plan and will be imported as drafts (not on sale).",
            held) % params)
    if activation.get("upgrade"):
        messages.append(str(_("The %(plan)s plan allows them all (see Plan and billing).")
                            % {"plan": _plan_name(activation["upgrade"])}))
    else:
        messages.append(str(_("No plan allows that many; archive some products first.")))
    return messages
