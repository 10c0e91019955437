"""REST API of the application pipeline (/api/v1/). Same services and pipeline as the pages; lists come
from awards.selectors (another tenant's object is a 404); domain errors become 400 {detail, code, field}
through core.api.exception_handler. Serializers name their fields explicitly: an update accepts only the
draft fields, anything else (status, stage, ...) is refused."""
from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import api_view, parser_classes
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from core.errors import DomainError, NotPermitted
from jurisdictions.models import Jurisdiction
from jurisdictions.rules import STAGE_LABELS, Rules

from . import eligibility, permissions, selectors, services
from .models import Applicant, Application, ClaimRequest, LegalForm
from . import actions
from .pipeline import TABLE, allowed_roles

TAGS = ["申报流程"]


# ---- serializers -------------------------------------------------------------------------------------------
class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    field = serializers.CharField(required=False)
    article = serializers.CharField(required=False)


class ApplicantSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    name = serializers.CharField()
    credit_code = serializers.CharField(allow_null=True)
    county = serializers.CharField(source="county.code")
    legal_form = serializers.CharField()
    registration_date = serializers.DateField(allow_null=True)


class OrganizationRegisterSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    credit_code = serializers.CharField(max_length=30)
    county = serializers.CharField(max_length=6, help_text="县级行政区划代码（GB/T 2260）")
    legal_form = serializers.ChoiceField(choices=LegalForm.choices)
    registration_date = serializers.DateField(required=False, allow_null=True)
    parent_credit_code = serializers.CharField(max_length=30, required=False, allow_blank=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    industry = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")


class IndividualRegisterSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    id_number = serializers.CharField(max_length=30)
    county = serializers.CharField(max_length=6)
    employer = serializers.CharField(max_length=120)
    quality_work_years = serializers.IntegerField(min_value=0, max_value=70)
    phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CycleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    award = serializers.CharField(source="award.slug")
    award_name = serializers.CharField(source="award.name")
    year = serializers.IntegerField()
    number = serializers.IntegerField()
    status = serializers.CharField()
    opened_on = serializers.DateField()
    filing_deadline = serializers.DateField()
    ruleset_version = serializers.IntegerField(source="ruleset.version")


class CycleOpenSerializer(serializers.Serializer):
    award = serializers.SlugField()
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    filing_deadline = serializers.DateField()
    plan_approval_body = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    plan_approval_document = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    plan_approval_date = serializers.DateField(required=False, allow_null=True, default=None)
    override_reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ApplicationSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    cycle = serializers.IntegerField(source="cycle_id")
    award = serializers.CharField(source="cycle.award.slug")
    applicant = serializers.IntegerField(source="applicant_id")
    applicant_name = serializers.CharField(source="applicant.name")
    category = serializers.CharField()
    stage = serializers.CharField()
    stage_label = serializers.SerializerMethodField()
    status = serializers.CharField()
    stage_due = serializers.DateField(allow_null=True)
    route_body = serializers.CharField(source="route_body.name", allow_null=True, default=None)
    declaration = serializers.JSONField()
    self_evaluation = serializers.CharField()
    internal_publicity_from = serializers.DateField(allow_null=True)
    internal_publicity_to = serializers.DateField(allow_null=True)
    recommendation = serializers.CharField()
    encouraged = serializers.ListField(child=serializers.CharField())
    materials_version = serializers.IntegerField()
    submitted_at = serializers.DateTimeField(allow_null=True)

    def get_stage_label(self, obj) -> str:
        return STAGE_LABELS.get(obj.stage, obj.stage)


class ApplicationCreateSerializer(serializers.Serializer):
    cycle = serializers.IntegerField()
    applicant = serializers.IntegerField()


class ApplicationUpdateSerializer(serializers.Serializer):
    """Only the draft fields (awards.services.DRAFT_FIELDS); any other key is refused with code mass_assignment."""

    declaration = serializers.DictField(required=False)
    self_evaluation = serializers.CharField(required=False, allow_blank=True)
    internal_publicity_from = serializers.DateField(required=False, allow_null=True)
    internal_publicity_to = serializers.DateField(required=False, allow_null=True)
    recommendation = serializers.CharField(required=False, allow_blank=True)
    encouraged = serializers.ListField(child=serializers.CharField(), required=False)

    def validate_declaration(self, value):
        """The dates of accidents, violations and findings as YYYY-MM-DD, loss years as fiscal years
        (awards.eligibility.DATES_FREE, FISCAL_YEARS_FREE)."""
        problems = eligibility.declaration_problems(value)
        if problems:
            key = next(iter(problems))
            raise DomainError("；".join(f"declaration.{k}：{m}" for k, m in problems.items()), code="invalid_declaration",
                              field=f"declaration.{key}")
        return value


class EligibilitySerializer(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()
    article = serializers.CharField(allow_null=True)
    outcome = serializers.CharField()
    outcome_label = serializers.CharField()
    why = serializers.CharField()


class MaterialSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    version = serializers.IntegerField()
    original_name = serializers.CharField()
    size = serializers.IntegerField()
    content_type = serializers.CharField()
    trade_secret = serializers.BooleanField()
    kind = serializers.CharField()
    issuer = serializers.CharField()


class MaterialUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    title = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    trade_secret = serializers.BooleanField(required=False, default=False)
    kind = serializers.ChoiceField(choices=["material", "recommendation"], required=False, default="material",
                                   help_text="recommendation：推荐单位签署的推荐意见（须同时填写 issuer）")
    issuer = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")


class TransitionSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=sorted(TABLE))
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    role = serializers.CharField(required=False, allow_blank=True, default="", help_text="不填时按您在该申报上的岗位推断")
    fraud = serializers.BooleanField(required=False, default=False,
                                     help_text="随“不予通过”或“未进入下一环节”记录查实隐瞒有关情况或提供虚假材料；管理办法规定的，同时写入禁止申报记录")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class SupplementRequestSerializer(serializers.Serializer):
    items = serializers.ListField(child=serializers.CharField(max_length=300), allow_empty=True)
    role = serializers.CharField(required=False, allow_blank=True, default="")


class SupplementAnswerSerializer(serializers.Serializer):
    answer = serializers.CharField()


class PublishListSerializer(serializers.Serializer):
    stage = serializers.CharField()
    body = serializers.IntegerField(required=False, allow_null=True, default=None, help_text="初审名单：发布单位（初审机构）ID")


class NoticeBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    first_day = serializers.DateField()
    last_day = serializers.DateField()
    closes_at = serializers.DateTimeField()


class StageSelectSerializer(serializers.Serializer):
    stage = serializers.CharField()
    advancing = serializers.ListField(child=serializers.IntegerField(), allow_empty=True)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class ApprovalSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=120)
    document = serializers.CharField(max_length=80)
    date = serializers.DateField()


