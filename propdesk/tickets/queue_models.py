"""The queues' saved filters (moved from the console with the queue pages: the table was
console_savedfilter, see migrations console 0002 and tickets 0016)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SavedFilter(models.Model):
    """A queue with its filters, saved under a name by one member of staff."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    name = models.CharField(_("名称"), max_length=50)
    queue = models.CharField(_("队列"), max_length=20)
    query = models.CharField(_("筛选条件"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("常用筛选")
        verbose_name_plural = pgettext_lazy("plural", "常用筛选")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="saved_filter_name_once")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def url(self) -> str:
        return f"/queues/{self.queue}/" + (f"?{self.query}" if self.query else "")
