"""The web workspace through the framework's test client, on copies of the real examples: the JSON API gives what the
CLI gives (same findings, same located input errors), the form writes only valid deals and keeps their comments,
uploads are bounded and confined, hostile tapes and packets are refused with the CLI's errors and leave nothing
behind, and a real build can be reviewed, compared and found again after a restart. One full build in this file."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from serve_support import EXAMPLES, KEY, SIGNER, amended, copy_examples, evil_zip

import filing
from filing.serve import Limits, create_app

ROOT = Path(__file__).resolve().parents[1]


def _cli(*args: str) -> dict:
    """``filing ... --format json`` as a user runs it, for the server's answers to be compared with."""
    done = subprocess.run([sys.executable, "-m", "filing", *args, "--format", "json"], capture_output=True, text=True,
                          env=os.environ | {"PYTHONPATH": str(ROOT)}, check=False)
    return json.loads(done.stdout)


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("serve") / "workspace"
    copy_examples(root, "trade-receivables", "noncompliant", "equipment-lease", "toll-road")
    copy_examples(root, "trade-receivables", as_name="edit-me")
    return root


@pytest.fixture(scope="module")
def client(workspace: Path) -> Iterator[TestClient]:
    with TestClient(create_app(workspace, sign_key_file=KEY)) as client:
        yield client


def _token(client: TestClient) -> str:
    client.get("/")
    return client.cookies["filing_csrf"]


def test_pages_and_the_generated_openapi(client: TestClient) -> None:
    home = client.get("/")
    assert home.status_code == 200 and "trade-receivables" in home.text and "noncompliant" in home.text
    assert "default-src 'self'" in home.headers["content-security-policy"]
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/deals", "/api/deals/{name}", "/api/deals/{name}/tape", "/api/deals/{name}/jobs", "/api/jobs/{job_id}",
            "/api/reviews", "/api/reviews/{review_id}/diff/{previous}"} <= set(paths)
    assert client.get("/api/schema").json() == filing.json_schema()


@pytest.mark.parametrize("name", ["trade-receivables", "noncompliant", "equipment-lease", "toll-road"])
def test_every_example_has_its_form_and_its_pool_with_charts(client: TestClient, name: str) -> None:
    deal = client.get(f"/deals/{name}")
    assert deal.status_code == 200 and 'id="deal-form"' in deal.text and 'id="field-assets.asset_class"' in deal.text
    pool = client.get(f"/deals/{name}/pool")
    assert pool.status_code == 200 and pool.text.count("<svg") == 2


def test_the_check_is_the_clis_check(client: TestClient, workspace: Path) -> None:
    served = client.get("/api/deals/noncompliant").json()
    cli = _cli("check", str(workspace / "noncompliant" / "deal.yaml"), "--no-chain")
    assert served["ok"] is cli["ok"] is False
    assert served["findings"] == cli["findings"] and served["summary"] == cli["summary"]
    assert served["pool"]["tape"]["rows"] == 60 and served["deal"] == "BAD-TR-2026-01"


def test_findings_as_a_coded_log(client: TestClient) -> None:
    plain = client.get("/api/deals/noncompliant").json()["findings"]
    log = client.get("/api/deals/noncompliant", params={"format": "log"}).json()
    assert [entry["code"] for entry in log["log"]] == [f["rule"] for f in plain]
    assert log["errors"] == sum(1 for f in plain if f["severity"] == "blocker") > 0 and log["ok"] is False
    entry = next(e for e in log["log"] if e["code"] == "CN-ABS-07")
    path = "structure.collection_account.kind"
    assert entry["level"] == "error" and entry["refs"] == [{"href": f"noncompliant/deal.yaml#{path}", "path": path}]


def _field_html(page: str, path: str) -> str:
    """The markup of one form field, up to the next field."""
    start = page.index(f'id="field-{path}"')
    return page[start:page.index('id="field-', start + 1)]


def test_each_finding_is_shown_beside_its_field(client: TestClient) -> None:
    page = client.get("/deals/noncompliant").text
    assert "CN-ABS-07" in _field_html(page, "structure.collection_account.kind")
    assert "CN-G-02" in _field_html(page, "issuer.jurisdiction")
    assert "统一社会信用代码" in page and "Unified social credit code" in page  # glossary labels, zh and en


