"""Posting a Django admin change form as a browser would: the form's current values, with
some changed (tests of the audited admin screens)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.test import Client

from propdesk.org.models import User


def admin_client(company=None) -> tuple[Client, User]:
    root = User.objects.create_superuser("root", "root@huayu.example", "pw-root", company=company)
    client = Client(REMOTE_ADDR="10.0.0.7")
    client.force_login(root)
    return client, root


def _inner(widget: forms.Widget) -> forms.Widget:
    return getattr(widget, "widget", widget)  # the admin's related-object wrapper


def form_data(form: forms.BaseForm) -> dict[str, Any]:
    """What the browser would send back for ``form`` unchanged."""
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        widget = _inner(field.widget)
        if isinstance(widget, forms.MultiWidget):
            parts = widget.decompress(value)
            for i, part in enumerate(parts):
                data[f"{name}_{i}"] = "" if part is None else str(part)
        elif isinstance(widget, forms.CheckboxInput):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        else:
            data[name] = "" if value is None else str(value)
    return data


def post_change(client: Client, url: str, **changes: Any):
    """GET the change form at ``url``, change some fields, POST it; checkboxes take a bool."""
    page = client.get(url)
    assert page.status_code == 200, page.content[:300]
    data = form_data(page.context["adminform"].form)
    for formset in page.context.get("inline_admin_formsets", []):
        management = formset.formset.management_form
        data.update({management.add_prefix(k): v for k, v in form_data(management).items()})
        for inline in formset.formset.forms:
            data.update({inline.add_prefix(k): v for k, v in form_data(inline).items()})
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = "on" if value is True else value
    data["_save"] = "Save"
    return client.post(url, data)
