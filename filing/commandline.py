"""How `filing` reads its command line, beyond typer: the global options may follow the command, and help shows
no type for flags. Apart from filing/cli.py so that the commands stay a thin list of calls into the library."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup, TyperOption

GLOBAL_OPTIONS = ("lang", "quiet")
"""The global options that may also follow the command (``filing check deal.yaml -q``)."""


def _option_names(command: TyperCommand | TyperGroup) -> set[str]:
    """Every option spelling a command, or any command under a group, defines."""
    names = {name for param in command.params for name in (*param.opts, *param.secondary_opts)}
    for sub in getattr(command, "commands", {}).values():
        names |= _option_names(sub)
    return names


def _untyped_flags(params: list[Any]) -> list[Any]:
    """A flag takes no value, so help shows no type for it (typer would print ``<bool>``)."""
    for param in params:
        if isinstance(param, TyperOption) and param.is_flag and param.metavar is None:
            param.metavar = ""
    return params


class Commands(TyperGroup):
    """`filing` and its command groups: the global options are accepted after the command too, and flags show no
    type in help."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, self._hoisted(ctx, args) if ctx.parent is None else args)

    def _hoisted(self, ctx: typer.Context, args: list[str]) -> list[str]:
        """The arguments with the global options that follow the command moved before it, except where the command
        has an option of the same name (build's deprecated --lang, which names the documents' languages)."""
        takes_value = {name: not param.is_flag for param in self.params if param.name in GLOBAL_OPTIONS
                       for name in (*param.opts, *param.secondary_opts)}
        at = 0
        while at < len(args) and args[at].startswith("-") and args[at] != "--":
            at += 2 if takes_value.get(args[at]) else 1
        command = self.get_command(ctx, args[at]) if at < len(args) else None
        if command is None:
            return args
        own, moved, rest = _option_names(command), [], []
        tail = iter(args[at + 1:])
        for token in tail:
            name = token.split("=", 1)[0]
            if token == "--":
                rest += [token, *tail]
            elif name in takes_value and name not in own:
                value = next(tail, None) if takes_value[name] and "=" not in token else None
                moved += [token] if value is None else [token, value]
            else:
                rest.append(token)
        return [*args[:at], *moved, args[at], *rest]

    def get_params(self, ctx: typer.Context) -> list[Any]:
        return _untyped_flags(super().get_params(ctx))

    def get_command(self, ctx: typer.Context, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None and not isinstance(command, Commands):
            _untyped_flags([*command.params, command.get_help_option(ctx)])
        return command


__all__ = ["Commands", "GLOBAL_OPTIONS"]
