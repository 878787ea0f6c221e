"""The forms of the actions' pages: opening an action (from any source, or from a survey's
results), reporting it done and verifying it. The services check everything again."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from propdesk.org.models import Project, User
from propdesk.surveys.forms import AREA, DATE, SELECT, show_refusal, staff_of
from propdesk.surveys.models import Campaign, Item

from .choices import ActionKind
from .services import VERIFIERS

__all__ = ["ActionForm", "SurveyActionForm", "show_refusal"]


def _verifiers(project_ids: frozenset[int]):
    return staff_of(project_ids).filter(role__in=list(VERIFIERS))


class ActionForm(forms.Form):
    """A new action: its project (fixed when the source has one), owner, named verifier,
    cause, measure and due date."""

    kind = forms.ChoiceField(
        label=_("类型"), choices=ActionKind.choices, initial=ActionKind.CORRECTIVE, widget=SELECT
    )
    project = forms.ModelChoiceField(
        label=_("项目"), queryset=Project.objects.none(), widget=SELECT
    )
    owner = forms.ModelChoiceField(label=_("责任人"), queryset=User.objects.none(), widget=SELECT)
    verifier = forms.ModelChoiceField(
        label=_("指定验证人"),
        queryset=User.objects.none(),
        required=False,
        widget=SELECT,
        help_text=_("不选则由项目经理、品质部或总部人员验证"),
    )
    cause = forms.CharField(label=_("原因分析"), widget=AREA)
    measure = forms.CharField(label=_("措施"), widget=AREA)
    due_on = forms.DateField(label=_("完成期限"), widget=DATE)

    def __init__(self, project_ids: frozenset[int], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.filter(pk__in=project_ids).order_by(
            "code"
        )
        self.fields["owner"].queryset = staff_of(project_ids)
        self.fields["verifier"].queryset = _verifiers(project_ids)
        self.fields["owner"].label_from_instance = _person
        self.fields["verifier"].label_from_instance = _person


def _person(user: User) -> str:
    return f"{user.get_full_name() or user.username}({user.get_role_display()})"


class SurveyActionForm(forms.Form):
    """The form under a survey's results (as before the actions had their own app)."""

    project = forms.ModelChoiceField(
        label=_("项目"), queryset=Project.objects.none(), widget=SELECT
    )
    item = forms.ModelChoiceField(
        label=_("调查题目"), queryset=Item.objects.none(), required=False, widget=SELECT
    )
    owner = forms.ModelChoiceField(label=_("责任人"), queryset=User.objects.none(), widget=SELECT)
    cause = forms.CharField(label=_("原因分析"), widget=AREA)
    measure = forms.CharField(label=_("纠正措施"), widget=AREA)
    due_on = forms.DateField(label=_("完成期限"), widget=DATE)

    def __init__(self, campaign: Campaign, project_ids: frozenset[int], *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = Project.objects.filter(pk__in=project_ids).order_by(
            "code"
        )
        self.fields["item"].queryset = campaign.items.order_by("order", "pk")
        self.fields["owner"].queryset = staff_of(project_ids)
