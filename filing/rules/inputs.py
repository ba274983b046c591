"""Codes for what stops a command before any rule can judge the deal: an input that cannot be read, or a chain that
cannot be used. They are findings like every other message (design.md's JSON shape), so a program reading
`--format json` matches one list of registered codes; the exit code is 2 (design.md), not a verdict on the deal.
"""

from __future__ import annotations

from collections.abc import Iterator

from filing.rules.registry import Confidence, Context, Hit, Severity, rule

SOURCE = "the toolkit's command-line contract (exit code 2; the message names the file and the place)"


@rule("INPUT-01", title="An input could not be read or is invalid", title_zh="输入文件无法读取或内容无效",
      severity=Severity.blocker, confidence=Confidence.secondary, source=SOURCE,
      message="{location}: {detail}", message_zh="{location}: {detail_zh}", emitted_by="input")
def input_unreadable(_ctx: Context) -> Iterator[Hit]:
    """What: the deal file, its tape, a packet or an option given on the command line can be read and validated.
    Why: nothing can be judged from a file that does not load; the message names the file, the line and column or
    the field path, and what to do next.
    Source: the toolkit's command-line contract; emitted by the loaders, not run as a check."""
    return iter(())


@rule("INPUT-02", title="The chain could not be used", title_zh="无法使用区块链节点",
      severity=Severity.blocker, confidence=Confidence.secondary, source=SOURCE,
      message="{detail}", message_zh="{detail}", emitted_by="input")
def chain_unusable(_ctx: Context) -> Iterator[Hit]:
    """What: the node at --rpc answers, anvil starts for --fork, and a deployment is accepted by the chain.
    Why: the chain stage's evidence cannot be gathered from a node that does not answer; the deal is not judged.
    Source: the toolkit's command-line contract; emitted by the chain stage, not run as a check."""
    return iter(())
