from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from articles import selectors
from articles.models import Article, Organisation, Person


def home(request):
    return render(request, "articles/home.html", {"articles": selectors.article_list_newest()})


def article_detail(request, slug):
    try:
        article = selectors.article_detail(slug)
    except Article.DoesNotExist:
        raise Http404("No story at this address.") from None
    return render(request, "articles/article_detail.html", {"article": article})


def _entity_detail(request, model, slug, template):
    entity = model.objects.filter(slug=slug, not_an_entity=False).first()
    if entity is None:
        merged_into = get_object_or_404(model, former_slugs__contains=[slug])
        return redirect(merged_into, permanent=True)
    return render(request, template, {"entity": entity})


def person_detail(request, slug):
    return _entity_detail(request, Person, slug, "articles/entity_detail.html")


def organisation_detail(request, slug):
    return _entity_detail(request, Organisation, slug, "articles/entity_detail.html")
