"""codebook: a qualitative-research coding workbench. Start with `Project.open(path)`."""

from codebook.model import CodebookError
from codebook.project import Project

__all__ = ["CodebookError", "Project"]
__version__ = "0.1.0"
