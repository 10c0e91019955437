"""The states of an application and their groups: the one place that says which states count as what."""
from django.db import models


class Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    PENDING = "pending", "待办理"
    APPROVED = "approved", "已通过，待公示/推进"
    IN_PUBLICITY = "in_publicity", "公示中"
    HELD = "held", "异议处理中（暂停）"
    RETURNED = "returned", "退回补正"
    WITHDRAWN = "withdrawn", "已撤回"
    REJECTED = "rejected", "未通过"
    NOT_ADVANCED = "not_advanced", "未进入下一环节"
    AWARDED = "awarded", "已获奖"
    REVOKED = "revoked", "已撤销"


#: a checker (pre-check, office) still has to act on it at its stage
WORKING = (Status.PENDING, Status.APPROVED)
#: submitted and still in the running (at a stage, in publicity, held by an objection, back for supplement)
LIVE = (*WORKING, Status.IN_PUBLICITY, Status.HELD, Status.RETURNED)
#: not finished, drafts included: what the applicant may still withdraw
ACTIVE = frozenset({Status.DRAFT, *LIVE})
#: finished without a title (or with one taken back)
TERMINAL = frozenset({Status.WITHDRAWN, Status.REJECTED, Status.NOT_ADVANCED, Status.REVOKED})
