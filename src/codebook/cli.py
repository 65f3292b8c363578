"""The `codebook` command. Each command is a thin call into `Project`.

User errors print one line (or one line per problem) on stderr and exit 1, never a traceback.
"""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import click
import typer

from codebook import codebooks
from codebook.model import CodebookError
from codebook.project import Project, reference_codebook

app = typer.Typer(
    help="codebook: code interview transcripts against a codebook, from the terminal.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
codebook_app = typer.Typer(
    help="Check, show and export the project's codebook.", no_args_is_help=True
)
codings_app = typer.Typer(help="Import and export codings as CSV.", no_args_is_help=True)
app.add_typer(codebook_app, name="codebook")
app.add_typer(codings_app, name="codings")


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class State:
    project_dir: Path | None = None


state = State()


@app.callback()
def _global(
    project: Annotated[
        Path | None,
        typer.Option(
            "--project",
            "-p",
            help="Project folder (default: CODEBOOK_PROJECT or .)",
            envvar="CODEBOOK_PROJECT",
        ),
    ] = None,
) -> None:
    state.project_dir = project


def _open() -> Project:
    return Project.open(state.project_dir)


def _attrs(pairs: list[str] | None) -> dict[str, str]:
    out = {}
    for pair in pairs or []:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise CodebookError(f"--attr '{pair}': use KEY=VALUE")
        out[key.strip()] = value.strip()
    return out


def _emit(frame, fmt: Format) -> None:
    if fmt is Format.csv:
        frame.to_csv(sys.stdout, index=False)
    elif fmt is Format.json:
        typer.echo(
            json.dumps(json.loads(frame.to_json(orient="records")), indent=2, ensure_ascii=False)
        )
    else:
        typer.echo(frame.to_string(index=False) if len(frame) else "(nothing)")


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="Folder for the new project")] = Path("."),
    codebook: Annotated[Path | None, typer.Option(help="Codebook YAML to start from")] = None,
) -> None:
    """Create a project: codebooks/, transcripts/ and .codebook/project.sqlite."""
    with Project.init(directory, codebook) as project:
        typer.echo(f"created project in {directory} with codebook {project.codebook_path.name}")


REFI_SUFFIXES = (".qdpx", ".qdc")


def _import_refi(files: list[Path], codebook_file: Path | None) -> None:
    """One REFI-QDA file per call, so that each import is all or nothing on its own."""
    if len(files) != 1 or files[0].suffix.lower() not in REFI_SUFFIXES:
        raise CodebookError(
            "import a .qdpx or .qdc file on its own (one per command), not with other files"
        )
    file = files[0]
    if codebook_file is not None:
        if file.suffix.lower() != ".qdc":
            raise CodebookError(f"{file}: --codebook-file works with a .qdc codebook only")
        report = Project.codebook_from_qdc(file, codebook_file)
        for w in report.warnings:
            typer.echo(f"warning: {w}", err=True)
        typer.echo(f"{len(report.codes_added)} code(s) written to {codebook_file}")
        return
    with _open() as project:
        if file.suffix.lower() == ".qdc":
            report = project.import_qdc(file)
        else:
            report = project.import_qdpx(file)
    for line in report.lines():
        typer.echo(line, err=line.startswith("warning"))


