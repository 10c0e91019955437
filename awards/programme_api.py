"""Programme API: the pool members a user may see."""
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from django.urls import path

from . import selectors as sel


class PoolMemberSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    award = serializers.CharField(source="award.slug")
    name = serializers.CharField()
    credit_code = serializers.CharField()
    county = serializers.CharField(source="county.code")
    joined_on = serializers.DateField()
    route = serializers.CharField()
    left_on = serializers.DateField(allow_null=True)


@extend_schema(responses=PoolMemberSerializer(many=True), summary="培育库成员（按角色限定范围）")
@api_view(["GET"])
def pool_members(request):
    return Response(PoolMemberSerializer(sel.pool_members_visible(request.user), many=True).data)


urlpatterns = [
    path("programme/pool/", pool_members, name="api-programme-pool"),
]
