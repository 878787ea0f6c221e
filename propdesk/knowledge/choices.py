from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    """draft → reviewed → published (SPEC §8); a reviewer may send a draft back, and a
    published case edited again is a draft until it is reviewed and published anew."""

    DRAFT = "draft", _("草稿")
    REVIEWED = "reviewed", _("已审核")
    PUBLISHED = "published", _("已发布")
    WITHDRAWN = "withdrawn", _("已停用")


class CaseChange(models.TextChoices):
    """What a version of a case records: who did what."""

    CREATED = "created", _("创建")
    FROM_TICKET = "from_ticket", _("由诉求生成")
    EDITED = "edited", _("修改")
    REVIEWED = "reviewed", _("审核通过")
    SENT_BACK = "sent_back", _("退回修改")
    PUBLISHED = "published", _("发布")
    WITHDRAWN = "withdrawn", _("停用")
