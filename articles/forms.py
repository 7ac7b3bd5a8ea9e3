from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat

from articles.ingest.namekeys import alias_problem


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or many files from one input (Django's documented recipe)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)]


class ImportUploadForm(forms.Form):
    files = MultipleFileField(
        label="Story files or zips",
        # An empty file is reported as rejected with the others, not refused with the form.
        allow_empty_file=True,
        help_text="One file, many files or a zip of files, in the seed format.",
        widget=MultipleFileInput(attrs={"accept": ".txt,.zip,text/plain,application/zip"}),
    )

    def clean_files(self):
        files = self.cleaned_data["files"]
        total = sum(upload.size for upload in files)
        if total > settings.ARCHIVE_MAX_ZIP_BYTES:
            raise forms.ValidationError(
                f"The upload is {filesizeformat(total)}, over the limit of "
                f"{filesizeformat(settings.ARCHIVE_MAX_ZIP_BYTES)}."
            )
        return files


class EntityForm(forms.ModelForm):
    """An editor's edit of a person or organisation: aliases that would capture other
    stories (a common word, a group, a first name alone, a place) are refused."""

    def clean_aliases(self):
        aliases = self.cleaned_data["aliases"]
        problems = [problem for alias in aliases if (problem := alias_problem(alias))]
        if problems:
            raise forms.ValidationError([f"{problem}." for problem in problems])
        return aliases


class MergeForm(forms.Form):
    """Which of the selected people (or organisations) the others are merged into."""

    target = forms.ModelChoiceField(
        queryset=None, widget=forms.RadioSelect, label="Keep", empty_label=None
    )

    def __init__(self, *args, queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = queryset
