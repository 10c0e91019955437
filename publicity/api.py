"""Public API: notices with their windows and the listed applicants (names only)."""
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from . import selectors
from .models import Notice


class NoticeSerializer(serializers.ModelSerializer):
    award = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    applicants = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = ["id", "title", "kind", "award", "first_day", "last_day", "closes_at", "length", "unit", "applicants"]

    def get_applicants(self, obj) -> list[str]:
        return selectors.listed_names(obj)


@extend_schema(parameters=[
    OpenApiParameter("award", str, description="奖项 slug"),
    OpenApiParameter("kind", str, description="公告类型"),
    OpenApiParameter("open", bool, description="true：公示中；false：已结束"),
])
class NoticeList(generics.ListAPIView):
    """公示公告（公开）。"""
    serializer_class = NoticeSerializer
    permission_classes = [AllowAny]
    authentication_classes = []
    filter_backends = []

    def get_queryset(self):
        p = self.request.query_params
        return selectors.notices_public(award=p.get("award", ""), kind=p.get("kind", ""), open=(p.get("open") or "").lower())
