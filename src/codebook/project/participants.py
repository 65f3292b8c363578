"""Participants (cases): who speaks under each speaker label, their attributes, and who is
the interviewer. The frames resolve a segment's attributes from these (`analysis.frames`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from codebook.lazy import lazy
from codebook.model import (
    CodebookError,
    Participant,
    Speaker,
    Transcript,
    check_name,
    is_interviewer,
    segment_attributes,
)

pd = lazy("pandas")  # loaded when a table is made, not when the project opens


@dataclass
class ParticipantsImport:
    created: int
    updated: int
    speakers: int
    file: str

    def lines(self) -> list[str]:
        return [
            f"{self.created} participant(s) created, {self.updated} updated, "
            f"{self.speakers} speaker(s) set from {self.file}"
        ]


class Participants:
    def participants(self) -> list[Participant]:
        return self.store.participants()

    def speakers(self, transcript: Transcript | None = None) -> list[Speaker]:
        """The speaker labels in use (of one transcript, or all), with participant and flag."""
        return self.store.speakers(transcript.id if transcript else None)

    def speakers_table(self, resolved: bool = True) -> pd.DataFrame:
        """One row per speaker label of every transcript: participant, the participant's own
        attributes, interviewer, segments. `interviewer` is yes/no as decided (`resolved`), or
        as the participants CSV writes it: `yes`, `no` only where it overrides the label rule,
        else empty."""
        names = {t.id: t.name for t in self.store.transcripts()}
        people = {p.name: p.attributes for p in self.store.participants()}
        attributes = list(self.codebook.attributes)
        rows = []
        for sp, n in self.store.speaker_rows():
            own = people.get(sp.participant, {})
            asked = sp.is_interviewer
            if resolved:
                flag = "yes" if asked else "no"
            else:
                flag = "yes" if asked else ("no" if is_interviewer(sp.label) else "")
            rows.append(
                {
                    "transcript": names[sp.transcript_id],
                    "speaker": sp.label,
                    "participant": sp.participant or "",
                    **{k: own.get(k, "") for k in attributes},
                    "interviewer": flag,
                    "segments": n,
                }
            )
        columns = ["transcript", "speaker", "participant", *attributes, "interviewer", "segments"]
        table = pd.DataFrame(rows, columns=columns)
        return table.sort_values(["transcript", "speaker"], kind="stable", ignore_index=True)

    def participants_table(self) -> pd.DataFrame:
        """One row per participant: their own attributes, where they speak, how much."""
        names = {t.id: t.name for t in self.store.transcripts()}
        where: dict[str, list[str]] = {}
        said: dict[str, int] = {}
        for sp, n in self.store.speaker_rows():
            if sp.participant:
                where.setdefault(sp.participant, []).append(
                    f"{names[sp.transcript_id]}: {sp.label}"
                )
                said[sp.participant] = said.get(sp.participant, 0) + n
        attributes = list(self.codebook.attributes)
        rows = [
            {
                "participant": p.name,
                **{k: p.attributes.get(k, "") for k in attributes},
                **{k: v for k, v in p.attributes.items() if k not in attributes},
                "speaks_in": "; ".join(where.get(p.name, [])),
                "segments": said.get(p.name, 0),
            }
            for p in self.store.participants()
        ]
        columns = ["participant", *attributes, "speaks_in", "segments"]
        extra = sorted({k for r in rows for k in r} - set(columns))
        return pd.DataFrame(rows, columns=columns[:-2] + extra + columns[-2:])

    def import_participants(self, path: str | Path) -> ParticipantsImport:
        """Read a participants CSV (see `interchange.participants_csv`), all or nothing."""
        from codebook.interchange import participants_csv

        path = Path(path)
        transcripts = self.store.transcripts()
        labels: dict[int, set[str]] = {}
        for sp in self.store.speakers():
            labels.setdefault(sp.transcript_id, set()).add(sp.label)
        plan = participants_csv.read(path, transcripts, labels, self.codebook)
        self.auto_backup("import")
        counts = self.store.write_participants(plan.participants, plan.speakers)
        return ParticipantsImport(
            counts["created"], counts["updated"], counts["speakers"], path.name
        )

    def export_participants(self, path: str | Path) -> int:
        """Every speaker of every transcript as a participants CSV (to fill in and import)."""
        from codebook.interchange import participants_csv

        table = self.speakers_table(resolved=False).drop(columns="segments")
        named = {n for n in table["participant"] if n}
        alone = [p for p in self.store.participants() if p.name not in named]
        extra = pd.DataFrame(
            [
                {"transcript": "", "speaker": "", "participant": p.name, "interviewer": "",
                 **{k: p.attributes.get(k, "") for k in self.codebook.attributes}}
                for p in alone
            ],
            columns=table.columns,
        )  # fmt: skip
        table = pd.concat([table, extra], ignore_index=True) if len(extra) else table
        return participants_csv.write(table, Path(path))

    def assign_speaker(
        self,
        transcript: Transcript,
        label: str,
        participant: str | None = None,
        interviewer: bool | None = None,
        attributes: dict[str, str] | None = None,
    ):
        """Say who speaks under `label` in `transcript` (a participant, created with
        `attributes` when new) and whether it is the interviewer (None: the label decides).
        One transaction; returns the change for `undo_speaker`."""
        if label not in {sp.label for sp in self.store.speakers(transcript.id)}:
            raise CodebookError(f"transcript '{transcript.name}' has no speaker '{label}'")
        if participant:
            participant = check_name(participant, "participant name")
        if attributes:
            if not participant:
                raise CodebookError("attribute values need a participant")
            self.codebook.check_attributes(attributes, participant)
        return self.store.set_speaker(transcript.id, label, participant, interviewer, attributes)

    def interviewer_segments(self) -> int:
        """How many segments the interviewer speaks: what analyses leave out by default."""
        return sum(n for sp, n in self.store.speaker_rows() if sp.is_interviewer)

    def undo_speaker(self, change) -> None:
        self.store.undo_speaker(change)

    def speaker_info(self, transcript: Transcript, label: str | None) -> dict:
        """Who speaks under `label`: participant, interviewer, and the segment's resolved
        attributes (the rule of `model.segment_attributes`), for the coding screen."""
        found = {sp.label: sp for sp in self.store.speakers(transcript.id)}
        sp = found.get(label) if label else None
        own = {}
        if sp is not None and sp.participant:
            own = next(
                (p.attributes for p in self.store.participants() if p.name == sp.participant), {}
            )
        return {
            "speaker": label,
            "participant": sp.participant if sp else None,
            "interviewer": sp.is_interviewer if sp else is_interviewer(label),
            "attributes": segment_attributes(transcript.attributes, own),
        }

    def speaker_infos(self, transcript: Transcript) -> dict[str, dict]:
        """`speaker_info` of every speaker label of `transcript`, in one pass."""
        own = {p.name: p.attributes for p in self.store.participants()}
        return {
            sp.label: {
                "speaker": sp.label,
                "participant": sp.participant,
                "interviewer": sp.is_interviewer,
                "attributes": segment_attributes(
                    transcript.attributes, own.get(sp.participant, {})
                ),
            }
            for sp in self.store.speakers(transcript.id)
        }

    def segment_attributes(self, transcript: Transcript) -> list[tuple[int, dict[str, str]]]:
        """(start, resolved attributes) of each segment of `transcript`, in text order."""
        infos = self.speaker_infos(transcript)
        return [
            (g.start, infos[g.speaker]["attributes"] if g.speaker in infos else
             dict(transcript.attributes))
            for g in self.store.segments(transcript.id)
        ]  # fmt: skip

    def participant_values(self, transcripts: list[Transcript]) -> dict[str, dict[str, list]]:
        """Per transcript name and attribute: the values of the respondents speaking in it."""
        rows = self.store.participant_rows()
        names = dict(rows["participants"])
        own: dict[int, dict[str, str]] = {}
        for pid, key, value in rows["participant_attributes"]:
            own.setdefault(pid, {})[key] = value
        by_id = {t.id: t.name for t in transcripts}
        out: dict[str, dict[str, list]] = {}
        for tid, label, pid, flag in sorted(rows["speakers"], key=lambda r: (r[0], str(r[1]))):
            if pid is None or pid not in names or is_interviewer(label, flag) or tid not in by_id:
                continue
            mine = out.setdefault(by_id[tid], {})
            for key, value in sorted(own.get(pid, {}).items()):
                mine.setdefault(key, []).append(value)
        declared = self.codebook.attributes
        for values in out.values():  # in the order the codebook gives the values
            for key, found in values.items():
                order = {
                    v: i for i, v in enumerate(declared[key].values if key in declared else [])
                }
                found.sort(key=lambda v, order=order: (order.get(v, len(order)), v))
        return out
