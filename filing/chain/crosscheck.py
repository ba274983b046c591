"""Cross-checking a deployed token against the deal, and turning scenario failures into findings.

Why: nothing else ties the on-chain instrument to the filed documents. A token whose cap, decimals or maturity
differ from the offering documents, or whose jurisdiction lists drift from the deal, is a different instrument from
the one filed; a token without the manifest hash cannot be tied to the packet at all.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

from filing.chain.adapters import TokenAdapter
from filing.chain.deploy import TokenTerms
from filing.chain.report import ConfigCheck, chain_finding
from filing.chain.scenarios import (
    COUNTRY_ZERO,
    ELIGIBILITY,
    FALSE_REFUSAL,
    FORCED_BYPASS,
    INCONCLUSIVE,
    MAINLAND_RECEIVER,
    SENDER_CHECK,
    ScenarioResult,
)
from filing.rules.registry import Finding

DAY = 86_400
WEAKNESS_RULE = {MAINLAND_RECEIVER: "CHAIN-01", SENDER_CHECK: "CHAIN-02", FORCED_BYPASS: "CHAIN-03",
                 COUNTRY_ZERO: "CHAIN-04", ELIGIBILITY: "CHAIN-05", FALSE_REFUSAL: "CHAIN-06",
                 INCONCLUSIVE: "CHAIN-14"}
_WEAKNESS_ZH = {MAINLAND_RECEIVER: "境内钱包可接收代币", SENDER_CHECK: "被改标为境内或0的持有人仍可转出",
                FORCED_BYPASS: "强制转账未经合规检查", COUNTRY_ZERO: "国家代码0未被阻止",
                ELIGIBILITY: "不合格钱包被接受", FALSE_REFUSAL: "合格投资者被拒绝", INCONCLUSIVE: "场景无法得出结论"}


def _iso(ts: int | None) -> str | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC).isoformat().replace("+00:00", "Z")


def config_checks(adapter: TokenAdapter, terms: TokenTerms) -> list[ConfigCheck]:
    """Each tranche term read from the token next to the deal's value; `ok` is None where the token is silent."""
    def same(field: str, expected: object, actual: object) -> ConfigCheck:
        return ConfigCheck(field, expected, actual, None if actual is None else actual == expected)

    maturity = adapter.maturity()
    checks = [same("name", terms.name, adapter.name()), same("symbol", terms.symbol, adapter.symbol()),
              same("decimals", terms.decimals, adapter.decimals()), same("cap", terms.cap, adapter.cap()),
              # Any second of the legal-maturity day (UTC) is accepted: tools differ on 00:00 or 23:59:59.
              ConfigCheck("maturity", _iso(terms.maturity), _iso(maturity),
                          None if maturity is None else terms.maturity - DAY <= maturity <= terms.maturity)]
    excluded, allowed = adapter.excluded(), adapter.allowed()
    excluded = None if excluded is None else sorted(excluded)
    allowed = None if allowed is None else sorted(allowed)
    checks.append(ConfigCheck("excluded_jurisdictions", list(terms.excluded), excluded,
                              None if excluded is None else set(terms.excluded) <= set(excluded)))
    checks.append(ConfigCheck("allowed_jurisdictions", list(terms.allowed), allowed,
                              None if allowed is None else set(terms.allowed) == set(allowed)))
    return checks


