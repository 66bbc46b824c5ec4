"""Policy rules: a finding lands on the row the rule was typed in, even with empty rows before it."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.wizard.conftest import routing_data
from tests.wizard.test_submit import ready_draft
from wizard.models import ConnectionRequest, Team


def _errors(body: str, name: str) -> str:
    match = re.search(rf'<div id="live-{name}"[^>]*>(.*?)</div>\s*(?:<div id="live-|</div>)', body, re.S)
    assert match, f"no block for {name}"
    errors = re.search(r'<ul class="field__errors"[^>]*>(.*?)</ul>', match.group(1), re.S)
    return errors.group(1) if errors else ""


RULES = {
    "rule-0-source": "192.168.1.0/24",
    "rule-0-destinations": "10.1.0.0/17",
    # rule-1 left empty
    "rule-2-source": "192.168.1.0/33",
    "rule-2-destinations": "10.1.128.0/17",
}


@pytest.mark.parametrize("htmx", [False, True])
def test_a_finding_lands_on_the_row_typed_after_an_empty_one(
    client_in: Client, team: Team, htmx: bool
) -> None:
    draft = ready_draft(client_in, team)
    data = routing_data("policy") | RULES
    if htmx:
        url = reverse("wizard:validate", args=[draft.pk, "routing"])
        headers = {"HX-Request": "true", "HX-Trigger-Name": "rule-2-source"}
        body = client_in.post(url, data, headers=headers).content.decode()
    else:
        response = client_in.post(reverse("wizard:step", args=[draft.pk, "routing"]), data)
        assert response.status_code == 422
        body = response.content.decode()
        rules = ConnectionRequest.objects.get(pk=draft.pk).plan["policy_rules"]
        assert [rule["source"] for rule in rules] == ["192.168.1.0/24", "192.168.1.0/33"]
        assert _errors(body, "rule-1-source") == ""
    assert "192.168.1.0/33" in _errors(body, "rule-2-source")
