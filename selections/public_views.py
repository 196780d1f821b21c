"""Public pages (/public/huimin/): nominate, check a nomination's status, vote,
see the 公示 list and raise an objection, see the published results. No account;
a self-hosted captcha and per-address rate limits guard every form; nothing of
the internal system (navigation, user names, internal links) is shown."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from audit.middleware import client_ip
from selections import captcha, documents, forms, phases, ratelimit, services, voters
from selections.models import Edition, Nomination, Objection, Phase
from selections.views import attach

RATE_MESSAGE = "您所在网络的提交过于频繁，请一小时后再试。"


def _edition(pk: int, *allowed: str) -> Edition:
    edition = Edition.objects.filter(pk=pk).first()
    if edition is None or (allowed and edition.phase not in allowed):
        raise Http404("页面不存在")
    return edition


def _limited(request: HttpRequest, scope: str, limit: int) -> bool:
    return not ratelimit.hit(scope, client_ip(request) or "unknown", limit=limit)


def index(request: HttpRequest) -> HttpResponse:
    editions = list(Edition.objects.order_by("-year", "-ordinal"))
    return render(
        request, "selections/public/index.html", {"editions": editions, "title": "十大法治惠民实事项目评选"}
    )


@never_cache
def captcha_png(request: HttpRequest) -> HttpResponse:
    return HttpResponse(captcha.png(captcha.question(request)), content_type="image/png")


def _public_page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    captcha.new_question(request)  # a fresh question for every form shown
    return render(request, template, context, status=status)


def nominate(request: HttpRequest, pk: int) -> HttpResponse:
    edition = _edition(pk, Phase.COLLECT)
    form = forms.PublicNominationForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if _limited(request, "huimin-post", settings.PUBLIC_POSTS_PER_HOUR):
            form.is_valid()
            form.add_error(None, RATE_MESSAGE)
            return _public_page(
                request, "selections/public/nominate.html", {"form": form, "edition": edition}, status=429
            )
        if form.is_valid():
            if not captcha.check(request, form.cleaned_data["captcha"]):
                form.add_error("captcha", "验证码不正确，请重新计算新的算式。")
            else:
                data = dict(form.cleaned_data)
                data.pop("captcha")
                files = data.pop("files") or []
                try:
                    nomination, code = services.nomination_submit(
                        actor=None, edition=edition, files=files, **data
                    )
                except ValidationError as exc:
                    attach(form, exc)
                else:
                    return render(
                        request,
                        "selections/public/nominated.html",
                        {"edition": edition, "n": nomination, "code": code, "title": "推荐已提交"},
                    )
    return _public_page(
        request,
        "selections/public/nominate.html",
        {"form": form, "edition": edition, "title": f"推荐项目 · {edition.name}"},
        status=400 if form.errors else 200,
    )


def status(request: HttpRequest) -> HttpResponse:
    """A public nominator (or objector) checks its submission with the lookup code."""
    form = forms.LookupForm(request.POST or None)
    found: dict[str, Any] | None = None
    code = 200
    if request.method == "POST":
        if _limited(request, "huimin-lookup", settings.PUBLIC_POSTS_PER_HOUR * 3):
            form.is_valid()
            form.add_error(None, RATE_MESSAGE)
            code = 429
        elif form.is_valid():
            if not captcha.check(request, form.cleaned_data["captcha"]):
                form.add_error("captcha", "验证码不正确，请重新计算新的算式。")
            else:
                digest = voters.lookup_hash(form.cleaned_data["code"])
                nomination = Nomination.objects.select_related("edition").filter(lookup_hash=digest).first()
                objection = Objection.objects.select_related("nomination").filter(lookup_hash=digest).first()
                if nomination is None and objection is None:
                    form.add_error("code", "没有找到该查询码对应的推荐或异议，请核对后重新输入。")
                else:
                    found = {"nomination": nomination, "objection": objection}
        if form.errors and code == 200:
            code = 400
    return _public_page(
        request,
        "selections/public/status.html",
        {"form": form, "found": found, "title": "查询办理结果"},
        status=code,
    )


def _vote_context(edition: Edition, form: Any) -> dict[str, Any]:
    return {
        "edition": edition,
        "form": form,
        "shortlist": list(edition.nominations.filter(shortlisted=True).order_by("number")),
        "closes": edition.deadline(phases.VOTE),
        "title": f"公众投票 · {edition.name}",
    }


def vote(request: HttpRequest, pk: int) -> HttpResponse:
    edition = _edition(pk, Phase.VOTE, Phase.RANK, Phase.PUBLICITY, Phase.PUBLISHED, Phase.TRACKING)
    form = forms.VoteForm(request.POST or None)
    if request.method != "POST":
        return _public_page(request, "selections/public/vote.html", _vote_context(edition, form))
    if _limited(request, "huimin-vote", settings.PUBLIC_VOTES_PER_HOUR):
        form.is_valid()
        form.add_error(None, RATE_MESSAGE)
        return _public_page(request, "selections/public/vote.html", _vote_context(edition, form), status=429)
    if form.is_valid():
        data = form.cleaned_data
        if not data.get("nomination"):
            form.add_error(None, "请先选择要投票的项目。")
        elif data["method"] == "phone" and not captcha.check(request, data["captcha"]):
            form.add_error("captcha", "验证码不正确，请重新计算新的算式。")
        else:
            try:
                cast = services.vote_cast(
                    edition=edition,
                    nomination_id=data["nomination"],
                    method=data["method"],
                    credential=data["code"] if data["method"] == "code" else data["phone"],
                    address=client_ip(request),
                    fingerprint=voters.fingerprint(request),
                )
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                return render(
                    request,
                    "selections/public/voted.html",
                    {"edition": edition, "n": cast.nomination, "title": "投票成功"},
                )
    return _public_page(request, "selections/public/vote.html", _vote_context(edition, form), status=400)


def publicity(request: HttpRequest, pk: int) -> HttpResponse:
    edition = _edition(pk, Phase.PUBLICITY)
    chosen = list(edition.nominations.filter(selected=True).order_by("rank"))
    form = forms.ObjectionForm(request.POST or None)
    form.fields["nomination"].choices = [("", "请选择")] + [(n.pk, f"{n.number}号 {n.title}") for n in chosen]  # type: ignore[attr-defined]
    status_code = 200
    if request.method == "POST":
        if _limited(request, "huimin-post", settings.PUBLIC_POSTS_PER_HOUR):
            form.is_valid()
            form.add_error(None, RATE_MESSAGE)
            status_code = 429
        elif form.is_valid():
            if not captcha.check(request, form.cleaned_data["captcha"]):
                form.add_error("captcha", "验证码不正确，请重新计算新的算式。")
            else:
                try:
                    _, code = services.objection_submit(
                        edition=edition,
                        nomination_id=form.cleaned_data["nomination"],
                        text=form.cleaned_data["text"],
                        contact=form.cleaned_data["contact"],
                        address=client_ip(request),
                    )
                except ValidationError as exc:
                    attach(form, exc)
                else:
                    return render(
                        request,
                        "selections/public/objected.html",
                        {"edition": edition, "code": code, "title": "异议已提交"},
                    )
        if form.errors and status_code == 200:
            status_code = 400
    return _public_page(
        request,
        "selections/public/publicity.html",
        {
            "edition": edition,
            "chosen": chosen,
            "form": form,
            "closes": edition.deadline(phases.PUBLICITY),
            "title": f"公示 · {edition.name}",
        },
        status=status_code,
    )


def results(request: HttpRequest, pk: int) -> HttpResponse:
    edition = _edition(pk, Phase.PUBLISHED, Phase.TRACKING)
    ranking = (edition.results or {}).get("ranking", [])
    return render(
        request,
        "selections/public/results.html",
        {
            "edition": edition,
            "chosen": [r for r in ranking if r["selected"]],
            "rules": (edition.results or {}).get("rules", {}),
            "nominations": (edition.results or {}).get("nominations", 0),
            "title": f"评选结果 · {edition.name}",
        },
    )


def notice(request: HttpRequest, pk: int) -> HttpResponse:
    edition = _edition(pk, Phase.PUBLISHED, Phase.TRACKING)
    return documents.notice_response(edition, actor=None)
