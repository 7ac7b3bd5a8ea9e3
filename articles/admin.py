"""The editors' tools: thin ModelAdmins whose corrections go through articles/services.py."""

import secrets

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from articles import services
from articles.forms import ImportConfirmForm, ImportUploadForm, MergeForm
from articles.models import (
    Article,
    ImportBatch,
    ImportFile,
    Organisation,
    OrganisationMention,
    Person,
    PersonMention,
    Quote,
    Source,
)

IMPORT_SESSION_KEY = "articles_import_token"


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "domain"]
    search_fields = ["name", "domain"]
    prepopulated_fields = {"slug": ["name"]}


class PersonMentionInline(admin.TabularInline):
    model = PersonMention
    autocomplete_fields = ["person"]
    extra = 0


class OrganisationMentionInline(admin.TabularInline):
    model = OrganisationMention
    autocomplete_fields = ["organisation"]
    extra = 0


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "published", "source"]
    list_filter = ["source", "published"]
    list_select_related = ["source"]
    date_hierarchy = "published"
    search_fields = ["title", "url"]
    readonly_fields = ["url", "content_hash", "entity_names", "created", "updated"]
    fields = ["title", "slug", "published", "source", "url", "body", *readonly_fields[1:]]
    inlines = [PersonMentionInline, OrganisationMentionInline]


class EntityAdmin(admin.ModelAdmin):
    list_display = ["name", "aliases_shown", "article_count", "not_an_entity"]
    list_filter = ["not_an_entity"]
    search_fields = ["name", "aliases"]
    readonly_fields = ["article_count", "former_slugs", "created", "updated"]
    actions = ["merge_selected", "mark_not_an_entity"]
    merge_service = None  # services.person_merge or services.organisation_merge

    @admin.display(description="aliases")
    def aliases_shown(self, entity):
        return ", ".join(entity.aliases)

    def save_model(self, request, obj, form, change):
        services.entity_update(obj)

    @admin.action(description="Merge selected into one…", permissions=["change"])
    def merge_selected(self, request, queryset):
        if queryset.count() < 2:
            self.message_user(request, "Select two or more to merge.", messages.WARNING)
            return None
        form = MergeForm(request.POST if "confirm" in request.POST else None, queryset=queryset)
        if form.is_valid():
            target = form.cleaned_data["target"]
            merged = [entity for entity in queryset if entity.pk != target.pk]
            for source in merged:
                self.merge_service(source, target)
            names = ", ".join(source.name for source in merged)
            self.message_user(request, f"Merged {names} into {target.name}.", messages.SUCCESS)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": f"Merge {self.model._meta.verbose_name_plural}",
            "opts": self.model._meta,
            "form": form,
            "queryset": queryset,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/articles/merge_confirm.html", context)

    @admin.action(description="Mark selected as not an entity", permissions=["change"])
    def mark_not_an_entity(self, request, queryset):
        for entity in queryset:
            services.entity_mark_not_an_entity(entity)
        self.message_user(
            request,
            f"{len(queryset)} marked as not an entity; extraction will not create them again.",
            messages.SUCCESS,
        )


@admin.register(Person)
class PersonAdmin(EntityAdmin):
    merge_service = staticmethod(services.person_merge)


@admin.register(Organisation)
class OrganisationAdmin(EntityAdmin):
    merge_service = staticmethod(services.organisation_merge)


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    list_display = ["short_text", "speaker", "kind", "verb", "status", "confidence", "article"]
    list_filter = ["status", "kind", "method"]
    list_select_related = ["person", "organisation", "article"]
    search_fields = ["text", "speaker_text", "person__name", "organisation__name"]
    autocomplete_fields = ["person", "organisation", "article"]
    readonly_fields = ["method", "confidence", "created", "updated"]
    actions = ["verify", "reject"]

    @admin.display(description="quote")
    def short_text(self, quote):
        return quote.text if len(quote.text) <= 90 else quote.text[:89] + "…"

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"person", "organisation"} & set(form.changed_data):
            services.quote_speaker_change(obj, person=obj.person, organisation=obj.organisation)

    @admin.action(description="Verify selected quotes", permissions=["change"])
    def verify(self, request, queryset):
        for quote in queryset:
            services.quote_verify(quote)
        self.message_user(request, f"{len(queryset)} verified.", messages.SUCCESS)

    @admin.action(description="Reject selected quotes", permissions=["change"])
    def reject(self, request, queryset):
        for quote in queryset:
            services.quote_reject(quote)
        self.message_user(request, f"{len(queryset)} rejected.", messages.SUCCESS)


class ImportFileInline(admin.TabularInline):
    model = ImportFile
    fields = ["filename", "outcome", "message", "article"]
    readonly_fields = fields
    can_delete = False
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """The audit trail: read-only, and home of the import page."""

    list_display = [
        "__str__",
        "created_by",
        "created_count",
        "updated_count",
        "unchanged_count",
        "rejected_count",
    ]
    list_filter = ["origin", "created"]
    inlines = [ImportFileInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        return [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="articles_importbatch_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request):
        """Upload, preview (nothing stored), confirm, report."""
        if not request.user.has_perm("articles.add_article"):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "title": "Import stories",
            "opts": self.model._meta,
        }
        form = ImportUploadForm()
        if request.method == "POST" and "token" in request.POST:
            return self._import_confirm(request, context)
        if request.method == "POST":
            form = ImportUploadForm(request.POST, request.FILES)
            if form.is_valid():
                files = [(upload.name, upload.read()) for upload in form.cleaned_data["files"]]
                services.import_stage_discard(request.session.pop(IMPORT_SESSION_KEY, ""))
                token = services.import_stage(files)
                request.session[IMPORT_SESSION_KEY] = token
                preview = services.articles_import(files, dry_run=True)
                context.update(
                    preview=preview,
                    importable=len(preview.files) - len(preview.rejected),
                    confirm_form=ImportConfirmForm(initial={"token": token}),
                )
        context["form"] = form
        return TemplateResponse(request, "admin/articles/import.html", context)

    def _import_confirm(self, request, context):
        form = ImportConfirmForm(request.POST)
        expected = request.session.get(IMPORT_SESSION_KEY, "")
        files = None
        if (
            form.is_valid()
            and expected
            and secrets.compare_digest(form.cleaned_data["token"], expected)
        ):
            files = services.import_staged(expected)
        if files is None:
            self.message_user(
                request,
                "That upload has expired or was already imported: upload again.",
                messages.ERROR,
            )
            return HttpResponseRedirect(reverse("admin:articles_importbatch_import"))
        report = services.articles_import(files, user=request.user, origin=ImportBatch.Origin.ADMIN)
        services.import_stage_discard(request.session.pop(IMPORT_SESSION_KEY))
        context.update(
            report=report,
            batch_url=reverse("admin:articles_importbatch_change", args=[report.batch.pk]),
        )
        return TemplateResponse(request, "admin/articles/import.html", context)