class CommendSerializer(serializers.Serializer):
    decision_document = serializers.CharField(max_length=80)
    date = serializers.DateField()


class GrantSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    serial = serializers.CharField()
    award = serializers.CharField(source="award.slug")
    applicant_name = serializers.CharField()  # the name at the time of the award
    category = serializers.CharField()
    year = serializers.IntegerField()
    awarded_on = serializers.DateField()
    prize_amount = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    revoked_on = serializers.DateField(allow_null=True)
    revoke_reason = serializers.CharField()
    revoke_occurred_on = serializers.DateField(allow_null=True)
    revoke_evidence_ref = serializers.CharField()
    prize_to_recover = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=20)
    text = serializers.CharField()
    occurred_on = serializers.DateField(help_text="撤销事由（事故、违法行为、弄虚作假等）发生的日期；获奖后N年内的情形按此日期判断")
    evidence = serializers.FileField(required=False, help_text="证明材料（multipart 上传），与 evidence_ref 至少填一项")
    evidence_ref = serializers.CharField(required=False, allow_blank=True, default="", max_length=200,
                                         help_text="证明文书的文号或名称，如事故调查报告、行政处罚决定书")


class PerformanceReportSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    content = serializers.CharField()


# ---- helpers -----------------------------------------------------------------------------------------------
def _valid(serializer_class, request):
    s = serializer_class(data=request.data)
    s.is_valid(raise_exception=True)
    return s.validated_data


def _county(code: str) -> Jurisdiction:
    county = Jurisdiction.objects.filter(code=code, level="county").first()
    if county is None:
        raise DomainError("请选择有效的县级行政区划代码。", field="county")
    return county


def _page(request, qs, serializer_class):
    paginator = PageNumberPagination()
    page = paginator.paginate_queryset(qs, request)
    return paginator.get_paginated_response(serializer_class(page, many=True).data)


