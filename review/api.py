"""Review API: the public criteria sheets, a reviewer's own assignments and score sheets, and the cycles a
review agency's staff may work on today."""
from django.http import Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from . import permissions, selectors, services
from .models import Assignment, CriteriaSet

# ---------------------------------------------------------------- criteria (public)


class BandSerializer(serializers.Serializer):
    low = serializers.IntegerField()
    high = serializers.IntegerField()
    descriptor = serializers.CharField()


class CriterionSerializer(serializers.Serializer):
    number = serializers.CharField()
    name = serializers.CharField()
    points = serializers.DecimalField(max_digits=7, decimal_places=2)
    kind = serializers.CharField()
    bands = BandSerializer(many=True)


class CategorySerializer(serializers.Serializer):
    number = serializers.CharField()
    name = serializers.CharField()
    points = serializers.DecimalField(max_digits=7, decimal_places=2)
    preamble = serializers.CharField(allow_blank=True)
    items = CriterionSerializer(many=True)


class CriteriaSetSummarySerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    standard = serializers.CharField()
    total_points = serializers.DecimalField(max_digits=7, decimal_places=2)
    builtin = serializers.BooleanField()
    jurisdiction_code = serializers.CharField(allow_null=True)
    categories = serializers.IntegerField()
    items = serializers.IntegerField()


class CriteriaSetSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    standard = serializers.CharField()
    description = serializers.CharField()
    total_points = serializers.DecimalField(max_digits=7, decimal_places=2)
    step = serializers.IntegerField()
    bands = serializers.DictField(child=BandSerializer(many=True))
    categories = CategorySerializer(many=True)


def criteria_set_summary(cs: CriteriaSet) -> dict:
    return {"code": cs.code, "name": cs.name, "standard": cs.standard, "total_points": cs.total_points,
            "builtin": cs.builtin, "jurisdiction_code": cs.jurisdiction.code if cs.jurisdiction_id else None,
            "categories": len(cs.categories.all()), "items": len(cs.criteria.all())}


def criteria_set_json(cs: CriteriaSet) -> dict:
    return {
        "code": cs.code, "name": cs.name, "standard": cs.standard, "description": cs.description,
        "total_points": cs.total_points, "step": 5, "bands": cs.bands,
        "categories": [
            {"number": c.number, "name": c.name, "points": c.points, "preamble": c.preamble,
             "items": [{"number": i.number, "name": i.name, "points": i.points, "kind": i.kind,
                        "bands": cs.bands.get(i.kind, [])} for i in c.items.all()]}
            for c in cs.categories.all()
        ],
    }


@extend_schema(responses=CriteriaSetSummarySerializer(many=True), summary="评分标准列表（公开）")
@api_view(["GET"])
@permission_classes([AllowAny])
def criteria_list(request):
    sets = selectors.criteria_sets_public()
    return Response(CriteriaSetSummarySerializer([criteria_set_summary(cs) for cs in sets], many=True).data)


@extend_schema(responses=CriteriaSetSerializer, summary="评分标准详情：类目、评分项、分值、类型与评分档次描述（公开）")
@api_view(["GET"])
@permission_classes([AllowAny])
def criteria_detail(request, code: str):
    try:
        cs = selectors.criteria_set_detail(code)
    except CriteriaSet.DoesNotExist:
        raise Http404 from None
    return Response(CriteriaSetSerializer(criteria_set_json(cs)).data)


# ---------------------------------------------------------------- a reviewer's assignments


class ScoreSerializer(serializers.Serializer):
    criterion = serializers.CharField(help_text="评分项编号，如 4.1.2")
    percent = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    strengths = serializers.CharField(allow_blank=True, required=False)
    opportunities = serializers.CharField(allow_blank=True, required=False)


class AssignmentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    application_reference = serializers.CharField()
    applicant_name = serializers.CharField()
    award = serializers.CharField()
    stage = serializers.CharField()
    criteria_set = serializers.CharField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    scores = ScoreSerializer(many=True)


def assignment_json(a: Assignment, scores) -> dict:
    return {"id": a.pk, "application_reference": a.application.reference, "applicant_name": a.application.applicant.name,
            "award": a.application.cycle.award.slug, "stage": a.stage, "criteria_set": a.criteria_set.code,
            "submitted_at": a.submitted_at,
            "scores": [{"criterion": s.criterion.number, "percent": s.percent, "strengths": s.strengths,
                        "opportunities": s.opportunities} for s in scores]}


@extend_schema(responses=AssignmentSerializer(many=True), summary="我的评审任务")
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def assignment_list(request):
    rows = list(selectors.my_assignments(request.user).prefetch_related("scores__criterion"))
    return Response(AssignmentSerializer([assignment_json(a, a.scores.all()) for a in rows], many=True).data)


@extend_schema(
    request=inline_serializer("ScoreSubmission", {
        "scores": ScoreSerializer(many=True),
        "submit": serializers.BooleanField(required=False, help_text="true：保存后提交（提交后不可修改）"),
    }),
    responses=AssignmentSerializer, summary="保存（或提交）评分",
)
@api_view(["POST"])
@permission_classes([IsAuthenticated])
def assignment_scores(request, pk: int):
    try:
        assignment = selectors.reviewer_assignment(request.user, pk)
    except Assignment.DoesNotExist:
        raise Http404 from None
    payload = request.data if isinstance(request.data, dict) else {}
    entries = payload.get("scores") or []
    if not isinstance(entries, list):
        return Response({"detail": "scores 必须是列表。", "code": "invalid"}, status=400)
    services.scores_save(assignment=assignment, entries=entries, actor=request.user)
    if payload.get("submit") in (True, "true", "1", 1):
        services.assignment_submit(assignment=assignment, actor=request.user)
    assignment.refresh_from_db()
    return Response(AssignmentSerializer(assignment_json(assignment, assignment.scores.select_related("criterion"))).data)


# ---------------------------------------------------------------- review agencies
@extend_schema(responses=inline_serializer("AgencyCycle", {"id": serializers.IntegerField(), "award": serializers.CharField(),
                                                          "year": serializers.IntegerField(), "number": serializers.IntegerField()},
                                           many=True), summary="评审机构工作人员当前可办理的届次（委托合同有效期内）")
@api_view(["GET"])
def agency_cycles(request):
    return Response([{"id": c.pk, "award": c.award.slug, "year": c.year, "number": c.number}
                     for c in permissions.agency_cycles(request.user)])
