//! The schema of the database, one step per version.

/// The schema, one step per version. A step is never edited once released: a database made by
/// an older `hailong` is brought forward by running the steps it lacks, in one transaction each.
pub const MIGRATIONS: &[&str] = &[
    // 1: responses, devices, staff, single-use tokens and certificates.
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
     CREATE TABLE responses (
         response_id TEXT PRIMARY KEY,
         survey_id TEXT NOT NULL,
         survey_version TEXT NOT NULL,
         submitted_at TEXT NOT NULL,
         unit TEXT,
         counter TEXT,
         channel TEXT NOT NULL,
         record_json TEXT NOT NULL,
         content_sha256 TEXT NOT NULL,
         server_flag TEXT,
         source TEXT NOT NULL,
         received_at TEXT NOT NULL
     ) STRICT;
     CREATE INDEX responses_by_survey ON responses (survey_id, survey_version, submitted_at);
     CREATE TABLE devices (
         name TEXT PRIMARY KEY,
         token_sha256 TEXT NOT NULL UNIQUE,
         added_at TEXT NOT NULL
     ) STRICT;
     CREATE TABLE users (
         name TEXT PRIMARY KEY,
         password_hash TEXT NOT NULL,
         added_at TEXT NOT NULL
     ) STRICT;
     CREATE TABLE tokens (
         token_sha256 TEXT PRIMARY KEY,
         dossier_sha256 TEXT UNIQUE,
         unit TEXT,
         counter TEXT,
         issued_at TEXT NOT NULL,
         used_by TEXT REFERENCES responses (response_id),
         used_at TEXT
     ) STRICT;
     CREATE TABLE certificates (
         survey_id TEXT NOT NULL,
         survey_version TEXT NOT NULL,
         period TEXT NOT NULL,
         certificate_json TEXT NOT NULL,
         PRIMARY KEY (survey_id, survey_version, period)
     ) STRICT;",
    // 2: a device's token can be revoked; its row stays, so that the responses it sent still
    // name it and its name is never given to another kiosk.
    "ALTER TABLE devices ADD COLUMN revoked_at TEXT;",
    // 3: one server for a city. Units form a tree with names; counters have names within their
    // unit, fields (lĩnh vực) across the server. An account has a role over a unit and all below
    // it; accounts made before this step had the whole server, so they stay administrators of
    // it (unit NULL). A kiosk may be bound to its unit and counter. Browser sessions are kept
    // hashed; the audit log is a chain of entries, each carrying the SHA-256 of the one before.
    "CREATE TABLE units (
         code TEXT PRIMARY KEY,
         parent TEXT REFERENCES units (code),
         name_vi TEXT NOT NULL,
         name_en TEXT,
         added_at TEXT NOT NULL
     ) STRICT;
     CREATE TABLE counters (
         unit TEXT NOT NULL REFERENCES units (code),
         code TEXT NOT NULL,
         name_vi TEXT NOT NULL,
         name_en TEXT,
         PRIMARY KEY (unit, code)
     ) STRICT;
     CREATE TABLE fields (
         code TEXT PRIMARY KEY,
         name_vi TEXT NOT NULL,
         name_en TEXT
     ) STRICT;
     ALTER TABLE users ADD COLUMN role TEXT NOT NULL DEFAULT 'admin';
     ALTER TABLE users ADD COLUMN unit TEXT REFERENCES units (code);
     ALTER TABLE devices ADD COLUMN unit TEXT;
     ALTER TABLE devices ADD COLUMN counter TEXT;
     ALTER TABLE devices ADD COLUMN survey_id TEXT;
     ALTER TABLE devices ADD COLUMN config_version INTEGER NOT NULL DEFAULT 1;
     CREATE TABLE pairings (
         code_sha256 TEXT PRIMARY KEY,
         device TEXT NOT NULL REFERENCES devices (name),
         expires_at INTEGER NOT NULL,
         used_at TEXT
     ) STRICT;
     CREATE TABLE sessions (
         token_sha256 TEXT PRIMARY KEY,
         user TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
         csrf TEXT NOT NULL,
         created_at INTEGER NOT NULL,
         last_seen INTEGER NOT NULL
     ) STRICT;
     CREATE TABLE audit (
         seq INTEGER PRIMARY KEY,
         at TEXT NOT NULL,
         actor TEXT NOT NULL,
         address TEXT NOT NULL,
         action TEXT NOT NULL,
         unit TEXT,
         target TEXT NOT NULL,
         prev_sha256 TEXT NOT NULL,
         sha256 TEXT NOT NULL
     ) STRICT;",
    // 4: each unit certifies its own periods (its responses and those of every unit below it);
    // '' stands for the whole server, which is what every certificate before this step locked.
    // The dossiers a unit received in a period, per field ('' for no field), are kept with it.
    "CREATE TABLE unit_certificates (
         survey_id TEXT NOT NULL,
         survey_version TEXT NOT NULL,
         period TEXT NOT NULL,
         unit TEXT NOT NULL,
         certificate_json TEXT NOT NULL,
         PRIMARY KEY (survey_id, survey_version, period, unit)
     ) STRICT;
     INSERT INTO unit_certificates SELECT survey_id, survey_version, period, '', certificate_json FROM certificates;
     DROP TABLE certificates;
     ALTER TABLE unit_certificates RENAME TO certificates;
     CREATE TABLE dossiers (
         unit TEXT NOT NULL,
         period TEXT NOT NULL,
         field TEXT NOT NULL,
         dossiers INTEGER NOT NULL CHECK (dossiers >= 0),
         PRIMARY KEY (unit, period, field)
     ) STRICT;",
    // 5: the server sets a kiosk's opening hours (seven days, JSON) and its counter's officers
    // (JSON) with the one on duty; NULL leaves them to the kiosk's own staff.
    "ALTER TABLE devices ADD COLUMN week_hours TEXT;
     ALTER TABLE devices ADD COLUMN officers TEXT;
     ALTER TABLE devices ADD COLUMN on_duty TEXT;",
    // 6: a low rating followed up by a unit's leader: when, by whom, and what was done.
    "CREATE TABLE followups (
         response_id TEXT PRIMARY KEY REFERENCES responses (response_id),
         unit TEXT,
         followed_at TEXT NOT NULL,
         followed_by TEXT NOT NULL,
         note TEXT NOT NULL
     ) STRICT;",
    // 7: a unit's own account of what it did about what citizens said in a period ("Kết quả
    // tiếp thu, giải quyết"), which its published page shows.
    "CREATE TABLE replies (
         unit TEXT NOT NULL,
         period TEXT NOT NULL,
         text TEXT NOT NULL,
         written_by TEXT NOT NULL,
         written_at TEXT NOT NULL,
         PRIMARY KEY (unit, period)
     ) STRICT;",
    // 8: what citizens wrote, sorted by staff: a unit's own list of topics (JSON), and each
    // comment's topics (JSON) and whether it may be quoted.
    "CREATE TABLE topics (
         unit TEXT PRIMARY KEY,
         topics TEXT NOT NULL
     ) STRICT;
     CREATE TABLE comment_tags (
         response_id TEXT NOT NULL REFERENCES responses (response_id),
         question_id TEXT NOT NULL,
         unit TEXT,
         topics TEXT NOT NULL,
         quotable INTEGER NOT NULL,
         tagged_by TEXT NOT NULL,
         tagged_at TEXT NOT NULL,
         PRIMARY KEY (response_id, question_id)
     ) STRICT;",
    // 9: the daily digest of low ratings: the addresses a unit's leader set, and the days a
    // unit's digest was sent (so that it is sent once a day).
    "CREATE TABLE digest_addresses (
         unit TEXT PRIMARY KEY,
         addresses TEXT NOT NULL
     ) STRICT;
     CREATE TABLE digests_sent (
         unit TEXT NOT NULL,
         day TEXT NOT NULL,
         sent_at TEXT NOT NULL,
         PRIMARY KEY (unit, day)
     ) STRICT;",
    // 10: a certificate withdrawn is kept, with when, by whom and why, and its page says so;
    // the period can then be certified again.
    "CREATE TABLE withdrawn_certificates (
         survey_id TEXT NOT NULL,
         survey_version TEXT NOT NULL,
         period TEXT NOT NULL,
         unit TEXT NOT NULL,
         certificate_json TEXT NOT NULL,
         withdrawn_at TEXT NOT NULL,
         withdrawn_by TEXT NOT NULL,
         reason TEXT NOT NULL
     ) STRICT;",
    // 11: tallies kept per day and month as responses arrive (`survey::results::kept`), so that
    // a figure costs the rows it shows; each response's Vietnam day, and whether it is a low
    // rating to follow up, kept with it so that a period or its low ratings are read alone; and
    // how many responses each sender (a kiosk) sent, for the kiosks list. The
    // responses of an older database are counted, and their days and marks filled in, by
    // `hailong serve` at start (it knows the surveys); `meta` says they are to be.
    "ALTER TABLE responses ADD COLUMN day TEXT;
     ALTER TABLE responses ADD COLUMN low INTEGER;
     CREATE INDEX responses_by_day ON responses (day, unit);
     CREATE INDEX responses_low ON responses (day, unit) WHERE low = 1;
     CREATE TABLE kept_layouts (
         id INTEGER PRIMARY KEY,
         survey_id TEXT NOT NULL,
         survey_version TEXT NOT NULL,
         layout TEXT NOT NULL,
         UNIQUE (survey_id, survey_version, layout)
     ) STRICT;
     CREATE TABLE kept_counts (
         span TEXT NOT NULL,
         start TEXT NOT NULL,
         unit TEXT NOT NULL,
         counter TEXT NOT NULL,
         staff TEXT NOT NULL,
         field TEXT NOT NULL,
         channel TEXT NOT NULL,
         misuse INTEGER NOT NULL,
         survey_id TEXT NOT NULL,
         survey_version TEXT NOT NULL,
         layout INTEGER NOT NULL REFERENCES kept_layouts (id),
         cells BLOB NOT NULL,
         PRIMARY KEY (span, start, unit, counter, staff, field, channel, misuse, survey_id, survey_version, layout)
     ) STRICT, WITHOUT ROWID;
     CREATE TABLE received_by_source (
         source TEXT PRIMARY KEY,
         responses INTEGER NOT NULL,
         last_received_at TEXT NOT NULL
     ) STRICT;
     INSERT INTO received_by_source
         SELECT source, count(*), max(received_at) FROM responses GROUP BY source;
     INSERT INTO meta (key, value) SELECT 'kept: to build', 'yes' FROM responses LIMIT 1;",
    // 12: whether a response holds words (a comment, or the text of "Khác"), so that comments
    // are read alone; a survey's responses in the order of their time and id, for an export read
    // in parts. The responses of an older database are marked again by `hailong serve` at start.
    "ALTER TABLE responses ADD COLUMN commented INTEGER;
     CREATE INDEX responses_commented ON responses (day, unit) WHERE commented = 1;
     DROP INDEX responses_by_survey;
     CREATE INDEX responses_by_survey ON responses (survey_id, survey_version, submitted_at, response_id);
     INSERT OR REPLACE INTO meta (key, value) SELECT 'kept: to build', 'yes' FROM responses LIMIT 1;",
];
