"""What readers may ask of the archive, validated: every search parameter goes through here."""

import re

import django_filters
from django import forms
from django.db.models import Exists, F, Func, OuterRef, Q, TextField, Value

from articles import search
from articles.models import (
    Article,
    Organisation,
    OrganisationMention,
    Person,
    PersonMention,
    Quote,
    Source,
)

MAX_QUERY_LENGTH = 300
MAX_ENTITY_FILTERS = 10
MAX_NAME_FILTER_LENGTH = 200


SLUG = re.compile(r"^[-\w]{1,255}$")


class SlugChoiceField(forms.ModelChoiceField):
    """A model chosen by its slug; anything that cannot be a slug is refused before a query."""

    def to_python(self, value):
        if value not in self.empty_values and not SLUG.match(str(value)):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)


class SlugChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = SlugChoiceField


class EntitySlugsField(forms.ModelMultipleChoiceField):
    """Slugs of people or organisations; a merged entity's old slug still finds it."""

    def __init__(self, *args, noun="person", **kwargs):
        self.noun = noun
        super().__init__(*args, **kwargs)

    def _check_values(self, value):
        slugs = list(dict.fromkeys(str(slug) for slug in value))
        for slug in slugs:
            if not SLUG.match(slug):
                raise forms.ValidationError(
                    f"“{slug[:60]}” is not the name of any {self.noun}.", code="invalid_choice"
                )
        if len(slugs) > MAX_ENTITY_FILTERS:
            raise forms.ValidationError(
                f"Choose at most {MAX_ENTITY_FILTERS} of these at once.", code="too_many"
            )
        found = list(
            self.queryset.filter(Q(slug__in=slugs) | Q(former_slugs__overlap=slugs)).order_by(
                "name"
            )
        )
        known = {entity.slug for entity in found}
        known.update(slug for entity in found for slug in entity.former_slugs)
        missing = [slug for slug in slugs if slug not in known]
        if missing:
            raise forms.ValidationError(
                f"No {self.noun} is filed under “{missing[0]}”.", code="invalid_choice"
            )
        return found


class EntitySlugsFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = EntitySlugsField


class YearField(forms.IntegerField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1000)
        kwargs.setdefault("max_value", 9999)
        kwargs.setdefault("error_messages", {"invalid": "Enter a year such as 2021."})
        super().__init__(*args, **kwargs)


class YearFilter(django_filters.NumberFilter):
    field_class = YearField


class PageFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, **kwargs):
        kwargs.setdefault("method", "filter_nothing")
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 10_000)
        kwargs.setdefault("error_messages", {"invalid": "The page must be a whole number."})
        super().__init__(**kwargs)


class SearchForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if start and end and start > end:
            raise forms.ValidationError("The “from” date must be on or before the “to” date.")
        return cleaned


def _date_filter(lookup, label):
    return django_filters.DateFilter(
        field_name="published",
        lookup_expr=lookup,
        label=label,
        input_formats=["%Y-%m-%d"],
        error_messages={"invalid": "Enter a date as YYYY-MM-DD, for example 2021-12-02."},
    )


