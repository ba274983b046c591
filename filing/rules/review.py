"""Codes the review emits for its own checks of a packet (`filing.review`): one per check, so that every message of
a review is a finding with a registered code, which a reviewer's CI can match and `filing rules explain` describes.

The deal's own findings in a review are the rulebook's (re-judged from the packet's data); these say whether the
packet is what it claims to be.
"""

from __future__ import annotations

from collections.abc import Iterator

from filing.rules.registry import Confidence, Context, Hit, Rule, Severity

SOURCE = ("the packet format of this toolkit (a manifest with the SHA-256 of every file, an EIP-191 signature of it, "
          "the data from which every document is rendered)")

CHECKS = {
    "integrity": ("The packet's files match its manifest", "材料包文件与清单一致",
                  "every file is listed with the SHA-256 it has, and nothing is missing or added"),
    "signature": ("The manifest is signed by the expected key", "材料清单由预期密钥签署",
                  "the manifest carries a canonical EIP-191 signature of the expected signer"),
    "deal": ("The packet's deal loads under the current model", "材料包中的交易数据可按现行模型载入",
             "data/deal.json validates and is in canonical form, with the hash the manifest records"),
    "pool": ("The pool figures re-run from the packet's tape", "资产池数据可由材料包中的数据带重算",
             "the stored tape re-analysed gives every figure data/pool.json records"),
    "findings": ("The recorded findings re-run", "记录的核查结论可重现",
                 "the rulebook over the packet's data gives exactly the findings data/findings.json records"),
    "rebuild": ("The documents rebuild from the packet's data", "文件可由材料包数据重新生成",
                "every document rendered again from data/ has the bytes the packet holds"),
    "revalidation": ("The packet's data could be re-validated", "材料包数据可重新校验",
                     "the re-validation itself ran to the end"),
    "chain-contract": ("The tokens on chain match the deal", "链上代币与交易文件一致",
                       "the deployed tokens pass the chain rules read-only"),
    "chain-manifest": ("The tokens record this packet's manifest hash", "链上代币记录本材料包清单哈希",
                       "every token holds this manifest's SHA-256 under filing.manifest"),
    "signer-role": ("The manifest's signer runs the tokens", "材料清单签署人为代币管理方",
                    "the signer is admin or agent of every token"),
}


def _emitted(_ctx: Context) -> Iterator[Hit]:
    return iter(())


def _review_rule(check: str, title: str, title_zh: str, what: str) -> Rule:
    doc = (f"What: {what}.\nWhy: a reviewer must know the packet is what it claims before reading its verdict.\n"
           "Source: the toolkit's packet format; emitted by `filing review`, not run as a check of a deal.")
    return Rule(f"REVIEW-{check.upper()}", title, title_zh, Severity.blocker, Confidence.secondary, SOURCE,
                "{message}", "{message}", _emitted, doc, emitted_by="review")


REVIEW_RULES = tuple(_review_rule(check, *spec) for check, spec in CHECKS.items())