def config_findings(checks: list[ConfigCheck], terms: TokenTerms, path: str, standard: str) -> list[Finding]:
    findings: list[Finding] = []
    by_field = {c.field: c for c in checks}
    for check in checks:
        if check.ok is not False or check.field in ("excluded_jurisdictions", "allowed_jurisdictions"):
            continue
        code = "CHAIN-08" if check.field == "name" else "CHAIN-07"
        findings.append(chain_finding(
            code, f"{path}.{check.field}",
            f"the token's {check.field} is {check.actual!r}; the deal gives {check.expected!r}",
            f"代币的 {check.field} 为 {check.actual!r}，交易文件为 {check.expected!r}"))
    excluded, allowed = by_field["excluded_jurisdictions"].actual, by_field["allowed_jurisdictions"].actual
    if excluded is not None:
        missing = sorted(set(terms.excluded) - set(excluded))
        if missing:
            findings.append(chain_finding("CHAIN-09", "offering.investors.excluded_jurisdictions",
                                          f"{path}: the token does not exclude {missing}",
                                          f"{path}：代币未排除 {missing}"))
        extra = sorted(set(excluded) & set(terms.allowed))
        if extra:
            findings.append(chain_finding("CHAIN-10", "offering.investors.allowed_jurisdictions",
                                          f"{path}: the token excludes {extra}, which the deal allows",
                                          f"{path}：代币排除了交易文件允许的 {extra}"))
    if allowed is not None:
        if terms.allowed and not allowed:
            findings.append(chain_finding("CHAIN-09", "offering.investors.allowed_jurisdictions",
                                          f"{path}: the token has no allowed list, so every non-excluded country "
                                          f"may hold it; the deal allows only {list(terms.allowed)}",
                                          f"{path}：代币未设允许清单，交易文件仅允许 {list(terms.allowed)}"))
        elif allowed:
            beyond = sorted(set(allowed) - set(terms.allowed)) if terms.allowed else []
            if beyond:
                findings.append(chain_finding("CHAIN-09", "offering.investors.allowed_jurisdictions",
                                              f"{path}: the token allows {beyond}, which the deal does not",
                                              f"{path}：代币允许交易文件未允许的 {beyond}"))
            short = sorted(set(terms.allowed) - set(allowed))
            if short:
                findings.append(chain_finding("CHAIN-10", "offering.investors.allowed_jurisdictions",
                                              f"{path}: the token does not allow {short}, which the deal allows",
                                              f"{path}：代币未允许交易文件允许的 {short}"))
    if excluded is None or allowed is None:
        findings.append(chain_finding(
            "CHAIN-15", path, f"the {standard} token does not list its jurisdictions; they were judged country "
            "by country from the token's answers", f"{standard} 代币未列出司法辖区清单，已逐个国家核对"))
    return findings


def document_check(adapter: TokenAdapter, manifest_sha256: str | None, path: str,
                   require: bool) -> tuple[ConfigCheck, list[Finding]]:
    """The `filing.manifest` document hash vs the packet's manifest (when given). `require` False (the embedded
    copy deployed without a packet) records the value without a finding."""
    recorded = adapter.document_hash()
    actual = None if recorded is None else ("0x" + recorded.hex() if any(recorded) else None)
    expected = "0x" + manifest_sha256.removeprefix("0x").lower() if manifest_sha256 else None
    ok = None if expected is None else actual == expected
    check = ConfigCheck("document[filing.manifest]", expected, actual, ok)
    if not require and expected is None:
        return check, []
    if actual is None:
        where = "the token has no ERC-1643 documents" if recorded is None else "no filing.manifest document is set"
        return check, [chain_finding("CHAIN-11", f"{path}.address",
                                     f"{where}: the token is not bound to the filed packet",
                                     "代币未记录备案材料清单哈希，无法与备案材料绑定")]
    if ok is False:
        return check, [chain_finding("CHAIN-12", f"{path}.address",
                                     f"the token records {actual}; the packet's manifest is {expected}",
                                     f"代币记录的哈希为 {actual}，备案材料清单为 {expected}")]
    return check, []


def scenario_findings(results: list[ScenarioResult], paths: dict[str, str]) -> list[Finding]:
    """One finding per tranche and weakness, naming the scenarios that revealed it; plus ERC-1404 disagreements."""
    failed: dict[tuple[str, str], list[str]] = defaultdict(list)
    disagree: dict[str, list[str]] = defaultdict(list)
    for result in results:
        if not result.passed:
            failed[(result.tranche, result.weakness)].append(result.name)
        if result.action != "read" and result.detected is not None and result.actual in ("allowed", "refused") \
                and (result.detected == 0) != (result.actual == "allowed"):
            disagree[result.tranche].append(result.name)
    findings = []
    for (tranche, weakness), names in failed.items():
        listed = ", ".join(names)
        findings.append(chain_finding(WEAKNESS_RULE[weakness], paths[tranche],
                                      f"scenario(s) failed: {listed}", f"{_WEAKNESS_ZH[weakness]}：{listed}"))
    for tranche, names in disagree.items():
        listed = ", ".join(names)
        findings.append(chain_finding("CHAIN-17", paths[tranche],
                                      f"detectTransferRestriction predicted the opposite outcome for: {listed}",
                                      f"detectTransferRestriction 的预测与实际结果相反：{listed}"))
    return findings


def setup_findings(problems: list[str], path: str) -> list[Finding]:
    return [chain_finding("CHAIN-14", path, problem, f"场景测试准备失败：{problem}") for problem in problems]