def test_the_form_writes_a_valid_edit_and_keeps_the_comments(client: TestClient, workspace: Path) -> None:
    deal = workspace / "edit-me" / "deal.yaml"
    comments = [line for line in deal.read_text(encoding="utf-8").splitlines() if line.lstrip().startswith("#")]
    answer = client.post("/deals/edit-me/fields", data={"csrf_token": _token(client),
                                                        "f:token.tranches[1].coupon_rate": "0.08"},
                         follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/deals/edit-me?saved=1")
    assert str(filing.load_deal(deal).deal.token.tranches[1].coupon_rate) == "0.08"
    text = deal.read_text(encoding="utf-8")
    assert all(line in text for line in comments)


def test_an_invalid_edit_writes_nothing_and_says_where(client: TestClient, workspace: Path) -> None:
    deal = workspace / "edit-me" / "deal.yaml"
    before = deal.read_bytes()
    answer = client.post("/deals/edit-me/fields", data={"csrf_token": _token(client),
                                                        "f:issuer.jurisdiction": "Xanadu"})
    assert answer.status_code == 422 and deal.read_bytes() == before
    beside = _field_html(answer.text, "issuer.jurisdiction")
    assert "unknown jurisdiction" in beside and 'value="Xanadu"' in beside
    live = client.post("/api/deals/edit-me/preview", json={"fields": {"issuer.jurisdiction": "Xanadu"}}).json()
    assert live["ok"] is False and live["errors"][0]["path"] == "issuer.jurisdiction"
    live = client.post("/api/deals/edit-me/preview", json={"fields": {"issuer.jurisdiction": "CN"}}).json()
    assert "CN-G-02" in {f["rule"] for f in live["findings"]} and live["changed"] == ["issuer.jurisdiction"]
    assert deal.read_bytes() == before  # a preview writes nothing
    api = client.patch("/api/deals/edit-me", json={"fields": {"issuer.jurisdiction": "Xanadu"}})
    assert api.status_code == 422 and deal.read_bytes() == before
    assert api.json()["errors"][0]["file"] == "edit-me/deal.yaml" and api.json()["errors"][0]["line"]


def test_forms_need_the_token_and_the_site_itself(client: TestClient, workspace: Path) -> None:
    assert client.post("/deals", data={"name": "forged", "asset_class": "equipment_lease"}).status_code == 403
    forged = client.post("/api/deals", json={"name": "forged", "asset_class": "equipment_lease"},
                         headers={"Origin": "https://attacker.example"})
    assert forged.status_code == 403
    assert client.get("/", headers={"Host": "attacker.example"}).status_code == 400
    assert not (workspace / "forged").exists()


def test_a_new_deal_is_filing_init_and_its_empty_tape_is_located(client: TestClient, workspace: Path) -> None:
    made = client.post("/api/deals", json={"name": "new-lease", "asset_class": "equipment_lease"})
    assert made.status_code == 201 and (workspace / "new-lease" / "tape.xlsx").is_file()
    check = client.get("/api/deals/new-lease")
    assert check.status_code == 422
    cli = _cli("check", str(workspace / "new-lease" / "deal.yaml"))
    assert [(e["line"], e["message"]) for e in check.json()["errors"]] == [(e["line"], e["message"])
                                                                           for e in cli["errors"]]
    assert check.json()["errors"][0]["file"] == "new-lease/deal.yaml"  # the principal left at zero comes first
    assert check.json()["errors"][0]["path"] == "token.tranches[0].principal"
    assert client.post("/api/deals", json={"name": "new-lease", "asset_class": "equipment_lease"}).status_code == 422
    assert client.post("/api/deals", json={"name": "../outside", "asset_class": "equipment_lease"}).status_code == 422
    assert not (workspace.parent / "outside").exists()


def test_tapes_in_every_format_are_read(client: TestClient, workspace: Path, tmp_path: Path) -> None:
    gb18030 = (EXAMPLES / "trade-receivables" / "tape.csv").read_bytes()
    pool = client.post("/api/deals/edit-me/tape", files={"file": ("receivables.csv", gb18030)}).json()["pool"]
    assert pool["tape"]["encoding"] == "gb18030" and pool["tape"]["rows"] == 5006
    xlsx = client.post("/api/deals/equipment-lease/tape",
                       files={"file": ("leases.xlsx", (EXAMPLES / "equipment-lease" / "tape.xlsx").read_bytes())})
    assert xlsx.status_code == 200 and xlsx.json()["pool"]["tape"]["format"] == "xlsx"
    import polars as pl

    parquet = tmp_path / "leases.parquet"
    pl.read_excel(EXAMPLES / "equipment-lease" / "tape.xlsx").write_parquet(parquet)
    served = client.post("/api/deals/equipment-lease/tape", files={"file": ("leases.parquet", parquet.read_bytes())})
    assert served.status_code == 200 and served.json()["pool"]["tape"]["format"] == "parquet"
    assert served.json()["pool"]["totals"] == xlsx.json()["pool"]["totals"]
    assert "tape: tape.parquet" in (workspace / "equipment-lease" / "deal.yaml").read_text(encoding="utf-8")


def test_a_hostile_tape_gets_the_clis_located_error_and_changes_nothing(client: TestClient, workspace: Path,
                                                                        tmp_path: Path) -> None:
    hostile = "应收账款编号,债务人编号\nAR1,OB1\n".encode("gb18030") + b"\x00\xff\xfe" * 50
    before = _tree(workspace / "trade-receivables")
    answer = client.post("/api/deals/trade-receivables/tape", files={"file": ("hostile.csv", hostile)})
    assert answer.status_code == 422
    copy = tmp_path / "deal"
    shutil.copytree(EXAMPLES / "trade-receivables", copy)
    (copy / "tape.csv").write_bytes(hostile)
    cli = _cli("check", str(copy / "deal.yaml"))
    assert [(e["line"], e["column"], e["message"]) for e in answer.json()["errors"]] == [
        (e["line"], e["column"], e["message"]) for e in cli["errors"]]
    assert {e["file"] for e in answer.json()["errors"]} == {"hostile.csv"}
    assert _tree(workspace / "trade-receivables") == before
    assert list((workspace / ".serve" / "staging").iterdir()) == []
    page = client.post("/deals/trade-receivables/tape", data={"csrf_token": _token(client)},
                       files={"file": ("hostile.csv", hostile)})
    assert page.status_code == 422 and "hostile.csv" in page.text and "Nothing was written" in page.text
    other = client.post("/api/deals/trade-receivables/tape", files={"file": ("tape.exe", b"MZ")})
    assert other.status_code == 422 and _tree(workspace / "trade-receivables") == before


def test_a_hostile_packet_gets_the_clis_errors_and_leaves_nothing(client: TestClient, workspace: Path,
                                                                  tmp_path: Path) -> None:
    reviews = sorted((workspace / ".serve" / "reviews").iterdir())
    answer = client.post("/api/reviews", files={"file": ("evil.zip", evil_zip())})
    assert answer.status_code == 422
    evil = tmp_path / "evil.zip"
    evil.write_bytes(evil_zip())
    cli = _cli("review", str(evil))
    assert [e["message"] for e in answer.json()["errors"]] == [e["message"] for e in cli["errors"]]
    assert any(e["path"] == "../../escaped.txt" for e in answer.json()["errors"])
    assert sorted((workspace / ".serve" / "reviews").iterdir()) == reviews
    assert list((workspace / ".serve" / "staging").iterdir()) == []
    assert not list(workspace.parent.rglob("escaped.txt"))


def test_uploads_over_the_limit_are_refused(workspace: Path) -> None:
    small = Limits(packet_bytes=1_000, tape_bytes=1_000)
    with TestClient(create_app(workspace, limits=small)) as client:
        answer = client.post("/api/reviews", files={"file": ("big.zip", b"x" * 5_000)})
        assert answer.status_code == 413 and "1,000 bytes" in answer.json()["findings"][0]["message"]
        declared = client.post("/api/reviews", content=b"x" * 10, headers={
            "Content-Length": str(small.request_bytes + 1), "Content-Type": "application/zip"})
        assert declared.status_code == 413
    assert list((workspace / ".serve" / "staging").iterdir()) == []


def test_build_review_diff_and_restart(client: TestClient, workspace: Path, tmp_path: Path) -> None:
    """The one real build: a signed final packet of the example, downloaded, reviewed, compared with a tampered copy;
    a second server on the same workspace finds the job and the reviews."""
    job = client.post("/api/deals/trade-receivables/jobs", json={"kind": "final", "sign": True})
    assert job.status_code == 202
    done = client.app.app.state.server.jobs.wait(job.json()["id"], timeout=600)
    assert done["status"] == "done" and done["result"]["ok"] and done["result"]["signer"] == SIGNER
    packet = client.get("/deals/trade-receivables/packets/final.zip")
    assert packet.status_code == 200 and zipfile.ZipFile(io.BytesIO(packet.content)).testzip() is None
    docx = client.get("/deals/trade-receivables/packets/final/documents/09-legal-opinion.docx")
    assert docx.status_code == 200 and docx.content[:2] == b"PK"
    page = client.get("/deals/trade-receivables").text
    listed = [line for line in page.splitlines() if "packets/final/documents/" in line]
    assert [line for line in listed if "内部资料，不作报送" in line] == [
        line for line in listed if "90-internal-rule-sources" in line] != []  # the annex, and only it, is marked
    key = KEY.read_text(encoding="utf-8").split()[-1].removeprefix("0x").lower()
    for text in (json.dumps(done), client.get(f"/jobs/{done['id']}").text, client.get("/deals/trade-receivables").text):
        assert key not in text.lower()

    own = client.post("/api/deals/trade-receivables/packets/final/review")
    assert own.status_code == 201 and own.json()["upload"] == "trade-receivables-final.zip"
    assert own.json()["signer"] == SIGNER and own.json()["verdict"] == "PASS"  # the workspace's key is expected
    unpinned = client.post("/api/reviews", files={"file": ("v0.zip", packet.content)})
    assert unpinned.status_code == 201 and unpinned.json()["verdict"] == "FAIL"  # a key nobody named is not a pass
    reviewed = client.post("/api/reviews", files={"file": ("v1.zip", packet.content)}, data={"signer": SIGNER})
    assert reviewed.status_code == 201 and reviewed.json()["verdict"] == "PASS" and reviewed.json()["signer"] == SIGNER
    first = reviewed.json()["id"]
    page = client.get(f"/reviews/{first}").text
    assert "documents/00-index.html" in page and "integrity" in page
    document = client.get(f"/reviews/{first}/packet/documents/04-token-terms.html")
    assert document.status_code == 200 and "default-src 'none'" in document.headers["content-security-policy"]

    second_zip = amended(packet.content, "documents/04-token-terms.html")
    second = client.post("/api/reviews", files={"file": ("v2.zip", second_zip)}).json()
    assert second["verdict"] == "FAIL"  # the manifest changed after it was signed
    diff = client.get(f"/api/reviews/{second['id']}/diff/{first}").json()
    assert [c["path"] for c in diff["documents"]] == ["documents/04-token-terms.html"] and diff["deal"] == []
    assert client.get(f"/reviews/{second['id']}/diff", params={"against": first}).status_code == 200
    log = client.get(f"/api/reviews/{second['id']}", params={"format": "log"}).json()
    assert any(e["code"] == "REVIEW-SIGNATURE" and e["level"] == "error" for e in log["log"])

    with TestClient(create_app(workspace)) as again:
        assert again.get(f"/api/jobs/{done['id']}").json()["status"] == "done"
        assert {first, second["id"]} <= {r["id"] for r in again.get("/api/reviews").json()["reviews"]}
        assert again.get("/deals/trade-receivables/packets/final.zip").content == packet.content


def test_files_stay_inside_the_workspace(client: TestClient) -> None:
    for url in ("/deals/..%2F..%2Fetc/packets/final/x", "/deals/noncompliant/packets/final/..%2F..%2Fdeal.yaml",
                "/deals/noncompliant/packets/other/deal.yaml", "/reviews/..%2F..%2Fnoncompliant/packet/deal.yaml",
                "/static/..%2F..%2Fglossary.yaml", "/api/jobs/..%2Fx"):
        assert client.get(url).status_code == 404, url


def test_the_serve_command_listens_on_loopback_and_judges_its_key_first(tmp_path: Path) -> None:
    import socket
    import time

    import httpx2

    env = os.environ | {"PYTHONPATH": str(ROOT)}
    bad = tmp_path / "key.txt"
    bad.write_text("not a key\n", encoding="utf-8")
    refused = subprocess.run([sys.executable, "-m", "filing", "serve", "--workspace", str(tmp_path / "ws"),
                              "--sign-key-file", str(bad)], capture_output=True, text=True, env=env, timeout=120)
    assert refused.returncode == 2 and f"{bad}" in refused.stderr and "not a key" not in refused.stderr
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "filing", "serve", "--workspace", str(tmp_path / "ws"),
                                "--port", str(port)], env=env, stderr=subprocess.DEVNULL)
    try:
        deadline, answer = time.monotonic() + 90, None
        while answer is None and time.monotonic() < deadline:
            try:
                answer = httpx2.get(f"http://127.0.0.1:{port}/api/deals", timeout=5)
            except httpx2.TransportError:
                time.sleep(0.2)
        assert answer is not None and answer.json() == {"ok": True, "findings": [], "deals": []}
        assert (tmp_path / "ws" / ".serve" / "jobs").is_dir()
    finally:
        process.terminate()
        process.wait(timeout=30)
