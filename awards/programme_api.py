"""Programme API: the pool members a user may see, and the cycles an agency's staff may work on today
(the review app and agency tools ask the latter)."""
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from django.urls import path

from . import programme_selectors as sel


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


@extend_schema(responses=inline_serializer("AgencyCycle", {"id": serializers.IntegerField(), "award": serializers.CharField(),
                                                          "year": serializers.IntegerField(), "number": serializers.IntegerField()},
                                           many=True), summary="评审机构工作人员当前可办理的届次（委托合同有效期内）")
@api_view(["GET"])
def agency_cycles(request):
    return Response([{"id": c.pk, "award": c.award.slug, "year": c.year, "number": c.number} for c in sel.agency_cycles(request.user)])


urlpatterns = [
    path("programme/pool/", pool_members, name="api-programme-pool"),
    path("programme/agency-cycles/", agency_cycles, name="api-programme-agency-cycles"),
]
