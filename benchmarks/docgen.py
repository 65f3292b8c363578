"""Generate PDF documents for the PDF reader's tests and benchmark (fpdf2, a dev dependency).

    python benchmarks/docgen.py OUT.pdf [--pages 100]

`lines_pdf` draws exactly the lines it is given (so a test decides where a line ends and which
word is hyphenated); `report_pdf` lays out a policy report of any length: a running header, page
numbers in the footer, headings, paragraphs wrapped with hyphenation at the soft hyphens of its
words, and every fifth page in two columns.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
SHY = "\u00ad"
TOP, BOTTOM, LEFT, WIDTH, LEADING = 25.0, 277.0, 20.0, 170.0, 5.2

_WORDS = (
    (
        "de gemeente wil dat ouders de informatie over vroeg|schoolse educatie beter kunnen vinden "
        "en dat de uit|voering van het beleid aansluit bij wat ge|zinnen nodig hebben "
        "medewerkers van het wijk|team en het Ouder-Kind Team helpen bij aanvragen en formulieren "
        "de toeslagen zijn inge|wikkeld en de brieven van de Belasting|dienst zijn lastig "
        "voor mensen met beperkte taal|vaardigheid of digitale vaardig|heden "
        "in de vve-instellingen en op de basis|scholen is er aandacht voor ouder|betrokkenheid "
        "het pro|gramma richt zich op inwoners die moeite hebben met lezen schrijven en rekenen "
        "de biblio|theek biedt spreekuren aan waar vrijwilligers helpen met de computer "
        "onder|zoek laat zien dat praktische toegang tot voor|zieningen een belangrijke "
        "voorwaarde is voor deel|name aan de samenleving"
    )
    .replace("|", SHY)
    .split()
)  # | marks where a word may break


def _font(pdf, size: float, bold: bool = False) -> None:
    if FONT.exists():
        pdf.set_font("body-b" if bold else "body", size=size)
    else:
        pdf.set_font("helvetica", "B" if bold else "", size=size)


def _new_pdf():
    from fpdf import FPDF

    pdf = FPDF(unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    if FONT.exists():
        pdf.add_font("body", "", str(FONT))
        pdf.add_font("body-b", "", str(FONT.with_name("DejaVuSans-Bold.ttf")))
    pdf.set_compression(True)
    return pdf


def _furniture(pdf, header: str | None, number: int | None, footer: str | None = None) -> None:
    _font(pdf, 8)
    if header:
        pdf.text(LEFT, 14, header)
    if footer:
        pdf.text(LEFT, 288, footer)
    if number is not None:
        pdf.text(LEFT + WIDTH / 2, 288, str(number))


def lines_pdf(
    path: Path,
    pages: list[list[str]],
    header: str | None = None,
    numbers: bool = True,
    footer: str | None = None,
    password: str | None = None,
) -> Path:
    """One PDF page per list of lines; an empty line is a paragraph break (extra space), a line
    starting with `# ` a heading in bold."""
    pdf = _new_pdf()
    for n, lines in enumerate(pages, 1):
        pdf.add_page()
        _furniture(pdf, header, n if numbers else None, footer)
        y = TOP
        for line in lines:
            if not line:
                y += LEADING
                continue
            heading = line.startswith("# ")
            _font(pdf, 13 if heading else 10, heading)
            pdf.text(LEFT, y, line[2:] if heading else line)
            y += LEADING * (1.6 if heading else 1)
    if password:
        pdf.set_encryption(owner_password=password + "-owner", user_password=password)
    pdf.output(str(path))
    return path


def scan_pdf(path: Path, pages: int = 2) -> Path:
    """Pages that are only pictures of text, as a scanner writes them (no text layer)."""
    from PIL import Image, ImageDraw

    pdf = _new_pdf()
    for n in range(pages):
        image = Image.new("L", (620, 877), 255)
        draw = ImageDraw.Draw(image)
        for k in range(30):
            draw.text((40, 40 + 26 * k), f"Gescande regel {k} van pagina {n + 1}", fill=0)
        pdf.add_page()
        pdf.image(image, x=0, y=0, w=210, h=297)
    pdf.output(str(path))
    return path


def _wrap(pdf, words: list[str], width: float, cache: dict) -> list[str]:
    """Greedy line filling that breaks a word at a soft hyphen (drawn as '-') when it does not
    fit; widths of words are measured once per font."""

    def w(text: str) -> float:
        key = (pdf.font_family, pdf.font_size_pt, text)
        if key not in cache:
            cache[key] = pdf.get_string_width(text)
        return cache[key]

    space = w(" ")
    lines: list[str] = []
    line: list[str] = []
    used = 0.0
    for word in words:
        plain = word.replace(SHY, "")
        extra = (space if line else 0.0) + w(plain)
        if used + extra <= width:
            line.append(plain)
            used += extra
            continue
        parts = word.split(SHY)
        for k in range(len(parts) - 1, 0, -1):
            head = "".join(parts[:k]) + "-"
            if used + (space if line else 0.0) + w(head) <= width:
                lines.append(" ".join([*line, head]))
                line, used = ["".join(parts[k:])], w("".join(parts[k:]))
                break
        else:
            if line:
                lines.append(" ".join(line))
            line, used = [plain], w(plain)
    if line:
        lines.append(" ".join(line))
    return lines


def report_text(pages: int, seed: int = 3) -> list[tuple[str, list[str]]]:
    """(heading, paragraphs) sections, enough for `pages` pages."""
    rng = random.Random(seed)
    sections = []
    for s in range(pages * 3):
        paragraphs = []
        for _ in range(rng.randint(2, 4)):
            sentences = []
            for _ in range(rng.randint(2, 5)):
                words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 18))]
                sentences.append(" ".join(words).capitalize() + ".")
            paragraphs.append(" ".join(sentences))
        sections.append((f"{s + 1}. Bevindingen over het beleid, deel {s + 1}", paragraphs))
    return sections


def report_pdf(path: Path, pages: int = 100, title: str = "Evaluatie Taalhuis (fictief)") -> Path:
    """A policy report of `pages` pages: header, page numbers, headings, hyphenated paragraphs;
    every fifth page has two columns, written column after column as layout programs do."""
    pdf = _new_pdf()
    sections = report_text(pages)
    blocks: list[tuple[str, str]] = []  # (kind, text)
    for heading, paragraphs in sections:
        blocks.append(("h", heading))
        blocks += [("p", p) for p in paragraphs]
    k = 0
    widths: dict = {}
    for n in range(1, pages + 1):
        pdf.add_page()
        _furniture(pdf, title, n)
        columns = 2 if n % 5 == 0 else 1
        width = (WIDTH - 8) / 2 if columns == 2 else WIDTH
        for col in range(columns):
            x, y = LEFT + col * (width + 8), TOP
            while k < len(blocks):
                kind, text = blocks[k]
                _font(pdf, 12 if kind == "h" else 10, kind == "h")
                lines = _wrap(pdf, text.split(), width, widths)
                need = LEADING * (len(lines) + 1) * (1.4 if kind == "h" else 1)
                if y + need > BOTTOM and y > TOP:
                    break
                for line in lines:
                    pdf.text(x, y, line)
                    y += LEADING * (1.4 if kind == "h" else 1)
                y += LEADING * 0.8
                k += 1
    pdf.output(str(path))
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--pages", type=int, default=100)
    args = ap.parse_args()
    report_pdf(args.out, args.pages)


if __name__ == "__main__":
    main()
