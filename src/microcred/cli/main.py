"""The ``microcred`` command: the verbs other parts and acceptance checks build on.

Errors, usage mistakes included, are one clear line on stderr with exit code 2 (unusable input);
set ``MICROCRED_DEBUG=1`` to see a traceback for an unexpected error (exit code 3).
"""

from __future__ import annotations

import os
import sys

import typer
from typer._click.exceptions import NoArgsIsHelpError, UsageError  # typer 0.29 vendors Click

from microcred.cli.admin import bulk_issue_command, org_app, revoke_command
from microcred.cli.baking import bake_command, unbake_command
from microcred.cli.contexts import contexts_app
from microcred.cli.demo import demo_command
from microcred.cli.elm import export_command
from microcred.cli.exporting import bundle_command, pdf_command
from microcred.cli.issuing import issue_command
from microcred.cli.keys import keys_app
from microcred.cli.registry import registry_app
from microcred.cli.server import db_app, serve_command, worker_command
from microcred.cli.signing import sign_command
from microcred.cli.stacking import stack_app
from microcred.cli.verifying import verify_command
from microcred.errors import MicrocredError

app = typer.Typer(
    name="microcred",
    help="Issue, hold and verify EU micro-credentials (W3C VC 2.0 / Open Badges 3.0).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
app.add_typer(keys_app, name="keys")
app.add_typer(contexts_app, name="contexts")
app.add_typer(stack_app, name="stack")
app.add_typer(registry_app, name="registry")
app.command("sign")(sign_command)
app.command("issue")(issue_command)
app.command("demo")(demo_command)
app.command("verify")(verify_command)
app.command("bake")(bake_command)
app.command("unbake")(unbake_command)
app.command("pdf")(pdf_command)
app.command("bundle")(bundle_command)
app.command("export")(export_command)
app.command("serve")(serve_command)
app.command("worker")(worker_command)
app.add_typer(db_app, name="db")
app.add_typer(org_app, name="org")
app.command("bulk-issue")(bulk_issue_command)
app.command("revoke")(revoke_command)


def _fail(message: str, code: int) -> None:
    """Exit with ``microcred: error: MESSAGE`` on stderr, always one line."""
    print("microcred: error: " + " ".join(message.split()), file=sys.stderr)
    sys.exit(code)


def _usage_message(exc: UsageError) -> str:
    """A usage error with where to find help (instead of Click's three-line block)."""
    message = exc.format_message()
    return f"{message} (see '{exc.ctx.command_path} --help')" if exc.ctx else message


def main() -> None:
    """Entry point: run the app, turning expected errors into one line on stderr."""
    try:
        code = app(standalone_mode=False)
    except NoArgsIsHelpError as exc:  # a bare group: its help, as before
        exc.show()
        sys.exit(exc.exit_code)
    except UsageError as exc:
        _fail(_usage_message(exc), exc.exit_code)
    except typer.TyperException as exc:
        _fail(exc.format_message(), exc.exit_code)
    except typer.Abort:
        print("microcred: aborted", file=sys.stderr)
        sys.exit(1)
    except MicrocredError as exc:
        _fail(str(exc), 2)
    except OSError as exc:
        _fail(f"{exc.filename or ''}: {exc.strerror or exc}".lstrip(": "), 2)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("MICROCRED_DEBUG"):
            raise
        _fail(f"internal error ({type(exc).__name__}: {exc}); rerun with MICROCRED_DEBUG=1", 3)
    sys.exit(code if isinstance(code, int) else 0)
