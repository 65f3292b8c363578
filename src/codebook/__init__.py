"""codebook: a qualitative-research coding workbench. Start with `Project.open(path)`."""

from codebook.model import CodebookError

__all__ = ["CodebookError", "Project"]
__version__ = "0.1.0"


def __getattr__(name: str):
    # `Project` pulls in pandas and the store; importing any submodule (the CLI's `--help`
    # among them) should not pay for that.
    if name == "Project":
        from codebook.project import Project

        return Project
    raise AttributeError(f"module 'codebook' has no attribute {name!r}")
