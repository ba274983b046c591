"""Tape findings name the asset ids of the rows they list, in the rulebook's English and Chinese messages and in the
pool report's JSON, so a servicer can search the tape by id."""

from __future__ import annotations

import json
import subprocess
import sys

from deal_edits import EXAMPLES

from filing import analyse, check_pool, load_deal

NONCOMPLIANT = EXAMPLES / "noncompliant" / "deal.yaml"


def test_findings_name_asset_ids_in_both_languages():
    loaded = load_deal(NONCOMPLIANT)
    report = check_pool(loaded, analyse(loaded))
    [negative] = [f for f in report.findings if f.rule == "TAPE-12"]
    # NC013 has the negative balance (examples/make_tapes.py, index 12), on file row 14
    assert negative.message == "Balance or instalment not positive in 1 row(s): 14 (asset_id NC013)"
    # the code and the column are the finding's rule and path, not repeated in its text (no raw key in Chinese)
    assert negative.message_zh == "余额或租金不为正，共1行：第14行（资产编号NC013）"
    [conflicts] = [f for f in report.findings if f.rule == "TAPE-25"]
    assert "in 20 row(s):" in conflicts.message and conflicts.message.count("NC0") == 10
    assert conflicts.message.endswith("…)") and "等（资产编号" in conflicts.message_zh


def test_pool_json_carries_ids_and_rows():
    done = subprocess.run([sys.executable, "-m", "filing", "pool", str(NONCOMPLIANT), "--format", "json"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 1, done.stderr
    data = json.loads(done.stdout)
    by_code = {f["code"]: f for f in data["pool"]["findings"]}
    assert by_code["TAPE-12"]["asset_ids"] == ["NC013"] and by_code["TAPE-12"]["rows"] == [14]
    assert by_code["TAPE-16"]["asset_ids"] == ["NC021", "NC034", "NC042"]
    assert len(by_code["TAPE-25"]["asset_ids"]) == 10 and by_code["TAPE-25"]["count"] == 20
    [rulebook] = [f for f in data["findings"] if f["rule"] == "TAPE-12"]
    assert "NC013" in rulebook["message"] and "资产编号NC013" in rulebook["message_zh"]
