"""The validate_plan management command: output formats and exit status."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.network.conftest import plan_data

ROOT = Path(__file__).resolve().parents[2]


def _write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "plan.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def _run(path: Path | str, *options: str) -> tuple[int, str]:
    out = StringIO()
    try:
        call_command("validate_plan", str(path), *options, stdout=out)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue()
    return 0, out.getvalue()


def test_clean_plan_exits_0_with_an_empty_json_report(tmp_path: Path) -> None:
    status, output = _run(_write(tmp_path, plan_data()))
    report = json.loads(output)
    assert status == 0
    assert report["valid"] is True and report["findings"] == []


def test_warnings_alone_exit_0(tmp_path: Path) -> None:
    data = plan_data()
    data["ike"]["dh_group"] = "group14"
    status, output = _run(_write(tmp_path, data))
    assert status == 0
    assert [f["code"] for f in json.loads(output)["findings"]] == ["crypto.weak"]


def test_errors_exit_1_and_list_findings_with_all_fields(tmp_path: Path) -> None:
    data = plan_data()
    data["sites"][0]["subnets"] = ["192.168.1.0/24"]
    status, output = _run(_write(tmp_path, data))
    report = json.loads(output)
    assert status == 1
    assert report["valid"] is False and report["errors"] >= 1
    finding = next(f for f in report["findings"] if f["code"] == "subnet.same_as_local")
    assert set(finding) == {"severity", "code", "path", "message", "suggestion"}
    assert finding["path"] == "sites[0].subnets[0]"


def test_text_format_is_readable(tmp_path: Path) -> None:
    data = plan_data()
    data["sites"][0]["subnets"] = ["10.1.2.3/24"]
    status, output = _run(_write(tmp_path, data), "--format", "text")
    assert status == 1
    assert "cidr.host_bits" in output and "sites[0].subnets[0]" in output
    assert "Did you mean 10.1.2.0/24?" in output


@pytest.mark.parametrize("content", ['{"version": 1,', "[1, 2]", '{"version": 1}', "\x00\x01"])
def test_malformed_plan_exits_2_with_findings(tmp_path: Path, content: str) -> None:
    status, output = _run(_write(tmp_path, content))
    report = json.loads(output)
    assert status == 2
    assert report["well_formed"] is False and report["findings"]


def test_unreadable_file_is_a_command_error_with_status_2(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="Cannot read plan file") as caught:
        call_command("validate_plan", str(tmp_path / "missing.json"))
    assert caught.value.returncode == 2


def test_binary_file_is_a_command_error(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(CommandError, match="Cannot read plan file"):
        call_command("validate_plan", str(path))


@pytest.mark.parametrize(
    ("name", "expected_status"),
    [("missing.json", 2), ("broken.json", 2), ("bad.json", 1), ("good.json", 0)],
)
def test_command_line_exit_status_and_no_traceback(tmp_path: Path, name: str, expected_status: int) -> None:
    (tmp_path / "broken.json").write_text("{")
    bad = plan_data()
    bad["psk"] = "short"
    (tmp_path / "bad.json").write_text(json.dumps(bad))
    (tmp_path / "good.json").write_text(json.dumps(plan_data()))
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "validate_plan", str(tmp_path / name), "--format", "text"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "wizard.settings"},
        timeout=120,
    )
    assert result.returncode == expected_status, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert name in result.stdout + result.stderr
