"""`quizkiosk doctor` and `--version`: plain words for what a seminar needs."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from quizkiosk.banks.loader import BUNDLED_BANKS_DIR
from quizkiosk.cli import main
from quizkiosk.cli.doctor import (
    check_banks,
    check_clock,
    check_data_dir,
    check_install,
    check_lan,
    check_port,
    run_checks,
)
from quizkiosk.config import default_data_dir


def test_a_port_in_use_is_a_failure_with_advice() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        finding = check_port(port, "127.0.0.1")
    assert finding.level == "FAIL" and "--port" in finding.advice
    assert check_port(port, "127.0.0.1").level == "OK"  # freed again


def test_no_lan_address_is_a_warning_and_a_lan_address_names_the_join_page() -> None:
    assert check_lan(["127.0.0.1"]).level == "WARN"
    found = check_lan(["192.168.1.20", "127.0.0.1"])
    assert found.level == "OK" and "http://192.168.1.20:<port>/join" in found.what
    assert "firewall" in found.advice
    assert "http://192.168.1.20:8000/join" in check_lan(["192.168.1.20"], 8000).what


def test_an_unwritable_data_folder_fails(tmp_path: Path) -> None:
    assert check_data_dir(tmp_path / "new").level == "OK"
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert check_data_dir(blocker / "inside").level == "FAIL"


def test_banks_and_clock() -> None:
    assert check_banks(BUNDLED_BANKS_DIR).level == "OK"
    assert check_clock(0.0).level == "FAIL"
    assert check_clock(1_800_000_000.0).level == "OK"


def test_doctor_runs_every_check_and_the_version_prints(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    findings = run_checks(0, tmp_path, BUNDLED_BANKS_DIR, lambda: ["10.0.0.5", "127.0.0.1"])
    assert [f.level for f in findings] == ["OK", "OK", "OK", "OK", "OK", "OK"]
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.startswith("quizkiosk ")


def test_an_incomplete_install_fails_and_names_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "base.html").write_text("<p></p>")
    finding = check_install(lambda: tmp_path)
    assert finding.level == "FAIL" and "static/js/i18n.js" in finding.what
    assert "uz/LC_MESSAGES/messages.mo" in finding.what and "reinstall" in finding.advice
    assert check_install().level == "OK"  # this install has everything


def test_the_data_folder_defaults_to_local_app_data_on_windows(tmp_path: Path) -> None:
    local = tmp_path / "AppData" / "Local"
    assert default_data_dir({"LOCALAPPDATA": str(local)}, windows=True) == local / "quizkiosk"
    assert default_data_dir({}, windows=True) == Path.home() / "AppData" / "Local" / "quizkiosk"
    chosen = {"QUIZKIOSK_DATA_DIR": str(tmp_path / "mine"), "LOCALAPPDATA": str(local)}
    assert default_data_dir(chosen, windows=True) == tmp_path / "mine"
    assert (
        default_data_dir({"XDG_DATA_HOME": str(tmp_path)}, windows=False) == tmp_path / "quizkiosk"
    )
    assert default_data_dir({}, windows=False) == Path.home() / ".local/share/quizkiosk"
