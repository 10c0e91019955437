"""Atom feed of a jurisdiction's notices (django.contrib.syndication)."""
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from jurisdictions.models import Jurisdiction

from . import selectors
from .presenters import window_label, window_prefix


class JurisdictionNoticeFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, code):
        return get_object_or_404(Jurisdiction, code=code)

    def title(self, obj):
        return f"{obj.name}质量奖公示公告"

    def link(self, obj):
        return reverse("publicity:notice-list") + f"?jurisdiction={obj.code}"

    def subtitle(self, obj):
        return f"{obj.name}政府质量奖的申报通知、名单公示、表彰决定与更正公告"

    def items(self, obj):
        return selectors.notices_public(jurisdiction=obj.code)[:50]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        label = window_label(item)
        window = f"{window_prefix(item)}：{label}\n" if label else ""
        return f"{window}{item.body}"

    def item_link(self, item):
        return reverse("publicity:notice-detail", args=[item.pk])

    def item_pubdate(self, item):
        return item.published_at

    def item_author_name(self, item):
        return item.issuer