def _role_for(user, application: Application, action: str, asked: str = "") -> str:
    """The role the caller acts in: the one asked for, else the first role of theirs the action allows."""
    stage = Rules(application.cycle.ruleset.data).stage(application.stage)
    roles = sorted(allowed_roles(TABLE[action], stage.actor)) if action in TABLE else []
    if asked:
        return asked
    for role in roles:
        if permissions.has_role(user, role, application):
            return role
    raise NotPermitted("您无权办理该申报。", code="not_permitted")


def _app_data(app) -> dict:
    return ApplicationSerializer(app).data


class ClaimPendingSerializer(serializers.Serializer):
    claim = serializers.IntegerField()
    state = serializers.CharField()
    code = serializers.CharField()
    detail = serializers.CharField()


ERRORS = {400: ErrorSerializer, 403: ErrorSerializer, 404: ErrorSerializer}


# ---- applicants --------------------------------------------------------------------------------------------
@extend_schema(tags=TAGS, summary="我的申报主体", responses=ApplicantSerializer(many=True))
@api_view(["GET"])
def applicant_list(request):
    return Response(ApplicantSerializer(selectors.applicants_of(request.user), many=True).data)


@extend_schema(tags=TAGS, summary="注册组织申报主体", request=OrganizationRegisterSerializer, responses={201: ApplicantSerializer, 202: ClaimPendingSerializer, **ERRORS})
@api_view(["POST"])
def applicant_register_organization(request):
    data = _valid(OrganizationRegisterSerializer, request)
    parent = None
    if data.get("parent_credit_code"):
        parent = Applicant.objects.filter(credit_code=data["parent_credit_code"].strip().upper()).first()
        if parent is None:
            raise DomainError("没有找到该统一社会信用代码的上级组织，请其先在本平台注册。", field="parent_credit_code")
    applicant = services.applicant_register_organization(
        user=request.user, name=data["name"], credit_code=data["credit_code"], county=_county(data["county"]),
        legal_form=data["legal_form"], registration_date=data.get("registration_date"), address=data["address"],
        industry=data["industry"], phone=data["phone"], parent=parent)
    return _registered(applicant)


@extend_schema(tags=TAGS, summary="注册个人申报主体", request=IndividualRegisterSerializer, responses={201: ApplicantSerializer, 202: ClaimPendingSerializer, **ERRORS})
@api_view(["POST"])
def applicant_register_individual(request):
    data = _valid(IndividualRegisterSerializer, request)
    applicant = services.applicant_register_individual(
        user=request.user, name=data["name"], id_number=data["id_number"], county=_county(data["county"]),
        employer=data["employer"], quality_work_years=data["quality_work_years"], phone=data["phone"], address=data["address"])
    return _registered(applicant)


def _registered(result) -> Response:
    """201 with the new applicant; 202 with the pending claim when the code belongs to a record no account
    holds (the award office decides it; till then the caller has no access to the record)."""
    if isinstance(result, ClaimRequest):
        return Response({"claim": result.pk, "state": result.state, "code": "claim_pending",
                         "detail": "该记录已由奖项办公室登记，须经办公室核实（营业执照或县级主管部门核实）后才能认领。"},
                        status=status.HTTP_202_ACCEPTED)
    return Response(ApplicantSerializer(result).data, status=status.HTTP_201_CREATED)


# ---- cycles ------------------------------------------------------------------------------------------------
@extend_schema(tags=TAGS, summary="可见的评选届次 / 启动新一届评选（办公室）", request=CycleOpenSerializer,
               responses={200: CycleSerializer(many=True), 201: CycleSerializer, **ERRORS})
@api_view(["GET", "POST"])
def cycle_list(request):
    if request.method == "GET":
        return _page(request, selectors.cycles_visible(request.user), CycleSerializer)
    data = dict(_valid(CycleOpenSerializer, request))
    award = selectors.award_for_office(request.user, data.pop("award"))
    cycle = services.cycle_open(award=award, actor=request.user, **data)
    return Response(CycleSerializer(cycle).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS, summary="发布环节公示名单", request=PublishListSerializer, responses={201: NoticeBriefSerializer, **ERRORS})
