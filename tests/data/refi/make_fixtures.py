"""Build the hostile and quirky REFI-QDA fixtures in this folder (run once; the files are kept).

python tests/data/refi/make_fixtures.py
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx

HERE = Path(__file__).parent
NS = 'xmlns="urn:QDA-XML:project:1.0"'
G = "{:08x}-0000-4000-8000-{:012x}"


def guid(n: int, braces: bool = False, upper: bool = False) -> str:
    g = G.format(n, n)
    g = g.upper() if upper else g
    return "{" + g + "}" if braces else g


def qde(body: str, extra: str = "") -> bytes:
    head = f'<?xml version="1.0" encoding="utf-8"?>{extra}'
    return f'{head}<Project {NS} name="t">{body}</Project>'.encode()


def zipped(members: dict[str, bytes], name: str) -> None:
    with zipfile.ZipFile(HERE / name, "w", zipfile.ZIP_DEFLATED) as z:
        for member, data in members.items():
            z.writestr(member, data)


MINIMAL = qde(
    f'<CodeBook><Codes><Code guid="{guid(1)}" name="A" isCodable="true"/></Codes></CodeBook>'
)

# XXE: an external entity that would read a local file
XXE = b"""<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="x"><CodeBook><Codes>
<Code guid="00000001-0000-4000-8000-000000000001" name="A" isCodable="true">
<Description>&secret;</Description></Code></Codes></CodeBook></Project>"""
zipped({"project.qde": XXE}, "xxe.qdpx")
(HERE / "xxe.qdc").write_bytes(
    XXE.replace(b"urn:QDA-XML:project:1.0", b"urn:QDA-XML:codebook:1.0")
    .replace(b"<Project ", b"<CodeBook ")
    .replace(b"</Project>", b"</CodeBook>")
    .replace(b"<CodeBook><Codes>", b"<Codes>")
    .replace(b"</Codes></CodeBook></CodeBook>", b"</Codes></CodeBook>")
    .replace(b"DOCTYPE Project", b"DOCTYPE CodeBook")
)
# a billion laughs without any external file
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE CodeBook [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>
<Code guid="00000001-0000-4000-8000-000000000001" name="&d;" isCodable="true"/>
</Codes></CodeBook>"""
(HERE / "laughs.qdc").write_bytes(LAUGHS)
zipped({"project.qde": MINIMAL, "../evil.txt": b"escaped"}, "zip-slip.qdpx")
zipped({"project.qde": MINIMAL, "/tmp/evil.txt": b"escaped"}, "absolute.qdpx")
zipped({"project.qde": MINIMAL, "sources/bomb.txt": bytes(20_000_000)}, "bomb.qdpx")
whole = io.BytesIO()
with zipfile.ZipFile(whole, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("project.qde", MINIMAL * 50)
    z.writestr("sources/a.txt", "tekst " * 5000)
(HERE / "truncated.qdpx").write_bytes(whole.getvalue()[: len(whole.getvalue()) // 2])
zipped({"project.qde": b"<html><body>not a project</body></html>"}, "not-refi.qdpx")
zipped({"project.qde": b"this is not xml at all <"}, "broken-xml.qdpx")
zipped({"readme.txt": b"no project here"}, "no-qde.qdpx")
(HERE / "not-refi.qdc").write_bytes(b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>')

# quirks (positions count code points of the file after its BOM, \r\n as two): \r\n, BOM,
# decomposed accent, braces and upper-case GUIDs, inner file not named project.qde, nested and
# non-codable codes, missing colours, overlapping selections,
# variables and cases, notes, an inline source, a .docx-only source, a PDF source
RAW = (
    "\ufeffI: Hoe gaat het?\r\nR: Goed. Mijn DigiD werkt niet.\r\n"
    "R: Cafe\u0301 en ëmoji 😀 hier.\r\n"
)
text_after_bom = RAW[1:]


def sel(n: int, a: int, b: int, code: int, user: int = 90, note: int | None = None) -> str:
    ref = f'<NoteRef targetGUID="{guid(note)}"/>' if note else ""
    return (
        f'<PlainTextSelection guid="{guid(n, braces=True)}" startPosition="{a}" endPosition="{b}">'
        f'<Coding guid="{guid(n + 500)}" creatingUser="{guid(user, braces=True)}">'
        f'<CodeRef targetGUID="{guid(code, upper=True)}"/>{ref}</Coding></PlainTextSelection>'
    )


def pos(s: str) -> int:
    return text_after_bom.index(s)


digid = pos("DigiD")
cafe = pos("Cafe")
emoji = pos("😀")
body = f"""
<Users><User guid="{guid(90, braces=True)}" name="anna"/><User guid="{guid(91)}" id="BK"/></Users>
<CodeBook><Codes>
 <Code guid="{guid(10)}" name="Drempels" isCodable="false">
  <Code guid="{{{guid(11).upper()}}}" name="Digitaal" isCodable="true" color="#0a0">
   <Description>Problemen met DigiD en apps.

Include: inloggen, apps
Examples:
- Mijn DigiD werkt niet.
Keywords: digid, app</Description></Code>
  <Code guid="{guid(12)}" name="Taal" isCodable="true"/>
 </Code>
 <Code guid="{guid(13)}" name="Gevoel" isCodable="false"/>
</Codes></CodeBook>
<Variables><Variable guid="{guid(70)}" name="Domein" typeOfVariable="Text"/>
<Variable guid="{guid(71)}" name="Leeftijd" typeOfVariable="Integer"/></Variables>
<Cases><Case guid="{guid(80)}" name="Fam 1"><VariableValue><VariableRef targetGUID="{guid(71)}"/>
<IntegerValue>42</IntegerValue></VariableValue><SourceRef targetGUID="{guid(20)}"/></Case></Cases>
<Sources>
 <TextSource guid="{guid(20, braces=True)}" name="Interview één" plainTextPath="internal://{guid(20)}.txt">
  {sel(30, digid, digid + 5, 11, note=60)}
  {sel(31, pos("Mijn"), pos("werkt niet.") + 11, 12, user=91)}
  {sel(32, cafe, cafe + 5, 13)}
  {sel(33, emoji, emoji + 1, 11)}
  {sel(34, 5, 9999, 11)}
  <NoteRef targetGUID="{guid(61)}"/>
  <VariableValue><VariableRef targetGUID="{guid(70)}"/>
  <TextValue>opvoeding</TextValue></VariableValue>
 </TextSource>
 <TextSource guid="{guid(21)}" name="Inline">
  <PlainTextContent>R: Alles via de app.</PlainTextContent>
  {sel(35, 16, 19, 11)}</TextSource>
 <TextSource guid="{guid(22)}" name="Alleen docx" richTextPath="internal://{guid(22)}.docx"/>
 <PDFSource guid="{guid(23)}" name="Folder" path="internal://{guid(23)}.pdf"/>
</Sources>
<Notes>
 <Note guid="{guid(60)}" name="n1" creatingUser="{guid(90)}">
  <PlainTextContent>Let op: DigiD.</PlainTextContent></Note>
 <Note guid="{guid(61)}" name="n2" creatingUser="{guid(91)}">
  <PlainTextContent>Goed interview.</PlainTextContent></Note>
 <Note guid="{guid(62)}" name="n3"><PlainTextContent>Projectnotitie.</PlainTextContent></Note>
</Notes>
"""
document = docx.Document()
document.add_paragraph("I: Heeft u hulp?")
document.add_paragraph("R: Ja, van de bibliotheek.")
buf = io.BytesIO()
document.save(buf)
zipped(
    {
        "Mijn project.qde": qde(body),
        f"sources/{guid(20)}.txt": RAW.encode("utf-8"),
        f"sources/{guid(22)}.docx": buf.getvalue(),
    },
    "quirks.qdpx",
)
