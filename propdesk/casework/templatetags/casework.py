"""``may_open_claim``: whether the user is of the front desk, who open compensation claims
(the ticket page shows them the "new claim" link)."""

from django import template

from propdesk.org.roles import FRONT_DESK, has_role

register = template.Library()


@register.filter
def may_open_claim(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and has_role(user, FRONT_DESK)