@api_view(["POST"])
def cycle_publish_list(request, pk):
    publish = actions.cycle_action("publish_list")  # publicity's action, registered with awards
    data = _valid(PublishListSerializer, request)
    if data["body"]:
        body = next((b for b in selectors.precheck_bodies(request.user) if b.pk == data["body"]), None)
        routed = selectors.precheck_queue(request.user).filter(cycle_id=pk).first()
        if body is None or routed is None:
            raise Http404("评选届次不存在。")
        notice = publish.perform(cycle=routed.cycle, stage_code=data["stage"], actor=request.user, role="precheck", body=body)
    else:
        cycle = selectors.cycle_for_office(request.user, pk)
        notice = publish.perform(cycle=cycle, stage_code=data["stage"], actor=request.user, role="office")
    return Response(NoticeBriefSerializer(notice).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS, summary="确定进入下一环节的名单（好中选优）", request=StageSelectSerializer,
               responses={200: inline_serializer("StageSelectResult", {"advanced": serializers.ListField(child=serializers.IntegerField()),
                                                                      "not_advanced": serializers.ListField(child=serializers.IntegerField())}), **ERRORS})
@api_view(["POST"])
def cycle_select(request, pk):
    cycle = selectors.cycle_for_office(request.user, pk)
    data = _valid(StageSelectSerializer, request)
    return Response(services.stage_select(cycle=cycle, stage=data["stage"], advancing=data["advancing"], actor=request.user,
                                          reason=data["reason"] or "按好中选优原则确定"))


@extend_schema(tags=TAGS, summary="记录政府审批", request=ApprovalSerializer, responses={200: ApplicationSerializer(many=True), **ERRORS})
@api_view(["POST"])
def cycle_approval(request, pk):
    cycle = selectors.cycle_for_office(request.user, pk)
    apps = services.approval_record(cycle=cycle, actor=request.user, **_valid(ApprovalSerializer, request))
    return Response(ApplicationSerializer(apps, many=True).data)


@extend_schema(tags=TAGS, summary="发布表彰决定并授奖", request=CommendSerializer, responses={201: GrantSerializer(many=True), **ERRORS})
@api_view(["POST"])
def cycle_commend(request, pk):
    cycle = selectors.cycle_for_office(request.user, pk)
    grants = services.commend(cycle=cycle, actor=request.user, **_valid(CommendSerializer, request))
    return Response(GrantSerializer(grants, many=True).data, status=status.HTTP_201_CREATED)


# ---- applications ------------------------------------------------------------------------------------------
@extend_schema(tags=TAGS, summary="可见的申报 / 新建申报（草稿）", request=ApplicationCreateSerializer,
               responses={200: ApplicationSerializer(many=True), 201: ApplicationSerializer, **ERRORS})
@api_view(["GET", "POST"])
def application_list(request):
    if request.method == "GET":
        return _page(request, selectors.applications_visible(request.user), ApplicationSerializer)
    data = _valid(ApplicationCreateSerializer, request)
    applicant = selectors.applicants_of(request.user).filter(pk=data["applicant"]).first()
    if applicant is None:
        raise Http404("申报主体不存在。")
    cycle = selectors.cycle_for_applicant(request.user, applicant, data["cycle"])
    app = services.application_create(cycle=cycle, applicant=applicant, category=applicant.kind, actor=request.user)
    return Response(_app_data(selectors.application_visible(request.user, app.pk)), status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS, summary="申报详情 / 修改草稿（仅草稿字段）", request=ApplicationUpdateSerializer,
               responses={200: ApplicationSerializer, **ERRORS})
@api_view(["GET", "PATCH"])
def application_detail(request, pk):
    app = selectors.application_visible(request.user, pk)
    if request.method == "GET":
        return Response(_app_data(app))
    unknown = sorted(set(request.data) - set(services.DRAFT_FIELDS))
    if unknown:
        raise DomainError(f"不能修改这些字段：{unknown}。", code="mass_assignment", field=unknown[0])
    data = _valid(ApplicationUpdateSerializer, request)
    services.application_update(application=app, actor=request.user, **data)
    return Response(_app_data(selectors.application_visible(request.user, pk)))


@extend_schema(tags=TAGS, summary="提交申报", request=None, responses={200: ApplicationSerializer, **ERRORS})
@api_view(["POST"])
def application_submit(request, pk):
    app = selectors.application_visible(request.user, pk)
    services.application_submit(application=app, actor=request.user)
    return Response(_app_data(selectors.application_visible(request.user, pk)))


@extend_schema(tags=TAGS, summary="资格自查（逐条列出条款）", responses={200: EligibilitySerializer(many=True), **ERRORS})
@api_view(["GET"])
def application_eligibility(request, pk):
    app = selectors.application_visible(request.user, pk)
    return Response(EligibilitySerializer(services.eligibility_check(app), many=True).data)


