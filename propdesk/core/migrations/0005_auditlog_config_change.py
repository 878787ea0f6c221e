# Changes to time limits, grade rules, escalation policies and calendars are audited.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_auditlog_backup_restore"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditlog",
            name="action",
            field=models.CharField(
                choices=[
                    ("login", "登录"),
                    ("login_failed", "登录失败"),
                    ("permission_change", "权限变更"),
                    ("export", "数据导出"),
                    ("phone_reveal", "查看完整电话"),
                    ("token_created", "创建 API 令牌"),
                    ("backup", "备份"),
                    ("restore", "从备份恢复"),
                    ("config_change", "规则配置变更"),
                ],
                max_length=30,
                verbose_name="操作",
            ),
        ),
    ]
