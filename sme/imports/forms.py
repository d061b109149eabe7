from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    sheet = forms.FileField(
        label=_("Catalog sheet (.xlsx, .xls, .ods or .csv)"),
        help_text=_("Use the template. At most 20 MB and 50,000 rows."),
        widget=forms.ClearableFileInput(attrs={
            "accept": ".xlsx,.xls,.ods,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,"
                      "application/vnd.ms-excel,application/vnd.oasis.opendocument.spreadsheet,text/csv",
        }),
    )
    photos = forms.FileField(
        label=_("Photos (.zip, optional)"), required=False,
        help_text=_("A .zip of the photos named in the sheet's photo columns."),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip,application/zip"}),
    )