class ArticleSearchFilter(django_filters.FilterSet):
    """The /search/ page and its feed. `parsed_query` is set once the filters have run."""

    q = django_filters.CharFilter(
        method="filter_query", label="Search the archive", max_length=MAX_QUERY_LENGTH
    )
    person = EntitySlugsFilter(
        queryset=Person.objects.filter(not_an_entity=False),
        method="filter_people",
        label="People",
        noun="person",
    )
    organisation = EntitySlugsFilter(
        queryset=Organisation.objects.filter(not_an_entity=False),
        method="filter_organisations",
        label="Organisations",
        noun="organisation",
    )
    source = SlugChoiceFilter(
        queryset=Source.objects.all(),
        to_field_name="slug",
        label="Source",
        error_messages={"invalid_choice": "No source is filed under that name."},
    )
    year = YearFilter(field_name="published", lookup_expr="year", label="Year")
    sort = django_filters.ChoiceFilter(
        choices=[
            ("relevance", "Relevance"),
            ("newest", "Newest first"),
            ("oldest", "Oldest first"),
        ],
        method="filter_nothing",
        label="Sort by",
        empty_label=None,
    )
    page = PageFilter()

    class Meta:
        model = Article
        fields = []
        form = SearchForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.parsed_query = search.ParsedQuery(text="", query=None)

    def with_query(self, query):
        """The stories of this search with `query` in place of the reader's words, every other
        filter kept (see search.most_words_candidates)."""
        queryset = self.queryset.all()
        for name, value in self.form.cleaned_data.items():
            if name == "q":
                queryset = search.apply_search(queryset, query)
            else:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def filter_query(self, queryset, name, value):
        self.parsed_query = search.parse_query(value)
        return search.apply_search(queryset, self.parsed_query.query)

    def filter_people(self, queryset, name, people):
        for person in people:
            queryset = queryset.filter(
                Exists(PersonMention.objects.filter(article=OuterRef("pk"), person=person))
            )
        return queryset

    def filter_organisations(self, queryset, name, organisations):
        for organisation in organisations:
            queryset = queryset.filter(
                Exists(
                    OrganisationMention.objects.filter(
                        article=OuterRef("pk"), organisation=organisation
                    )
                )
            )
        return queryset

    def filter_nothing(self, queryset, name, value):
        return queryset

    def cleaned(self, name, default=None):
        return self.form.cleaned_data.get(name) or default


# "from" and "to" are Python keywords, so they cannot be class attributes.
ArticleSearchFilter.base_filters["from"] = _date_filter("gte", "From")
ArticleSearchFilter.base_filters["to"] = _date_filter("lte", "To")


class FacetValuesFilter(ArticleSearchFilter):
    """/search/facets/<facet>/: the search's own parameters (the stories whose facet values
    are listed), `within` (a part of the names to list) and `page` (of the list)."""

    within = django_filters.CharFilter(
        method="filter_nothing", label="Find by name", max_length=MAX_NAME_FILTER_LENGTH
    )


FacetValuesFilter.base_filters["from"] = _date_filter("gte", "From")
FacetValuesFilter.base_filters["to"] = _date_filter("lte", "To")


class ArticleMarksForm(forms.Form):
    """A story page's `q`: the search a reader came from, whose words the page marks. A value
    that is too long is ignored (the story is shown unmarked)."""

    q = forms.CharField(required=False, max_length=MAX_QUERY_LENGTH)


class EntityListFilter(django_filters.FilterSet):
    """/people/ and /organisations/: a name search over names, aliases and spellings."""

    q = django_filters.CharFilter(method="filter_name", label="Find by name", max_length=200)
    page = PageFilter()

    class Meta:
        model = Person
        fields = []

    def filter_name(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        names = Func(
            Func(F("aliases"), F("spellings"), function="array_cat"),
            Value(" "),
            function="array_to_string",
            output_field=TextField(),
        )
        return queryset.alias(other_names=names).filter(
            Q(name__icontains=value) | Q(other_names__icontains=value)
        )

    def filter_nothing(self, queryset, name, value):
        return queryset


class QuoteFilter(django_filters.FilterSet):
    """/quotes/: quote text search and a speaker filter."""

    q = django_filters.CharFilter(
        method="filter_query", label="Words in the quote", max_length=MAX_QUERY_LENGTH
    )
    person = SlugChoiceFilter(
        queryset=Person.objects.filter(not_an_entity=False),
        to_field_name="slug",
        label="Said by (person)",
        error_messages={"invalid_choice": "No person is filed under that name."},
    )
    organisation = SlugChoiceFilter(
        queryset=Organisation.objects.filter(not_an_entity=False),
        to_field_name="slug",
        label="Said by (organisation)",
        error_messages={"invalid_choice": "No organisation is filed under that name."},
    )
    speaker = django_filters.CharFilter(
        method="filter_speaker", label="Speaker’s name", max_length=200
    )
    page = PageFilter()

    class Meta:
        model = Quote
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.parsed_query = search.ParsedQuery(text="", query=None)

    def filter_query(self, queryset, name, value):
        self.parsed_query = search.parse_query(value)
        return search.apply_search(queryset, self.parsed_query.query)

    def filter_speaker(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(person__name__icontains=value)
            | Q(organisation__name__icontains=value)
            | Q(speaker_text__icontains=value)
        )

    def filter_nothing(self, queryset, name, value):
        return queryset
