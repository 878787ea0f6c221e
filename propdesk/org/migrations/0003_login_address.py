from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0002_login_lockout"),
    ]

    operations = [
        migrations.CreateModel(
            name="LoginAddress",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("ip", models.GenericIPAddressField(unique=True, verbose_name="地址")),
                ("failures", models.PositiveIntegerField(default=0, verbose_name="失败次数")),
                ("counting_since", models.DateTimeField(verbose_name="计数起点")),
                (
                    "locked_until",
                    models.DateTimeField(blank=True, null=True, verbose_name="锁定至"),
                ),
            ],
            options={
                "verbose_name": "登录地址",
                "verbose_name_plural": "登录地址",
            },
        ),
    ]
