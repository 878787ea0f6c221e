"""The intake's category model, one version per training, and what was suggested for each request
registered at intake with what the agent chose (so that acceptance and accuracy can be reported:
issue 20 §3)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from propdesk.org.models import Company, Project
from propdesk.tickets.models import Category, Ticket


class CategoryModel(models.Model):
    """A trained classifier of one company: TF-IDF over the words of closed requests and a
    linear model, with its accuracy on a held-out slice. ``blob`` is an ``.npz`` of plain
    arrays (vocabulary, idf, coefficients) that only this app writes and that is read back with
    ``allow_pickle=False``: nothing in it can run code."""

    company = models.ForeignKey(Company, models.CASCADE, related_name="category_models")
    version = models.PositiveIntegerField(_("版本"))
    trained_at = models.DateTimeField(_("训练时间"))
    n_tickets = models.PositiveIntegerField(_("训练用诉求数"))
    n_held_out = models.PositiveIntegerField(_("验证用诉求数"), default=0)
    accuracy_top1 = models.FloatField(_("首选准确率"))
    accuracy_top3 = models.FloatField(_("前三准确率"))
    kind_accuracy = models.FloatField(_("类型准确率"), default=0.0)
    #: The category codes the model can answer, in the order of its coefficients.
    categories = models.JSONField(_("分类"), default=list)
    blob = models.BinaryField(_("模型数据"))

    class Meta:
        verbose_name = _("分类模型")
        verbose_name_plural = pgettext_lazy("plural", "分类模型")
        ordering = ["company", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["company", "version"], name="category_model_version")
        ]

    def __str__(self) -> str:
        return f"{self.company} v{self.version}"


class Source(models.TextChoices):
    MODEL = "model", _("分类模型")
    RULES = "rules", _("关键字规则")


class Suggestion(models.Model):
    """What intake suggested for one request (on its final description, at registration) and
    what the agent chose. ``taken``: the chosen category is the first suggested; ``applied``:
    the agent pressed the suggestion's button (rather than picking the same by hand)."""

    company = models.ForeignKey(Company, models.CASCADE, related_name="+")
    project = models.ForeignKey(Project, models.CASCADE, related_name="+")
    ticket = models.OneToOneField(Ticket, models.CASCADE, related_name="suggestion")
    at = models.DateTimeField(_("时间"))
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    model_version = models.PositiveIntegerField(_("模型版本"), null=True, blank=True)
    #: The top three as [[code, confidence], …], best first.
    suggested = models.JSONField(_("建议分类"), default=list)
    suggested_kind = models.CharField(_("建议类型"), max_length=20, blank=True)
    chosen_category = models.ForeignKey(
        Category, models.PROTECT, related_name="+", verbose_name=_("选定分类")
    )
    chosen_kind = models.CharField(_("选定类型"), max_length=20)
    taken = models.BooleanField(_("采纳首选"))
    in_top3 = models.BooleanField(_("在前三之内"))
    kind_taken = models.BooleanField(_("采纳类型"))
    applied = models.BooleanField(_("点选建议"), default=False)

    class Meta:
        verbose_name = _("登记建议")
        verbose_name_plural = pgettext_lazy("plural", "登记建议")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["company", "at"], name="suggestion_company_at")]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.suggested[:1]}"
