"""The console's forms for surveys. They only parse what was typed; every rule is checked by the
services, whose refusals are put back on the field they name (:func:`show_refusal`)."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from propdesk.core.errors import DomainError
from propdesk.org.choices import ScopeLevel
from propdesk.org.models import Project, User
from propdesk.residents.models import Building

from .choices import Channel, ResponseSource, Satisfaction, ServiceArea
from .models import DEFAULT_MIN_RETURN_RATE, Campaign

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"})
TEXT = forms.TextInput(attrs={"class": "form-control form-control-sm"})
AREA = forms.Textarea(attrs={"class": "form-control form-control-sm", "rows": 2})
SELECT = forms.Select(attrs={"class": "form-select form-select-sm"})
MULTI = forms.SelectMultiple(attrs={"class": "form-select form-select-sm", "size": 5})


def show_refusal(form: forms.Form, refused: DomainError, aliases: dict | None = None) -> None:
    """Put a service's refusal on the field it names, or above the form."""
    field = (aliases or {}).get(refused.field, refused.field)
    form.add_error(field if field in form.fields else None, refused.message)


class PlanForm(forms.Form):
    name = forms.CharField(label=_("调查名称"), max_length=100, widget=TEXT)
    purpose = forms.CharField(label=_("调查目的"), required=False, widget=AREA)
    projects = forms.ModelMultipleChoiceField(
        label=_("调查项目"),
        queryset=Project.objects.none(),
        required=False,
        widget=MULTI,
        help_text=_("不选则为公司全部在管项目"),
    )
    buildings = forms.ModelMultipleChoiceField(
        label=_("调查楼栋"),
        queryset=Building.objects.none(),
        required=False,
        widget=MULTI,
        help_text=_("不选则为所选项目的全部楼栋"),
    )
    population = forms.CharField(label=_("调查对象"), required=False, widget=AREA)
    sample = forms.CharField(label=_("样本"), max_length=200, required=False, widget=TEXT)
    period_start = forms.DateField(label=_("开始日期"), widget=DATE)
    period_end = forms.DateField(label=_("结束日期"), widget=DATE)
    staff = forms.CharField(label=_("调查人员"), max_length=200, required=False, widget=TEXT)
    min_return_rate = forms.DecimalField(
        label=_("最低回收率(%)"),
        min_value=Decimal(0),
        max_value=Decimal(100),
        decimal_places=2,
        initial=DEFAULT_MIN_RETURN_RATE,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "step": "1"}),
    )

    def __init__(self, user: User, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        projects = Project.objects.for_user(user).order_by("code")
        self.fields["projects"].queryset = projects
        self.fields["buildings"].queryset = Building.objects.filter(
            project__in=projects
        ).select_related("project")
        self.fields["buildings"].label_from_instance = lambda b: f"{b.project.name} {b.name}"

    @staticmethod
    def initial_of(campaign: Campaign) -> dict:
        return {
            "name": campaign.name,
            "purpose": campaign.purpose,
            "projects": list(campaign.projects.all()),
            "buildings": list(campaign.buildings.all()),
            "population": campaign.population,
            "sample": campaign.sample,
            "period_start": campaign.period_start,
            "period_end": campaign.period_end,
            "staff": campaign.staff,
            "min_return_rate": campaign.min_return_rate,
        }

    def plan(self) -> dict:
        """The cleaned form as the services' keyword arguments."""
        data = dict(self.cleaned_data)
        data["project_ids"] = [p.pk for p in data.pop("projects")]
        data["building_ids"] = [b.pk for b in data.pop("buildings")]
        return data


class ItemForm(forms.Form):
    area = forms.ChoiceField(label=_("服务类别"), choices=ServiceArea.choices, widget=SELECT)
    text = forms.CharField(label=_("题目"), max_length=200, widget=TEXT)


class IssueForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("发放方式"), choices=Channel.choices, initial=Channel.LINK, widget=SELECT
    )


def staff_of(project_ids: frozenset[int]) -> QuerySet[User]:
    """Active staff who work in at least one of these projects (possible owners of a corrective
    action, propdesk.improvement);
    the service checks the chosen owner against the chosen project."""
    projects = Project.objects.filter(pk__in=project_ids)
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(scope_level=ScopeLevel.PROJECTS, scope_projects__in=projects)
            | Q(scope_level=ScopeLevel.REGION, scope_region__in=projects.values("region_id"))
            | Q(scope_level=ScopeLevel.COMPANY, company__in=projects.values("company_id"))
        )
        .distinct()
        .order_by("username")
    )


class PaperForm(forms.Form):
    """One household's questionnaire typed in from paper: the household, then each item's
    level (left empty where the resident did not answer) and comment."""

    room_id = forms.TypedChoiceField(label=_("房屋"), coerce=int, widget=SELECT)
    source = forms.ChoiceField(
        label=_("来源"),
        choices=[
            (ResponseSource.PAPER, ResponseSource.PAPER.label),
            (ResponseSource.STAFF, ResponseSource.STAFF.label),
        ],
        initial=ResponseSource.PAPER,
        widget=SELECT,
    )
    answered_on = forms.DateField(label=_("填写日期"), required=False, widget=DATE)
    comment = forms.CharField(label=_("意见和建议"), required=False, widget=AREA)

    def __init__(self, items, rooms: list[tuple[int, str]], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["room_id"].choices = [("", "—"), *rooms]
        self.items = list(items)
        levels = [("", _("未作答")), *Satisfaction.choices]
        for item in self.items:
            self.fields[f"level-{item.pk}"] = forms.ChoiceField(
                label=item.text,
                choices=levels,
                required=False,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )
            self.fields[f"comment-{item.pk}"] = forms.CharField(
                label=_("意见"),
                required=False,
                widget=forms.TextInput(
                    attrs={"class": "form-control form-control-sm mt-1", "placeholder": _("意见")}
                ),
            )

    def questions(self):
        """(item, level field, comment field) for the template."""
        return [(i, self[f"level-{i.pk}"], self[f"comment-{i.pk}"]) for i in self.items]
