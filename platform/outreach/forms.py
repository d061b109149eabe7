"""Forms of the officers' campaign pages. Choices are the indicator's own cells (adoption.indicator)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from adoption.indicator import (
    COOPERATIVE,
    HOUSEHOLD,
    LEGAL_FORM,
    SECTOR,
    SERIES,
    SERIES_LABELS,
    SIZE,
    SME,
    UNKNOWN_SIZE,
    cell_label,
)
from sme.businesses.models import AdministrativeUnit, LegalForm, SectorGroup, SizeClass

from .models import Channel
from .selection import NOT_ONLINE, WHICH_CHOICES, Selection
from .services import available_channels


def _size_choices():
    keys = [SizeClass.MICRO, SizeClass.SMALL, SizeClass.MEDIUM, UNKNOWN_SIZE, HOUSEHOLD, COOPERATIVE]
    return [(str(k), cell_label(SIZE, str(k))) for k in keys]


class CampaignForm(forms.Form):
    """A campaign's name, its selection (empty filter: any) and its channels."""

    name = forms.CharField(label=_("Campaign name"), max_length=200,
                           help_text=_("For example: Lai Vung manufacturers, November"))
    series = forms.ChoiceField(label=_("Series"), initial=SME)
    which = forms.ChoiceField(label=_("Which businesses"), choices=WHICH_CHOICES, initial=NOT_ONLINE)
    wards = forms.MultipleChoiceField(label=_("Wards or communes"), required=False,
                                      help_text=_("None chosen: the whole province."))
    old_districts = forms.MultipleChoiceField(label=_("Districts before July 2025"), required=False)
    sectors = forms.MultipleChoiceField(label=_("Sector groups"), required=False,
                                        choices=SectorGroup.choices, widget=forms.CheckboxSelectMultiple)
    sizes = forms.MultipleChoiceField(label=_("Size classes"), required=False, widget=forms.CheckboxSelectMultiple)
    legal_forms = forms.MultipleChoiceField(label=_("Legal forms"), required=False, choices=LegalForm.choices,
                                            widget=forms.CheckboxSelectMultiple)
    channels = forms.MultipleChoiceField(label=_("Channels"), widget=forms.CheckboxSelectMultiple,
                                         initial=[Channel.EMAIL])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["series"].choices = [(s, SERIES_LABELS[s]) for s in SERIES]
        units = AdministrativeUnit.objects
        self.fields["wards"].choices = list(units.current().values_list("code", "name").order_by("name"))
        self.fields["old_districts"].choices = list(units.legacy_districts().values_list("code", "name")
                                                    .order_by("name"))
        self.fields["sizes"].choices = _size_choices()
        self.fields["channels"].choices = [(c, Channel(c).label) for c in available_channels()]

    def selection(self) -> Selection:
        data = self.cleaned_data
        return Selection(series=data["series"], which=data["which"], wards=tuple(data["wards"]),
                         old_districts=tuple(data["old_districts"]), sectors=tuple(data["sectors"]),
                         sizes=tuple(data["sizes"]), legal_forms=tuple(data["legal_forms"]))


def selection_labels(selection: Selection) -> list[tuple[str, str]]:
    """The selection in words, for the campaign page: (what, values)."""
    names = dict(AdministrativeUnit.objects.filter(
        code__in=[*selection.wards, *selection.old_districts]).values_list("code", "name"))
    rows = [(str(_("Series")), str(SERIES_LABELS.get(selection.series, selection.series))),
            (str(_("Which businesses")), str(dict(WHICH_CHOICES)[selection.which]))]
    for title, values, label in (
            (_("Wards or communes"), selection.wards, lambda k: names.get(k, k)),
            (_("Districts before July 2025"), selection.old_districts, lambda k: names.get(k, k)),
            (_("Sector groups"), selection.sectors, lambda k: cell_label(SECTOR, k)),
            (_("Size classes"), selection.sizes, lambda k: cell_label(SIZE, k)),
            (_("Legal forms"), selection.legal_forms, lambda k: cell_label(LEGAL_FORM, k))):
        rows.append((str(title), ", ".join(label(v) for v in values) if values else str(_("Any"))))
    return rows

