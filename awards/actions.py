"""The registry of complete domain actions on one application: the only way pages, the API, tasks and
`simulate_cycle` change an application's state.

Each action of the transition table (`awards.pipeline.TABLE`) is here with the domain function that does the
whole thing (guard, move, notice, grant, ban, audit). An action that cannot be completed from one
application — a publicity list is published for a stage, an award is given by the commendation decision,
an objection is decided on its own page, a revocation needs its ruleset reason — is registered with the
place where it is done; dispatching it here is refused with that message, and no page offers it as a
button. Other apps may register the complete action they own (`register`).
"""
from __future__ import annotations

import dataclasses
from typing import Callable

from core.errors import InvalidTransition

from . import pipeline, services, signals
from .models import Application


@dataclasses.dataclass(frozen=True)
class DomainAction:
    name: str
    perform: Callable | None  # (application=, actor=, role=, reason=, data=) -> Application
    elsewhere: str = ""  # where the whole action is done, when it is not done from one application

    @property
    def label(self) -> str:
        return pipeline.TABLE[self.name].label

    @property
    def needs_reason(self) -> bool:
        return pipeline.TABLE[self.name].needs_reason


def _move(name):
    def perform(*, application, actor, role, reason="", data=None):
        if name in DECIDED_ELSEWHERE:
            signals.leaving_stage.send(sender=Application, application=application, stage=application.stage, action=name)
        return pipeline.move(application, action=name, actor=actor, role=role, reason=reason, data=data)
    return perform


#: the moves that carry a stage's decision: a stage whose decision is owned by another app (review's scores, the
#: committee's vote) cannot be left by hand without it (awards.signals.leaving_stage).
DECIDED_ELSEWHERE = {"advance", "not_advance"}


def _refuse(name):
    """不予通过 / 未进入下一环节, with `data={"fraud": True}` when the refusal records a finding of false
    materials (services.application_refuse writes the ban the ruleset gives for it)."""
    def perform(*, application, actor, role, reason="", data=None):
        return services.application_refuse(application=application, actor=actor, role=role, action=name, reason=reason,
                                           fraud=bool((data or {}).get("fraud")))
    return perform


def _submit(*, application, actor, role, reason="", data=None):
    _only_applicant(role)
    return services.application_submit(application=application, actor=actor)


def _request_supplement(*, application, actor, role, reason="", data=None):
    items = (data or {}).get("items") or (reason or "").splitlines()
    services.supplement_request(application=application, actor=actor, role=role, items=items)
    return Application.objects.get(pk=application.pk)


def _resubmit(*, application, actor, role, reason="", data=None):
    _only_applicant(role)
    return services.supplement_answer(application=application, actor=actor, answer=reason)


def _withdraw(*, application, actor, role, reason="", data=None):
    _only_applicant(role)
    return services.withdraw(application=application, actor=actor, reason=reason)


def _only_applicant(role):
    if role != "applicant":
        from core.errors import NotPermitted

        raise NotPermitted("该操作须由申报单位/个人办理。", code="wrong_role")


BY_SYSTEM = "该操作由系统办理：公示期满无异议时自动进入下一环节，收到异议时自动暂停。"
REGISTRY: dict[str, DomainAction] = {}


def register(name: str, perform: Callable | None = None, *, elsewhere: str = "") -> None:
    if name not in pipeline.TABLE:
        raise KeyError(name)
    if perform is None and not elsewhere:
        raise ValueError(f"{name}: an action is either performed here or names where it is done")
    REGISTRY[name] = DomainAction(name, perform, elsewhere)


register("submit", _submit)
register("approve", _move("approve"))
register("reject", _refuse("reject"))
register("request_supplement", _request_supplement)
register("resubmit", _resubmit)
register("advance", _move("advance"))
register("not_advance", _refuse("not_advance"))
register("withdraw", _withdraw)
register("publish", elsewhere="列入公示须在该环节的名单页发布公示名单（公示期自发布之日起计算），不能逐件办理。")
register("close_publicity", elsewhere=BY_SYSTEM)
register("hold", elsewhere=BY_SYSTEM)
register("release", elsewhere="异议须在异议处理页作出书面处理决定后办理，不能在申报页直接办理。")
register("remove", elsewhere="异议须在异议处理页作出书面处理决定后办理，不能在申报页直接办理。")
register("award", elsewhere="授奖须在表彰环节填写表彰决定文号统一办理（同时颁发证书编号并发布表彰公告），不能逐件办理。")
register("revoke", elsewhere="撤销奖励须在获奖记录页按管理办法规定的撤销情形办理（同时记录禁止申报、追回奖金并发布撤销公告）。")


def get(name: str) -> DomainAction:
    try:
        return REGISTRY[name]
    except KeyError:
        raise InvalidTransition(f"未知的操作：{name}。", code="unknown_action") from None


def perform(name: str, *, application: Application, actor, role: str, reason: str = "", data: dict | None = None) -> Application:
    """Does the whole action `name` on one application, or refuses it with a message saying where it is done."""
    action = get(name)
    if action.perform is None:
        raise InvalidTransition(action.elsewhere, code="not_here")
    if (data or {}).get("fraud") and name not in services.REFUSALS:
        raise InvalidTransition("“查实弄虚作假”只能随“不予通过”或“未进入下一环节”一并办理。", code="not_a_refusal", field="fraud")
    return action.perform(application=application, actor=actor, role=role, reason=reason, data=data)


def offered(application: Application, user, roles=None, *, rules=None) -> list[str]:
    """The actions a page may offer as buttons: allowed now by the table and the user's roles, and
    completable from the page."""
    return [name for name in pipeline.available_actions(application, user, roles, rules=rules)
            if name in REGISTRY and REGISTRY[name].perform is not None]


# ---- actions on a whole stage of a cycle ------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class CycleAction:
    """A complete domain action on a stage of a cycle (publish the stage's list, open or apply a committee
    vote, select who advances). `perform` takes keyword arguments cycle, stage_code, actor, role and the
    action's own data, and returns its result; `done` says what was done, in Chinese, from that result."""
    name: str
    label: str
    perform: Callable
    done: Callable[[object], str]


CYCLE_ACTIONS: dict[str, CycleAction] = {}


def register_cycle_action(name: str, *, label: str, perform: Callable, done: Callable[[object], str]) -> None:
    """Registers the complete action an app owns (publicity registers the list publication, review the
    committee vote) so that awards' pages, its API and simulate_cycle dispatch to it without importing it."""
    CYCLE_ACTIONS[name] = CycleAction(name, label, perform, done)


def cycle_action(name: str) -> CycleAction:
    try:
        return CYCLE_ACTIONS[name]
    except KeyError:
        raise InvalidTransition(f"未知的操作：{name}。", code="unknown_action") from None


def perform_on_stage(name: str, *, cycle, stage_code: str, actor, role: str, **data):
    """Does the whole stage action `name` and returns its result."""
    return cycle_action(name).perform(cycle=cycle, stage_code=stage_code, actor=actor, role=role, **data)


def _select(*, cycle, stage_code, actor, role, advancing, reason=""):
    return services.stage_select(cycle=cycle, stage=stage_code, advancing=advancing, actor=actor, reason=reason)


register_cycle_action("select", label="确定进入下一环节的名单", perform=_select,
                      done=lambda r: f"{len(r['advanced'])} 件进入下一环节，{len(r['not_advanced'])} 件未进入。")
