"""A project made by an older version opens in this one: new tables and columns are added."""

from __future__ import annotations

import sqlite3

from codebook.store import Store


def test_an_older_store_gains_new_columns_and_keeps_its_rows(tmp_path):
    db = tmp_path / "project.sqlite"
    Store.open(db, create=True).close()
    con = sqlite3.connect(db)
    con.execute(
        "INSERT INTO transcripts (name, file_name, format, language, sha256, text, original, "
        "metadata, imported_at) VALUES ('t', 't.txt', 'txt', 'nl', 'x', 'Hallo.', x'00', '{}', "
        "'2026-01-01 00:00:00')"
    )
    con.execute('INSERT INTO segments (transcript_id, idx, start, "end") VALUES (1, 0, 0, 6)')
    con.execute("ALTER TABLE segments DROP COLUMN page")  # as a version before pages wrote it
    con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    store = Store.open(db)
    try:
        [segment] = store.segments()
        assert (segment.start, segment.end, segment.page) == (0, 6, None)
        assert int(store.get_meta("schema_version")) >= 1
    finally:
        store.close()
    columns = {r[1] for r in sqlite3.connect(db).execute("PRAGMA table_info(segments)")}
    assert "page" in columns
