"""Public API: awards, the ruleset in force, the working-day calendar window."""
import datetime as dt

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from core import clock
from core.errors import DomainError

from . import selectors
from .calendar import UNITS, compute_window
from .models import Award


class WindowSerializer(serializers.Serializer):
    length = serializers.IntegerField(min_value=1)
    unit = serializers.ChoiceField(choices=UNITS)
    minimum = serializers.BooleanField(required=False, help_text="true：不少于；false：恰为")
    article = serializers.CharField(allow_null=True)


class StageSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    actor = serializers.CharField()
    article = serializers.CharField(allow_null=True)
    publicity = WindowSerializer(required=False)
    public_comment = WindowSerializer(required=False)
    deadline = WindowSerializer(required=False)


class RulesetSerializer(serializers.Serializer):
    award = serializers.CharField()
    version = serializers.IntegerField()
    in_force = serializers.BooleanField()
    document = inline_serializer("Document", {
        "number": serializers.CharField(), "issued": serializers.DateField(allow_null=True),
        "effective_from": serializers.DateField(allow_null=True), "effective_until": serializers.DateField(allow_null=True),
        "article": serializers.CharField(allow_null=True),
    })
    cycle_years = serializers.IntegerField()
    quota = inline_serializer("Quota", {
        "organization": serializers.IntegerField(), "individual": serializers.IntegerField(),
        "vacancy_allowed": serializers.BooleanField(), "article": serializers.CharField(),
    })
    stages = StageSerializer(many=True)
    reapply_after_award = inline_serializer("Reapply", {
        "length": serializers.IntegerField(), "unit": serializers.ChoiceField(choices=["cycles", "years"]),
        "article": serializers.CharField(),
    }, allow_null=True)
    bans = inline_serializer("Ban", {
        "reason": serializers.CharField(), "length": serializers.IntegerField(),
        "unit": serializers.ChoiceField(choices=["cycles", "years"]), "article": serializers.CharField(),
    }, many=True)
    prize = inline_serializer("Prize", {
        "organization": serializers.IntegerField(allow_null=True), "individual": serializers.IntegerField(allow_null=True),
        "article": serializers.CharField(allow_null=True),
    })


class AwardSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    jurisdiction_code = serializers.CharField()
    jurisdiction_name = serializers.CharField()
    ruleset_version = serializers.IntegerField(allow_null=True)
    ruleset_in_force = serializers.BooleanField()


def ruleset_json(ruleset) -> dict:
    data = {k: v for k, v in ruleset.data.items() if k != "award"}
    return {"award": ruleset.award.slug, "version": ruleset.version, "in_force": ruleset.in_force_on(clock.today()), **data}


@extend_schema(responses=AwardSerializer(many=True), summary="质量奖列表（公开）")
@api_view(["GET"])
@permission_classes([AllowAny])
def award_list(request):
    out = []
    for award in selectors.awards_public():
        current = selectors.ruleset_current(award)
        out.append({
            "slug": award.slug,
            "name": award.name,
            "jurisdiction_code": award.jurisdiction.code,
            "jurisdiction_name": award.jurisdiction.name,
            "ruleset_version": current.version if current else None,
            "ruleset_in_force": bool(current and current.in_force_on(clock.today())),
        })
    return Response(out)


@extend_schema(responses=RulesetSerializer, summary="现行规则（公开）",
               description="现行有效的规则版本；若已失效且尚无新版本，返回最后一个版本并以 in_force=false 标明。每条规则附条款 article。")
@api_view(["GET"])
@permission_classes([AllowAny])
def award_ruleset(request, slug):
    award = get_object_or_404(Award, slug=slug)
    ruleset = selectors.ruleset_current(award)
    if ruleset is None:
        return Response({"detail": "该奖项尚无规则。"}, status=404)
    return Response(ruleset_json(ruleset))


class WindowQuery(serializers.Serializer):
    start = serializers.DateField(error_messages={"invalid": "start 必须是 YYYY-MM-DD 格式的日期。", "required": "请提供 start。"})
    length = serializers.IntegerField(min_value=1, max_value=400, error_messages={
        "invalid": "length 必须是整数。", "min_value": "length 至少为 1。", "max_value": "length 不能超过 400。",
        "required": "请提供 length。"})
    unit = serializers.ChoiceField(choices=UNITS, error_messages={"invalid_choice": "unit 必须是 working_days 或 calendar_days。", "required": "请提供 unit。"})


@extend_schema(
    parameters=[
        OpenApiParameter("start", dt.date, required=True, description="开始日期 YYYY-MM-DD"),
        OpenApiParameter("length", int, required=True, description="期限长度 N"),
        OpenApiParameter("unit", str, required=True, enum=list(UNITS)),
    ],
    responses={200: inline_serializer("CalendarWindow", {
        "start": serializers.DateField(), "first_day": serializers.DateField(), "last_day": serializers.DateField(),
        "closes_at": serializers.DateTimeField(), "length": serializers.IntegerField(), "unit": serializers.CharField(),
        "label": serializers.CharField()})},
    summary="公示期/期限计算（公开）",
    description="N 个工作日的期限：开始日若非工作日则顺延至下一个工作日，含首日数满 N 个工作日，截止于最后一日 24:00（北京时间）。N 天（自然日）：开始日为第1天。",
)
@api_view(["GET"])
@permission_classes([AllowAny])
def calendar_window(request):
    query = WindowQuery(data=request.query_params)
    if not query.is_valid():
        return Response({"detail": "参数有误。", "errors": query.errors}, status=400)
    params = query.validated_data
    try:
        window = compute_window(params["start"], params["length"], params["unit"])
    except DomainError as exc:
        return Response(exc.as_dict(), status=400)
    return Response({"start": params["start"].isoformat(), **window.as_dict(), "label": window.label()})