@app.command("import")
def import_(
    files: Annotated[
        list[Path], typer.Argument(help="txt, md, docx, vtt or srt files; or one .qdpx / .qdc")
    ],
    attr: Annotated[
        list[str] | None, typer.Option(help="Attribute KEY=VALUE for all files")
    ] = None,
    attributes: Annotated[
        Path | None, typer.Option(help="CSV with a 'file' column and one column per attribute")
    ] = None,
    reanchor: Annotated[
        bool, typer.Option(help="Move codings of a corrected transcript to where their text is")
    ] = False,
    codebook_file: Annotated[
        Path | None,
        typer.Option(help="For a .qdc: write a new codebook YAML here (no project needed)"),
    ] = None,
) -> None:
    """Import transcripts (all or nothing); the same file twice changes nothing.

    A .qdpx (REFI-QDA project) or .qdc (REFI-QDA codebook) is merged into the project.
    """
    if any(f.suffix.lower() in REFI_SUFFIXES for f in files) or codebook_file:
        _import_refi(files, codebook_file)
        return
    with _open() as project:
        try:
            report = project.import_files(files, _attrs(attr), attributes, reanchor)
        except CodebookError as e:
            if reanchor or "--reanchor" not in str(e) or not sys.stdin.isatty():
                raise
            typer.echo(str(e), err=True)
            if not typer.confirm("Re-anchor the codings to the corrected text?"):
                raise CodebookError("nothing was imported") from None
            report = project.import_files(files, _attrs(attr), attributes, reanchor=True)
    for line in report.lines():
        typer.echo(line, err=line.startswith("warning"))


@app.command()
def backup(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Snapshot file (default: in .codebook/)")
    ] = None,
) -> None:
    """Write a consistent snapshot of the project store (SQLite online backup)."""
    with _open() as project:
        path = project.backup(output)
    typer.echo(f"backup written to {path}")


@app.command()
def info() -> None:
    """A summary of the project: codebook, transcripts, segments, codings and coders."""
    with _open() as project:
        typer.echo(project.summary())


@app.command()
def stats(
    by: Annotated[
        str | None, typer.Option(help="Attribute to split by, e.g. stakeholder_group")
    ] = None,
    level: Annotated[
        int | None,
        typer.Option(help="Count at this depth of the code tree (0 = i-frame, s-frame, ...)"),
    ] = None,
    normalise: Annotated[
        bool, typer.Option("--normalise", help="Add group sizes and shares (groups differ in size)")
    ] = False,
    format: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
) -> None:
    """Coded segments per code, optionally per value of an attribute."""
    with _open() as project:
        _emit(project.stats(by, level, normalise), format)


@codebook_app.command("validate")
def codebook_validate(
    file: Annotated[
        Path | None, typer.Argument(help="Codebook YAML (default: the project's)")
    ] = None,
) -> None:
    """Check a codebook file; every problem is printed as FILE:LINE: message."""
    if file is None:
        try:
            with _open() as project:
                file = project.codebook_path
        except CodebookError:
            file = reference_codebook()
    problems = codebooks.validate(file)
    if problems:
        raise CodebookError("\n".join(problems))
    typer.echo(f"{file}: ok")


@codebook_app.command("show")
def codebook_show(
    lang: Annotated[str, typer.Option(help="Label language: nl or en")] = "nl",
    file: Annotated[
        Path | None, typer.Option(help="Codebook YAML (default: the project's)")
    ] = None,
) -> None:
    """Print the code tree with hotkeys."""
    if file is not None:
        book = codebooks.load(file)
    else:
        with _open() as project:
            book = project.codebook
    typer.echo(codebooks.render_tree(book, lang))


@codebook_app.command("export")
def codebook_export(
    output: Annotated[
        Path, typer.Option("-o", "--output", help="FILE.qdc (REFI-QDA), or .md/.docx/.html")
    ],
    lang: Annotated[
        str | None, typer.Option(help="Language of a .md/.docx/.html document: nl or en")
    ] = None,
) -> None:
    """Export the codebook; the format follows the suffix of FILE."""
    suffix = output.suffix.lower()
    if suffix in (".md", ".docx", ".html"):
        with _open() as project:
            n = project.export_codebook_document(output, lang)
        typer.echo(f"{n} code(s) written to {output}")
        return
    if suffix != ".qdc":
        raise CodebookError(
            f"{output}: unknown codebook export format (use .qdc, .md, .docx or .html)"
        )
    with _open() as project:
        n = project.export_qdc(output)
    typer.echo(f"{n} code(s) written to {output}")


