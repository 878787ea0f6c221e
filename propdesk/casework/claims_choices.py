"""The statuses and kinds of a compensation claim (赔偿/补偿, SPEC §8) and of its charge-back."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ClaimStatus(models.TextChoices):
    GATHERING = "gathering", _("取证中")
    PENDING = "pending", _("待审批")
    SENT_BACK = "sent_back", _("退回重新核定")
    REJECTED = "rejected", _("不予批准")
    APPROVED = "approved", _("已批准")
    LETTER_ISSUED = "letter_issued", _("承诺函已出具")
    SIGNED = "signed", _("承诺函已签回")
    PAYMENT_REQUESTED = "payment_requested", _("已申请付款")
    PAID = "paid", _("已付款")
    WITHDRAWN = "withdrawn", _("已撤销")


class ClaimFileKind(models.TextChoices):
    PHOTO = "photo", _("现场照片")
    DOCUMENT = "document", _("单据文件")
    SURVEY = "survey", _("现场勘查记录")
    LETTER = "letter", _("承诺函(系统出具)")
    SIGNED_LETTER = "signed_letter", _("签字承诺函扫描件")


#: What the evidence upload accepts; the letters come only through their own steps.
EVIDENCE_KINDS = (ClaimFileKind.PHOTO, ClaimFileKind.DOCUMENT, ClaimFileKind.SURVEY)


class ClaimEventKind(models.TextChoices):
    OPENED = "opened", _("立案")
    EVIDENCE = "evidence", _("补充证据")
    ASSESSED = "assessed", _("核定金额")
    DECIDED = "decided", _("审批")
    APPROVED = "approved", _("审批通过")
    SENT_BACK = "sent_back", _("退回重新核定")
    REJECTED = "rejected", _("不予批准")
    LETTER = "letter", _("出具承诺函")
    SIGNED = "signed", _("承诺函签回")
    PAYMENT_REQUESTED = "payment_requested", _("申请付款")
    PAID = "paid", _("已付款")
    WITHDRAWN = "withdrawn", _("撤销")
    CHARGE_BACK = "charge_back", _("向责任方追偿")
    CHARGE_BACK_MOVE = "charge_back_move", _("追偿进展")


class ThirdParty(models.TextChoices):
    CONTRACTOR = "contractor", _("施工单位")
    MAINTENANCE = "maintenance", _("维保单位")
    INSURER = "insurer", _("保险公司")
    OTHER = "other", _("其他责任方")


class ChargeBackStatus(models.TextChoices):
    REQUESTED = "requested", _("已发起追偿")
    AGREED = "agreed", _("责任方已认可")
    RECOVERED = "recovered", _("已追回")
    DISPUTED = "disputed", _("责任方有异议")
