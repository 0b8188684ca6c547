// The SQL of each migration. Layers follow dbt: `ingest_*` and `quarantine` record what
// was delivered, `stg_*` hold typed rows (snapshot sources with dbt-style validity
// columns), `ref_*` explain codes, `mart_*` are what the last run computed. Dates are
// integer Julian day numbers (`date(start_day)` prints them), persons are integer ids of
// the `person` table, which holds each pseudonym once. Its uniqueness is kept by the
// loader's in-memory index rather than a SQLite index, which would dominate load time.

import OutflowCore

package enum Schema {
    package static let v1 = """
        CREATE TABLE ingest_file (
            file_id         INTEGER PRIMARY KEY,
            source          TEXT NOT NULL,
            file_name       TEXT NOT NULL,
            sha256          TEXT NOT NULL UNIQUE,
            size_bytes      INTEGER NOT NULL,
            extraction_day  INTEGER,
            status          TEXT NOT NULL CHECK (status IN ('loaded', 'rejected', 'superseded')),
            error_code      TEXT,
            error           TEXT,
            rows_read       INTEGER NOT NULL DEFAULT 0,
            accepted        INTEGER NOT NULL DEFAULT 0,
            quarantined     INTEGER NOT NULL DEFAULT 0,
            encoding        TEXT,
            delimiter       TEXT,
            key_id          TEXT,
            unknown_columns TEXT,
            loaded_at       TEXT NOT NULL,
            run_id          TEXT
        );

        CREATE TABLE quarantine (
            file_id     INTEGER NOT NULL REFERENCES ingest_file (file_id),
            row_number  INTEGER NOT NULL,
            column_name TEXT,
            reason      TEXT NOT NULL,
            raw_value   TEXT
        );
        CREATE INDEX quarantine_file ON quarantine (file_id);

        CREATE TABLE person (
            person_id INTEGER PRIMARY KEY,
            pseudo_id TEXT NOT NULL
        );

        CREATE TABLE erasure (
            pseudo_sha256 TEXT PRIMARY KEY,
            erased_at     TEXT NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE stg_registration (
            file_id      INTEGER NOT NULL,
            person_id    INTEGER NOT NULL,
            group_id     TEXT NOT NULL,
            group_type   TEXT NOT NULL,
            organisation TEXT NOT NULL,
            role         INTEGER NOT NULL,
            start_day    INTEGER NOT NULL,
            end_day      INTEGER,
            end_reason   INTEGER,
            birth_year   INTEGER,
            district     TEXT,
            row_hash     INTEGER NOT NULL,
            valid_from   INTEGER NOT NULL,
            valid_to     INTEGER
        );
        CREATE INDEX stg_registration_current ON stg_registration (person_id, group_id, start_day) WHERE valid_to IS NULL;

        CREATE TABLE stg_decision (
            file_id          INTEGER NOT NULL,
            person_id        INTEGER NOT NULL,
            decision_id      TEXT NOT NULL,
            decision_day     INTEGER NOT NULL,
            start_day        INTEGER NOT NULL,
            end_day          INTEGER,
            product_category INTEGER NOT NULL,
            product_code     TEXT,
            provider         TEXT,
            municipality     TEXT,
            change_reason    INTEGER,
            row_hash         INTEGER NOT NULL,
            valid_from       INTEGER NOT NULL,
            valid_to         INTEGER
        );
        CREATE INDEX stg_decision_current ON stg_decision (decision_id) WHERE valid_to IS NULL;

        CREATE TABLE stg_family (
            file_id          INTEGER NOT NULL,
            parent_id        INTEGER NOT NULL,
            child_id         INTEGER NOT NULL,
            child_birth_year INTEGER,
            row_hash         INTEGER NOT NULL,
            valid_from       INTEGER NOT NULL,
            valid_to         INTEGER
        );
        CREATE INDEX stg_family_current ON stg_family (parent_id, child_id) WHERE valid_to IS NULL;

        CREATE TABLE stg_questionnaire (
            response_id   INTEGER PRIMARY KEY,
            file_id       INTEGER NOT NULL,
            person_id     INTEGER NOT NULL,
            group_id      TEXT NOT NULL DEFAULT '',
            role          INTEGER NOT NULL,
            wave          INTEGER NOT NULL,
            completed_day INTEGER NOT NULL,
            UNIQUE (person_id, wave, group_id)
        );

        CREATE TABLE stg_answer (
            response_id INTEGER NOT NULL,
            item        TEXT NOT NULL,
            answer      INTEGER NOT NULL,
            PRIMARY KEY (response_id, item)
        ) WITHOUT ROWID;

        CREATE TABLE ref_role (role INTEGER PRIMARY KEY, name TEXT NOT NULL);
        INSERT INTO ref_role VALUES (1, 'jongere'), (2, 'opvoeder');
        CREATE TABLE ref_end_reason (end_reason INTEGER PRIMARY KEY, name TEXT NOT NULL);
        INSERT INTO ref_end_reason VALUES (1, 'afgerond'), (2, 'voortijdig'), (3, 'verwezen'), (4, 'onbekend');
        CREATE TABLE ref_product_category (product_category INTEGER PRIMARY KEY, meaning TEXT NOT NULL, built_in_set TEXT NOT NULL);
        """ + ProductCategory.meanings.keys.sorted().map { code in
            let entry = ProductCategory.meanings[code]!
            return "INSERT INTO ref_product_category VALUES (\(code), '\(entry.meaning)', '\(entry.set)');"
        }.joined(separator: "\n")

    package static let v2 = """
        CREATE TABLE run_log (
            run_id      TEXT PRIMARY KEY,
            command     TEXT NOT NULL,
            started_at  TEXT NOT NULL,
            finished_at TEXT,
            as_of_day   INTEGER,
            status      TEXT NOT NULL,
            exit_status INTEGER,
            audit_json  TEXT
        );

        CREATE TABLE mart_cohort_entry (
            entry_id       INTEGER PRIMARY KEY,
            person_id      INTEGER NOT NULL,
            role           INTEGER NOT NULL,
            group_id       TEXT NOT NULL,
            group_type     TEXT NOT NULL,
            organisation   TEXT NOT NULL,
            district       TEXT,
            index_day      INTEGER NOT NULL,
            index_year     INTEGER NOT NULL,
            subject_count  INTEGER NOT NULL,
            follow_up_end  INTEGER NOT NULL,
            time_days      INTEGER NOT NULL,
            event          INTEGER NOT NULL,
            event_day      INTEGER,
            censor_reason  TEXT
        );

        CREATE TABLE mart_attrition (
            step             INTEGER PRIMARY KEY,
            reason           TEXT NOT NULL,
            entries          INTEGER NOT NULL,
            persons          INTEGER NOT NULL,
            excluded_entries INTEGER NOT NULL,
            excluded_persons INTEGER NOT NULL
        );

        CREATE VIEW v_decision AS
            SELECT d.decision_id, p.pseudo_id, date(d.decision_day) AS decision_date, date(d.start_day) AS start_date,
                   date(d.end_day) AS end_date, printf('%02d', d.product_category) AS product_category,
                   r.built_in_set, d.product_code, d.provider, d.municipality,
                   CASE WHEN d.change_reason IS NULL THEN NULL ELSE printf('%02d', d.change_reason) END AS change_reason,
                   date(d.valid_from) AS valid_from, date(d.valid_to) AS valid_to
            FROM stg_decision d JOIN person p USING (person_id)
            LEFT JOIN ref_product_category r USING (product_category);

        CREATE VIEW v_registration AS
            SELECT p.pseudo_id, g.group_id, g.group_type, g.organisation, ro.name AS role,
                   date(g.start_day) AS start_date, date(g.end_day) AS end_date, er.name AS end_reason,
                   g.birth_year, g.district, date(g.valid_from) AS valid_from, date(g.valid_to) AS valid_to
            FROM stg_registration g JOIN person p USING (person_id)
            JOIN ref_role ro USING (role) LEFT JOIN ref_end_reason er USING (end_reason);
        """

    /// Answers packed into their response: one character per item position (`ref_item`),
    /// `char(48 + answer)` or '.' when unanswered. One row per response instead of one per
    /// answer made the questionnaire load four times cheaper. `stg_answer` lives on as a view
    /// with its old columns.
    package static let v3 = """
        CREATE TABLE ref_item (
            position INTEGER PRIMARY KEY,
            item     TEXT NOT NULL UNIQUE
        );
        INSERT INTO ref_item (item) SELECT DISTINCT item FROM stg_answer ORDER BY item;
        ALTER TABLE stg_questionnaire ADD COLUMN answers TEXT NOT NULL DEFAULT '';
        UPDATE stg_questionnaire SET answers = rtrim(coalesce((
            SELECT group_concat(c, '') FROM (
                SELECT CASE WHEN a.answer IS NULL THEN '.' ELSE char(48 + a.answer) END AS c
                FROM ref_item r LEFT JOIN stg_answer a ON a.response_id = stg_questionnaire.response_id AND a.item = r.item
                ORDER BY r.position)), ''), '.');
        DROP TABLE stg_answer;
        CREATE VIEW stg_answer AS
            SELECT q.response_id, r.item, unicode(substr(q.answers, r.position, 1)) - 48 AS answer
            FROM stg_questionnaire q JOIN ref_item r ON r.position <= length(q.answers)
            WHERE substr(q.answers, r.position, 1) <> '.';
        """

    /// The SHA-256 last computed for each inbox file name, with the size and modification
    /// time the file had then, so a nightly run does not hash every earlier delivery again.
    package static let v4 = """
        CREATE TABLE inbox_file (
            file_name   TEXT PRIMARY KEY,
            size_bytes  INTEGER NOT NULL,
            modified_ns INTEGER NOT NULL,
            sha256      TEXT NOT NULL
        );
        """

    /// The output folder each job wrote its run folder into (`--out` or the pipeline's
    /// output), so an erasure can scrub every run folder ever written. Null for jobs before
    /// this migration and for jobs that write none.
    package static let v5 = """
        ALTER TABLE run_log ADD COLUMN output_folder TEXT;
        """

    /// The population source (BRP residents under the age limit, optional): one row per
    /// child, a snapshot source with the same validity columns as the others. `sex` is a
    /// small code (`ref_sex`); parents are person ids like every other person column.
    package static let v6 = """
        CREATE TABLE stg_population (
            file_id          INTEGER NOT NULL,
            person_id        INTEGER NOT NULL,
            birth_year       INTEGER NOT NULL,
            birth_month      INTEGER,
            sex              INTEGER,
            district         TEXT,
            registered_from  INTEGER,
            registered_until INTEGER,
            died_day         INTEGER,
            parent1_id       INTEGER,
            parent2_id       INTEGER,
            row_hash         INTEGER NOT NULL,
            valid_from       INTEGER NOT NULL,
            valid_to         INTEGER
        );
        CREATE INDEX stg_population_current ON stg_population (person_id) WHERE valid_to IS NULL;

        CREATE TABLE ref_sex (sex INTEGER PRIMARY KEY, name TEXT NOT NULL);
        INSERT INTO ref_sex VALUES (1, 'M'), (2, 'V'), (3, 'X');

        CREATE VIEW v_population AS
            SELECT p.pseudo_id, g.birth_year, g.birth_month, s.name AS sex, g.district,
                   date(g.registered_from) AS registered_from, date(g.registered_until) AS registered_until,
                   date(g.died_day) AS died, p1.pseudo_id AS parent1_pseudo_id, p2.pseudo_id AS parent2_pseudo_id,
                   date(g.valid_from) AS valid_from, date(g.valid_to) AS valid_to
            FROM stg_population g JOIN person p USING (person_id)
            LEFT JOIN ref_sex s USING (sex)
            LEFT JOIN person p1 ON p1.person_id = g.parent1_id
            LEFT JOIN person p2 ON p2.person_id = g.parent2_id;
        """

    /// What the operator needs beyond the registry: the contract columns each file delivered
    /// (a snapshot that drops one is refused), the names under which refused bytes were
    /// judged again (a refusal about a file's name is reconsidered once per new name), and
    /// who retried which refused file when (`outflow retry`).
    package static let v7 = """
        ALTER TABLE ingest_file ADD COLUMN delivered_columns TEXT;

        CREATE TABLE refused_name (
            sha256     TEXT NOT NULL,
            file_name  TEXT NOT NULL,
            source     TEXT NOT NULL,
            error_code TEXT NOT NULL,
            error      TEXT NOT NULL,
            judged_at  TEXT NOT NULL,
            run_id     TEXT,
            PRIMARY KEY (sha256, file_name)
        ) WITHOUT ROWID;

        CREATE TABLE retry_log (
            retry_id        INTEGER PRIMARY KEY,
            retried_at      TEXT NOT NULL,
            user_name       TEXT NOT NULL,
            file_name       TEXT NOT NULL,
            sha256          TEXT NOT NULL,
            source          TEXT NOT NULL,
            previous_code   TEXT,
            accepted_reason TEXT,
            outcome         TEXT NOT NULL CHECK (outcome IN ('loaded', 'rejected')),
            error_code      TEXT,
            error           TEXT
        );
        """

    /// Marts per run: `mart_cohort_entry` and `mart_attrition` carry the cut-off
    /// (`as_of_day`) and the job (`run_id`) their rows were computed for, so a report for
    /// another cut-off (`outflow report --as-of`) no longer replaces the nightly's rows; `as_of`
    /// is the cut-off as YYYY-MM-DD text, computed from `as_of_day`.
    /// `run_log.target` says where a job published: `latest` (a run folder `latest` was
    /// switched to) or `reports` (a folder under `reports/`). Rows already in the marts
    /// belong to the newest published job, which, before this version, always moved
    /// `latest`. `mart_attrition` is rebuilt, its key becoming (run_id, step); its columns
    /// keep their names. `v_latest_run` is the newest published `run` or `report` that moved
    /// `latest`, and `v_latest_cohort_entry`, `v_latest_attrition` its mart rows.
    package static let v8 = """
        ALTER TABLE run_log ADD COLUMN target TEXT;
        UPDATE run_log SET target = 'latest' WHERE status = 'published' AND command IN ('run', 'report', 'audit');

        ALTER TABLE mart_cohort_entry ADD COLUMN as_of_day INTEGER;
        ALTER TABLE mart_cohort_entry ADD COLUMN run_id TEXT;
        ALTER TABLE mart_cohort_entry ADD COLUMN as_of TEXT GENERATED ALWAYS AS (date(as_of_day)) VIRTUAL;

        CREATE TABLE mart_attrition_v8 (
            step             INTEGER NOT NULL,
            reason           TEXT NOT NULL,
            entries          INTEGER NOT NULL,
            persons          INTEGER NOT NULL,
            excluded_entries INTEGER NOT NULL,
            excluded_persons INTEGER NOT NULL,
            as_of_day        INTEGER,
            run_id           TEXT,
            as_of            TEXT GENERATED ALWAYS AS (date(as_of_day)) VIRTUAL,
            PRIMARY KEY (run_id, step)
        );
        INSERT INTO mart_attrition_v8 (step, reason, entries, persons, excluded_entries, excluded_persons)
            SELECT step, reason, entries, persons, excluded_entries, excluded_persons FROM mart_attrition;
        DROP TABLE mart_attrition;
        ALTER TABLE mart_attrition_v8 RENAME TO mart_attrition;

        CREATE VIEW v_latest_run AS
            SELECT run_id, as_of_day, date(as_of_day) AS as_of, command, finished_at, output_folder
            FROM run_log WHERE status = 'published' AND target = 'latest' AND command IN ('run', 'report')
            ORDER BY started_at DESC, run_id DESC LIMIT 1;

        UPDATE mart_cohort_entry SET run_id = (SELECT run_id FROM v_latest_run), as_of_day = (SELECT as_of_day FROM v_latest_run);
        UPDATE mart_attrition SET run_id = (SELECT run_id FROM v_latest_run), as_of_day = (SELECT as_of_day FROM v_latest_run);

        CREATE VIEW v_latest_cohort_entry AS
            SELECT * FROM mart_cohort_entry WHERE run_id = (SELECT run_id FROM v_latest_run);
        CREATE VIEW v_latest_attrition AS
            SELECT * FROM mart_attrition WHERE run_id = (SELECT run_id FROM v_latest_run);
        """
}