@app.command("export")
def export(
    output: Annotated[
        Path, typer.Option("-o", "--output", help="FILE.qdpx (REFI-QDA), or .csv/.xlsx/.parquet")
    ],
) -> None:
    """Export the project; the format follows the suffix of FILE."""
    suffix = output.suffix.lower()
    if suffix in (".csv", ".xlsx", ".parquet"):
        with _open() as project:
            n = project.export_table(output)
        typer.echo(f"{n} coded segment(s) written to {output}")
        return
    if suffix != ".qdpx":
        raise CodebookError(f"{output}: unknown export format (use .qdpx, .csv, .xlsx or .parquet)")
    with _open() as project:
        counts = project.export_qdpx(output)
    typer.echo(
        f"{counts['codes']} code(s), {counts['transcripts']} transcript(s), "
        f"{counts['codings']} coding(s) and {counts['memos']} memo(s) written to {output}"
    )


@app.command()
def report(
    output: Annotated[Path, typer.Option("-o", "--output", help="FILE.md, .html or .docx")],
    format: Annotated[
        str | None, typer.Option("--format", "-f", help="md, html or docx (default: suffix)")
    ] = None,
    lang: Annotated[str, typer.Option(help="Language of headings and labels: nl or en")] = "nl",
    by: Annotated[str, typer.Option(help="Attribute to compare groups by")] = "stakeholder_group",
    codes: Annotated[
        str | None, typer.Option(help="Only these codes (and their subcodes): ID,ID,...")
    ] = None,
    transcripts: Annotated[
        list[str] | None,
        typer.Option(help="Only these transcripts: names or patterns like '0*', comma-separated"),
    ] = None,
    pseudonymise: Annotated[
        Path | None,
        typer.Option(help="Mapping CSV (name,pseudonym): replace names; new names are added"),
    ] = None,
) -> None:
    """A coded summary: per code its definition, frequency by group, quotes and memos."""

    def split(values: list[str] | str | None) -> list[str] | None:
        items = [v.strip() for value in ([values] if isinstance(values, str) else values or [])
                 for v in value.split(",") if v.strip()]  # fmt: skip
        return items or None

    with _open() as project:
        path, added = project.report(
            output, format, lang, by, split(codes), split(transcripts), pseudonymise
        )
    if pseudonymise is not None and added:
        typer.echo(
            f"{added} new name(s) added to {pseudonymise}: check the pseudonyms there "
            "(empty or the name itself keeps a name) and run the report again",
            err=True,
        )
    typer.echo(f"report written to {path}")


@codings_app.command("import")
def codings_import(
    file: Annotated[Path, typer.Argument(help="CSV: transcript,start,end,code,coder[,memo]")],
) -> None:
    """Import codings from CSV; any bad row and nothing is written."""
    with _open() as project:
        n = project.import_codings(file)
    typer.echo(f"{n} coding(s) added from {file}")


@codings_app.command("export")
def codings_export(output: Annotated[Path, typer.Option("-o", "--output")]) -> None:
    """Export all codings as CSV."""
    with _open() as project:
        n = project.export_codings(output)
    typer.echo(f"{n} coding(s) written to {output}")


class AgreementFormat(StrEnum):
    table = "table"
    json = "json"


@app.command()
def agreement(
    coders: Annotated[
        str | None, typer.Option(help="Coders to compare, comma-separated (default: all)")
    ] = None,
    codes: Annotated[
        str | None, typer.Option(help="Code ids, comma-separated; a group counts its children")
    ] = None,
    unit: Annotated[str, typer.Option(help="segment or character (as NVivo)")] = "segment",
    format: Annotated[AgreementFormat, typer.Option("--format", "-f")] = AgreementFormat.table,
) -> None:
    """Intercoder agreement per code: percent, Cohen's kappa, Krippendorff's alpha."""

    def split(value: str | None) -> list[str] | None:
        return [v.strip() for v in value.split(",") if v.strip()] if value else None

    with _open() as project:
        result = project.agreement(split(coders), split(codes), unit)
    if format is AgreementFormat.json:
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        typer.echo(result.render())