@extend_schema(tags=TAGS, summary="申报材料列表 / 上传材料", request={"multipart/form-data": MaterialUploadSerializer},
               responses={200: MaterialSerializer(many=True), 201: MaterialSerializer, **ERRORS})
@api_view(["GET", "POST"])
@parser_classes([MultiPartParser, FormParser])
def application_materials(request, pk):
    app = selectors.application_visible(request.user, pk)
    if request.method == "GET":
        return Response(MaterialSerializer(app.materials.all(), many=True).data)
    data = _valid(MaterialUploadSerializer, request)
    material = services.material_add(application=app, actor=request.user, uploaded_file=data["file"], title=data["title"],
                                     trade_secret=data["trade_secret"], kind=data["kind"], issuer=data["issuer"])
    return Response(MaterialSerializer(material).data, status=status.HTTP_201_CREATED)


@extend_schema(tags=TAGS, summary="办理环节操作（审核通过、不予通过、推进等）", request=TransitionSerializer,
               responses={200: ApplicationSerializer, **ERRORS})
@api_view(["POST"])
def application_transition(request, pk):
    app = selectors.application_visible(request.user, pk)
    data = _valid(TransitionSerializer, request)
    actions.get(data["action"])  # an unknown action is refused before roles are asked
    actions.perform(data["action"], application=app, actor=request.user,
                    role=_role_for(request.user, app, data["action"], data["role"]), reason=data["reason"],
                    data={"fraud": True} if data["fraud"] else None)
    return Response(_app_data(selectors.application_visible(request.user, pk)))


@extend_schema(tags=TAGS, summary="一次性告知补正", request=SupplementRequestSerializer, responses={200: ApplicationSerializer, **ERRORS})
@api_view(["POST"])
def application_supplement_request(request, pk):
    app = selectors.application_visible(request.user, pk)
    data = _valid(SupplementRequestSerializer, request)
    services.supplement_request(application=app, actor=request.user, role=_role_for(request.user, app, "request_supplement", data["role"]),
                                items=data["items"])
    return Response(_app_data(selectors.application_visible(request.user, pk)))


@extend_schema(tags=TAGS, summary="补正后重新提交", request=SupplementAnswerSerializer, responses={200: ApplicationSerializer, **ERRORS})
@api_view(["POST"])
def application_supplement_answer(request, pk):
    app = selectors.application_visible(request.user, pk)
    services.supplement_answer(application=app, actor=request.user, answer=_valid(SupplementAnswerSerializer, request)["answer"])
    return Response(_app_data(selectors.application_visible(request.user, pk)))


@extend_schema(tags=TAGS, summary="撤回申报", request=ReasonSerializer, responses={200: ApplicationSerializer, **ERRORS})
@api_view(["POST"])
def application_withdraw(request, pk):
    app = selectors.application_visible(request.user, pk)
    services.withdraw(application=app, actor=request.user, reason=_valid(ReasonSerializer, request)["reason"])
    return Response(_app_data(selectors.application_visible(request.user, pk)))


# ---- grants ------------------------------------------------------------------------------------------------
@extend_schema(tags=TAGS, summary="撤销奖励", request={"application/json": RevokeSerializer, "multipart/form-data": RevokeSerializer},
               responses={200: GrantSerializer, **ERRORS})
@api_view(["POST"])
@parser_classes([JSONParser, MultiPartParser, FormParser])
def grant_revoke(request, pk):
    grant = selectors.grant_for_office(request.user, pk)
    return Response(GrantSerializer(services.revoke(grant=grant, actor=request.user, **_valid(RevokeSerializer, request))).data)


@extend_schema(tags=TAGS, summary="年度绩效报告列表 / 提交", request=PerformanceReportSerializer,
               responses={200: PerformanceReportSerializer(many=True), 201: PerformanceReportSerializer, **ERRORS})
@api_view(["GET", "POST"])
def grant_reports(request, pk):
    grant = selectors.grant_for_applicant(request.user, pk)
    if request.method == "GET":
        return Response(PerformanceReportSerializer(grant.reports.order_by("year"), many=True).data)
    report = services.performance_report_submit(grant=grant, actor=request.user, **_valid(PerformanceReportSerializer, request))
    return Response(PerformanceReportSerializer(report).data, status=status.HTTP_201_CREATED)


# ---- cultivation pool ----------------------------------------------------------------------------------------
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
    return Response(PoolMemberSerializer(selectors.pool_members_visible(request.user), many=True).data)
