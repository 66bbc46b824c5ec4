"""`manage.py render_configs`: files for one or all platforms, validate_plan's findings for bad plans."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.rendering.plans import GENERATED_AT, plan_dict
from tests.rendering.test_golden import GOLDEN_DIR
from wizard.rendering import PLATFORM_NAMES


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("render_configs", *args, stdout=out)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue()
    return 0, out.getvalue()


def write_plan(tmp_path: Path, data: dict) -> str:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(data))
    return str(path)


def test_one_platform_written_to_a_directory_matches_the_golden_files(tmp_path: Path) -> None:
    plan = write_plan(tmp_path, plan_dict("branch_hub", "static"))
    out = tmp_path / "out"
    code, printed = run(plan, "--platform", "cisco_iosxe", "--out", str(out), "--generated-at", GENERATED_AT)
    assert code == 0
    written = sorted(path.name for path in out.iterdir())
    assert written == ["branch-hub-static-Berlin-cisco-iosxe.txt", "branch-hub-static-Paris-cisco-iosxe.txt"]
    assert printed.split() == [str(out / name) for name in written]
    for name in written:
        golden = GOLDEN_DIR / "branch_hub" / "static" / "cisco_iosxe" / name
        assert (out / name).read_bytes() == golden.read_bytes()
        assert b"\r\n" not in (out / name).read_bytes()


def test_every_platform_when_none_is_named(tmp_path: Path) -> None:
    code, printed = run(
        write_plan(tmp_path, plan_dict("hybrid_cloud", "bgp")), "--generated-at", GENERATED_AT
    )
    assert code == 0
    headers = [line for line in printed.splitlines() if line.startswith("==> ")]
    # strongSwan adds frr.conf in BGP mode; the sheet comes as text and JSON.
    assert len(headers) == len(PLATFORM_NAMES) + 2


def test_plan_with_errors_prints_the_validator_findings(tmp_path: Path) -> None:
    data = plan_dict("hybrid_cloud", "static")
    data["sites"][0]["subnets"] = ["192.168.1.0/24"]
    code, printed = run(write_plan(tmp_path, data), "--platform", "strongswan")
    assert code == 1
    report = json.loads(printed)
    validate_out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("validate_plan", write_plan(tmp_path, data), stdout=validate_out)
    assert report["findings"] == json.loads(validate_out.getvalue())["findings"]
    assert report["valid"] is False


def test_malformed_plan_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text("{not json")
    code, _ = run(str(path))
    assert code == 2


def test_config_that_cannot_be_generated_exits_1_with_the_reason(tmp_path: Path) -> None:
    data = plan_dict("hybrid_cloud", "static")
    data["ike"]["authentication_algorithm"] = "sha2-384"
    code, printed = run(write_plan(tmp_path, data), "--platform", "mikrotik")
    assert code == 1
    report = json.loads(printed)
    assert report["path"] == "ike.authentication_algorithm"
    assert "MikroTik" in report["message"]