@app.command()
def merge(
    other: Annotated[Path, typer.Argument(help="Another copy of this project (a folder)")],
) -> None:
    """Bring in another coder's copy: codings, memos and new codes; all or nothing."""
    with _open() as project:
        report = project.merge(other)
    for line in report.lines():
        typer.echo(line, err=line.startswith("note"))


@app.command()
def code(
    transcript: Annotated[
        str | None, typer.Argument(help="Transcript to open (default: the transcript list)")
    ] = None,
    coder: Annotated[
        str | None,
        typer.Option(help="Your coder name (default: CODEBOOK_CODER, USER, or the app asks)"),
    ] = None,
) -> None:
    """Open the coding workbench (the terminal UI)."""
    import os

    from codebook.tui.app import CodebookApp

    coder = (coder or os.environ.get("CODEBOOK_CODER") or os.environ.get("USER") or "").strip()
    with _open() as project:
        if transcript is not None:
            project.transcript(transcript)  # a clear error before the screen takes over
        CodebookApp(project, coder or None, transcript).run()


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on", min=1, max=65535)] = 8000,
    coder: Annotated[
        str | None, typer.Option(help="Code as this coder in every tab (default: each tab asks)")
    ] = None,
    transcript: Annotated[
        str | None, typer.Option(help="Transcript to open (default: the transcript list)")
    ] = None,
) -> None:
    """Serve the coding workbench to web browsers (one session, and coder, per browser tab)."""
    from codebook.tui.serve import serve as serve_app

    coder = (coder or "").strip() or None
    with _open() as project:  # a clear error now, not in every browser tab
        if transcript is not None:
            project.transcript(transcript)
        root = project.root
    who = f"as coder {coder}" if coder else "(each browser tab asks who is coding)"
    typer.echo(f"codebook: serving {root.resolve()} {who} on http://{host}:{port}")
    serve_app(root, coder, host, port, transcript)


@app.command()
def suggest(
    transcript: Annotated[
        str | None, typer.Option(help="Only this transcript (default: all)")
    ] = None,
    top: Annotated[int, typer.Option(help="Codes per segment", min=1)] = 3,
    coder: Annotated[
        str | None, typer.Option(help="Segments this coder has not coded (default: nobody has)")
    ] = None,
    format: Annotated[Format, typer.Option("--format", "-f")] = Format.table,
) -> None:
    """Suggested codes for every uncoded segment, with the reasons (retrains first if needed)."""
    with _open() as project:
        project.retrain()
        frame = project.suggestions(transcript, top, coder)
    if format is Format.table:
        frame = frame.drop(columns="text").assign(why=frame["why"].str.slice(0, 90))
    _emit(frame, format)


class EvaluateFormat(StrEnum):
    table = "table"
    json = "json"


@app.command()
def evaluate(
    folds: Annotated[int, typer.Option(help="Folds, grouped by transcript")] = 5,
    coder: Annotated[
        str | None, typer.Option(help="Whose codings to evaluate (default: most codings)")
    ] = None,
    format: Annotated[EvaluateFormat, typer.Option("--format", "-f")] = EvaluateFormat.table,
) -> None:
    """Cross-validate the suggestions by transcript against most-frequent and keyword baselines."""
    from codebook.suggest.evaluate import render

    with _open() as project:
        report = project.evaluate(folds, coder)
    if format is EvaluateFormat.json:
        typer.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        typer.echo(render(report))


def main() -> None:
    command = typer.main.get_command(app)
    try:
        command.main(standalone_mode=False)
    except CodebookError as e:
        typer.echo(str(e), err=True)
        sys.exit(1)
    except click.exceptions.Abort:
        typer.echo("aborted", err=True)
        sys.exit(1)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)


if __name__ == "__main__":
    main()
