# The compensation claim events of the outbox (casework, issue 21 item 2).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notify", "0007_monthly_report_published_event"),
    ]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="event",
            field=models.CharField(
                choices=[
                    ("ticket_registered_receipt", "登记回执"),
                    ("ticket_resolved", "处理结果通知"),
                    ("ticket_reply", "回复住户"),
                    ("work_order_assigned", "派单通知"),
                    ("sla_warning", "时限预警"),
                    ("sla_breached", "超时通知"),
                    ("escalated", "升级通知"),
                    ("survey_invitation", "满意度调查邀请"),
                    ("ticket_in_progress", "处理进度通知"),
                    ("urgent_ticket", "紧急诉求提醒"),
                    ("portal_login_code", "登录验证码"),
                    ("plan_approval", "方案待审批"),
                    ("monthly_report_published", "月报发布通知"),
                    ("claim_approval", "赔偿待审批"),
                    ("claim_decided", "赔偿审批结果"),
                ],
                max_length=40,
                verbose_name="事件",
            ),
        ),
        migrations.AlterField(
            model_name="outboxmessage",
            name="event",
            field=models.CharField(
                choices=[
                    ("ticket_registered_receipt", "登记回执"),
                    ("ticket_resolved", "处理结果通知"),
                    ("ticket_reply", "回复住户"),
                    ("work_order_assigned", "派单通知"),
                    ("sla_warning", "时限预警"),
                    ("sla_breached", "超时通知"),
                    ("escalated", "升级通知"),
                    ("survey_invitation", "满意度调查邀请"),
                    ("ticket_in_progress", "处理进度通知"),
                    ("urgent_ticket", "紧急诉求提醒"),
                    ("portal_login_code", "登录验证码"),
                    ("plan_approval", "方案待审批"),
                    ("monthly_report_published", "月报发布通知"),
                    ("claim_approval", "赔偿待审批"),
                    ("claim_decided", "赔偿审批结果"),
                ],
                max_length=40,
                verbose_name="事件",
            ),
        ),
    ]
