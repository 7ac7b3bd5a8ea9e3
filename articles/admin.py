"""The editors' tools: thin ModelAdmins whose corrections go through articles/services.py."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.db.models.functions import Coalesce, Least
from django.http import HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from articles import selectors, services
from articles.forms import EntityForm, ImportUploadForm, MergeForm
from articles.models import (
    Article,
    ImportBatch,
    Organisation,
    OrganisationMention,
    OrganisationPair,
    Person,
    PersonMention,
    PersonPair,
    Quote,
    Source,
)

# Files listed on a batch page; the counts above them cover every file.
BATCH_PAGE_FILES = 200


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["name", "domain"]
    search_fields = ["name", "domain"]
    prepopulated_fields = {"slug": ["name"]}


class MentionInline(admin.TabularInline):
    """Mentions are written by extraction and corrected through the entities (merge, not an
    entity), so that counts and search text follow: here they are read."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PersonMentionInline(MentionInline):
    model = PersonMention


class OrganisationMentionInline(MentionInline):
    model = OrganisationMention


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "published", "source"]
    list_filter = ["source", "published"]
    list_select_related = ["source"]
    date_hierarchy = "published"
    search_fields = ["title", "url"]
    # A story changes by importing its corrected file: that re-extracts it and keeps its
    # people, quotes, counts and search text in step. Here it can be read and deleted.
    readonly_fields = [
        "title",
        "slug",
        "published",
        "source",
        "url",
        "body",
        "content_hash",
        "entity_names",
        "created",
        "updated",
    ]
    inlines = [PersonMentionInline, OrganisationMentionInline]

    def has_add_permission(self, request):
        return False

    def delete_model(self, request, obj):
        services.articles_delete(Article.objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset):
        services.articles_delete(queryset)


class EntityAdmin(admin.ModelAdmin):
    list_display = ["name", "aliases_shown", "article_count", "confirmed", "not_an_entity"]
    list_filter = ["confirmed", "not_an_entity"]
    search_fields = ["name", "aliases"]
    readonly_fields = [
        "spellings",
        "merged_keys",
        "article_count",
        "former_slugs",
        "created",
        "updated",
    ]
    exclude = ["surname", "name_key"]
    actions = ["confirm_selected", "merge_selected", "mark_not_an_entity"]
    form = EntityForm
    merge_service = None  # services.person_merge or services.organisation_merge

    @admin.display(description="aliases (spellings seen)")
    def aliases_shown(self, entity):
        seen = f" ({', '.join(entity.spellings)})" if entity.spellings else ""
        return ", ".join(entity.aliases) + seen

    @admin.action(
        description="Confirm selected: later imports recognise their names", permissions=["change"]
    )
    def confirm_selected(self, request, queryset):
        count = services.entities_confirm(queryset)
        self.message_user(request, f"{count} confirmed.", messages.SUCCESS)

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
                self.merge_service(source, target, user=request.user)
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


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """The audit trail (read-only) and the import pages: upload, preview, progress."""

    list_display = [
        "__str__",
        "status",
        "created_by",
        "total_count",
        "created_count",
        "updated_count",
        "unchanged_count",
        "rejected_count",
        "failed_count",
    ]
    list_filter = ["status", "origin", "created"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("import/", view(self.import_view), name="articles_importbatch_import"),
            path("<int:pk>/batch/", view(self.batch_view), name="articles_importbatch_batch"),
            path(
                "<int:pk>/progress/",
                view(self.progress_view),
                name="articles_importbatch_progress",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return HttpResponseRedirect(reverse("admin:articles_importbatch_batch", args=[object_id]))

    def _context(self, request, title, importing=True):
        """Importing (uploading, confirming, cancelling) takes the permission to add stories;
        reading a batch's page and progress, the permission to view batches."""
        allowed = (
            request.user.has_perm("articles.add_article")
            if importing
            else self.has_view_permission(request)
        )
        if not allowed:
            raise PermissionDenied
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "can_import": request.user.has_perm("articles.add_article"),
        }

    def import_view(self, request):
        """Upload: the files are kept in the database and parsed for the preview, nothing
        more, so the answer comes at once however many files there are."""
        context = self._context(request, "Import stories")
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            files = [(upload.name, upload.read()) for upload in form.cleaned_data["files"]]
            batch = services.batch_stage(files, user=request.user)
            return HttpResponseRedirect(
                reverse("admin:articles_importbatch_batch", args=[batch.pk])
            )
        return TemplateResponse(request, "admin/articles/import.html", {**context, "form": form})

    def batch_view(self, request, pk):
        """A batch: its preview with the confirm button, or its progress with cancel."""
        batch = get_object_or_404(ImportBatch, pk=pk)
        context = self._context(request, str(batch), importing=request.method == "POST")
        if request.method == "POST":
            return self._batch_act(request, batch)
        files = batch.files.select_related("article").order_by("pk")
        context.update(
            batch=batch,
            progress=selectors.batch_progress(batch),
            totals=services.preview_totals(batch) if batch.status == "preview" else None,
            problems=files.filter(Q(outcome__in=["rejected", "failed"]) | Q(expected="rejected"))[
                :BATCH_PAGE_FILES
            ],
            files=files[:BATCH_PAGE_FILES],
            files_shown=BATCH_PAGE_FILES,
        )
        return TemplateResponse(request, "admin/articles/batch.html", context)

    def _batch_act(self, request, batch):
        action = request.POST.get("action")
        if action == "confirm":
            if services.batch_confirm(batch):
                self.message_user(request, "Import started: it goes on if you leave this page.")
            else:
                self.message_user(request, "This batch was already confirmed.", messages.WARNING)
        elif action == "cancel":
            cancelled = services.batch_cancel(batch)
            self.message_user(request, f"Cancelled: {cancelled} file(s) will not be imported.")
        else:
            return HttpResponseBadRequest("unknown action")
        return HttpResponseRedirect(reverse("admin:articles_importbatch_batch", args=[batch.pk]))

    def progress_view(self, request, pk):
        """What the batch page polls (static/articles/batch-progress.js): counts and rate."""
        self._context(request, "", importing=False)
        batch = get_object_or_404(ImportBatch, pk=pk)
        return JsonResponse(selectors.batch_progress(batch).as_json())


class EntityPairAdmin(admin.ModelAdmin):
    """Editors' queue of possible duplicates: each pair with its evidence, answered in one
    click ("merge" or "not the same"); answers are kept for good."""

    list_display = ["first", "second", "reason", "evidence_shown", "score", "answer"]
    list_filter = ["decision", "reason"]
    list_select_related = ["first", "second"]
    search_fields = ["first__name", "second__name"]
    readonly_fields = ["first", "second", "reason", "evidence", "score", "decided_by", "decided"]
    actions = ["merge_pairs", "distinct_pairs"]

    def has_add_permission(self, request):
        return False

    def get_list_display(self, request):
        # Who may not decide sees the decision, not buttons that would answer 403.
        if self.has_change_permission(request):
            return self.list_display
        return [name if name != "answer" else "decision" for name in self.list_display]

    def get_ordering(self, request):
        # The pairs whose answer moves the most stories first: the smaller entry's stories
        # (annotated by get_queryset, so not an `ordering` the system checks could verify).
        return ["decision", "-stake", "-score", "pk"]

    def get_queryset(self, request):
        stake = Least(Coalesce("first__article_count", 0), Coalesce("second__article_count", 0))
        pairs = self.model._default_manager.annotate(stake=stake)
        return pairs.order_by(*self.get_ordering(request))

    def changelist_view(self, request, extra_context=None):
        if "decision__exact" not in request.GET and not request.GET.get("q"):
            query = request.GET.copy()
            query["decision__exact"] = "open"
            return HttpResponseRedirect(f"{request.path}?{query.urlencode()}")
        return super().changelist_view(request, extra_context)

    @admin.display(description="evidence")
    def evidence_shown(self, pair):
        evidence = pair.evidence
        stories = evidence.get("stories") or ["?", "?"]
        parts = [
            f"stories {stories[0]} and {stories[1]}",
            f"{evidence.get('shared_stories', 0)} in common",
        ]
        if "surname" in evidence:
            parts.append(f"surname {evidence['surname']}")
        if "similarity" in evidence:
            parts.append(f"spelling similarity {evidence['similarity']}")
        companions = evidence.get("companions") or [[], []]
        parts.append(
            "appear with: " + " / ".join(", ".join(names) or "nobody" for names in companions)
        )
        return "; ".join(parts)

    @admin.display(description="answer")
    def answer(self, pair):
        if pair.decision != "open":
            return pair.get_decision_display()
        opts = pair._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_decide", args=[pair.pk])
        # Buttons of the changelist's own form: one click posts with its CSRF token.
        return format_html(
            '<button type="submit" class="button" formaction="{}" name="decision" '
            'value="merged">Merge</button> '
            '<button type="submit" class="button" formaction="{}" name="decision" '
            'value="distinct">Not the same</button>',
            url,
            url,
        )

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "<int:pk>/decide/",
                self.admin_site.admin_view(self.decide_view),
                name=f"{opts.app_label}_{opts.model_name}_decide",
            ),
            *super().get_urls(),
        ]

    def decide_view(self, request, pk):
        if request.method != "POST" or not self.has_change_permission(request):
            raise PermissionDenied
        pair = get_object_or_404(self.model, pk=pk)
        decision = request.POST.get("decision")
        if decision not in ("merged", "distinct"):
            return HttpResponseBadRequest("unknown decision")
        self._decide(request, [pair], decision)
        return HttpResponseRedirect(request.META.get("HTTP_REFERER") or "..")

    def _decide(self, request, pairs, decision):
        for pair in pairs:
            try:
                services.pair_decide(pair, decision, user=request.user)
            except ValueError as error:
                self.message_user(request, f"{pair}: {error}", messages.ERROR)
                continue
            verb = "Merged" if decision == "merged" else "Kept apart"
            self.message_user(request, f"{verb}: {pair}.", messages.SUCCESS)

    @admin.action(description="Merge each selected pair", permissions=["change"])
    def merge_pairs(self, request, queryset):
        self._decide(request, list(queryset.filter(decision="open")), "merged")

    @admin.action(description="Not the same: keep each selected pair apart", permissions=["change"])
    def distinct_pairs(self, request, queryset):
        self._decide(request, list(queryset.filter(decision="open")), "distinct")


@admin.register(PersonPair)
class PersonPairAdmin(EntityPairAdmin):
    pass


@admin.register(OrganisationPair)
class OrganisationPairAdmin(EntityPairAdmin):
    pass
