-- schema.sql: the fact store behind the report scripts (out/facts.db).
--
-- Every figure is stored with its source document (sources.seed names the
-- seed file it comes from) and a locator: the label of a section of that
-- document, defined in `sections`.  tests/e2e/facts.py reads the seed,
-- finds the section by its anchor and checks each stored figure against the
-- text there.  See README.md beside this file.
--
-- build.sh creates these tables, loads one CSV per table (same name, same
-- columns in the same order) and turns empty CSV fields into NULL.  The
-- tables are STRICT, so a malformed number in a CSV stops the build.

PRAGMA foreign_keys = ON;

-- The source documents.  id is a short stable key used by every other table.
-- seed is NULL only for a source that is no seed document (a data
-- delivery imported with `reportc facts import`, the synthetic example in
-- example/); its note then says what it is.
CREATE TABLE sources (
  id        TEXT PRIMARY KEY,
  seed      TEXT UNIQUE,            -- seed file name, e.g. 000_90bacdf14c949b4d.txt
  title     TEXT,
  publisher TEXT,
  published TEXT,                   -- YYYY-MM-DD, YYYY-MM or YYYY
  author    TEXT,
  kind      TEXT,                   -- 研究报告, 演讲, 期刊论文, 会议报道, 评论文章
  note      TEXT,
  CHECK (published IS NULL OR published GLOB '[12][0-9][0-9][0-9]*'),
  CHECK (seed IS NOT NULL OR note IS NOT NULL)
) STRICT;

-- The sections of each source, in document order.  A locator elsewhere is
-- a (source_id, locator) pair from this table.  anchor is a short verbatim
-- piece of the section's heading (or first words) as the seed writes it,
-- compared with all whitespace removed; it is searched for after the
-- previous section's anchor (nth: which occurrence counts, for headings the
-- table of contents repeats).  A section runs up to the next one's anchor.
CREATE TABLE sections (
  source_id TEXT NOT NULL REFERENCES sources(id),
  ord       INTEGER NOT NULL,
  locator   TEXT NOT NULL,
  anchor    TEXT NOT NULL,
  nth       INTEGER NOT NULL DEFAULT 1 CHECK (nth >= 1),
  PRIMARY KEY (source_id, locator),
  UNIQUE (source_id, ord)
) STRICT;

-- ITU Global Cybersecurity Index standing, one row per country and year.
CREATE TABLE gci (
  year        INTEGER NOT NULL,
  iso3        TEXT NOT NULL CHECK (length(iso3) = 3 AND iso3 = upper(iso3)),
  country_zh  TEXT NOT NULL,        -- short standard Chinese name, as the seed writes it
  country_en  TEXT,
  rank_global INTEGER NOT NULL CHECK (rank_global > 0),
  score       REAL CHECK (score IS NULL OR score BETWEEN 0 AND 100),
  rank_asean  INTEGER CHECK (rank_asean IS NULL OR rank_asean BETWEEN 1 AND 10),
  tier        TEXT,
  source_id   TEXT NOT NULL REFERENCES sources(id),
  locator     TEXT NOT NULL,
  note        TEXT,
  PRIMARY KEY (year, iso3),
  UNIQUE (year, rank_global),
  FOREIGN KEY (source_id, locator) REFERENCES sections(source_id, locator)
) STRICT;

-- Generic figures.  value is the number as the seed writes it, in `unit`
-- (545 with unit 亿元, 1.4 with unit 万亿美元); as_written is that figure
-- exactly as it appears in the seed (e.g. 2万多个, 80%, 第六, 三百多人);
-- cue is a short piece of seed text just before it that ties it to its
-- label (the figure is the first number after the cue).  value is NULL only
-- for a figure the seed does not give as a number (数百亿); note says why.
CREATE TABLE facts (
  id         TEXT PRIMARY KEY,
  topic      TEXT NOT NULL,
  subject    TEXT NOT NULL,
  metric     TEXT NOT NULL,
  period     TEXT,
  value      REAL,
  unit       TEXT NOT NULL,
  qualifier  TEXT,                  -- 约, 超过, 不足, 接近, 近, 多, 余, 以上, 左右, 至少 ... as the seed has it
  source_id  TEXT NOT NULL REFERENCES sources(id),
  locator    TEXT NOT NULL,
  note       TEXT,
  as_written TEXT NOT NULL,
  cue        TEXT,
  CHECK (value IS NOT NULL OR note IS NOT NULL),
  FOREIGN KEY (source_id, locator) REFERENCES sections(source_id, locator)
) STRICT;

-- Market shares by segment (percent of the whole market of `scope`).
CREATE TABLE market_share (
  year      INTEGER NOT NULL,
  scope     TEXT NOT NULL CHECK (scope IN ('CN', 'WORLD')),
  segment   TEXT NOT NULL,          -- Chinese segment name
  share_pct REAL NOT NULL CHECK (share_pct BETWEEN 0 AND 100),
  source_id TEXT NOT NULL REFERENCES sources(id),
  locator   TEXT NOT NULL,
  cue       TEXT,
  note      TEXT,
  PRIMARY KEY (year, scope, segment),
  FOREIGN KEY (source_id, locator) REFERENCES sections(source_id, locator)
) STRICT;

-- Size of the cybersecurity industry of a country or region.  scope: CN
-- (China), CN-BJ (Beijing), APAC-MATURE / APAC-EMERGING (the report's
-- mature and emerging Asia-Pacific markets).  year is NULL when the seed
-- does not date the figure.  growth_pct is the year-on-year growth the seed
-- gives with the figure.
CREATE TABLE industry_size (
  year       INTEGER,
  scope      TEXT NOT NULL,
  value      REAL NOT NULL,
  unit       TEXT NOT NULL,
  growth_pct REAL,
  qualifier  TEXT,
  source_id  TEXT NOT NULL REFERENCES sources(id),
  locator    TEXT NOT NULL,
  cue        TEXT,
  note       TEXT,
  FOREIGN KEY (source_id, locator) REFERENCES sections(source_id, locator)
) STRICT;

-- Funding rounds by size band.
CREATE TABLE funding_rounds (
  year       INTEGER NOT NULL,
  round_size TEXT NOT NULL,         -- band as the seed labels it: 亿级, 千万级, 百万级
  count      INTEGER CHECK (count IS NULL OR count >= 0),
  share_pct  REAL CHECK (share_pct IS NULL OR share_pct BETWEEN 0 AND 100),
  sort_order INTEGER NOT NULL,      -- 1 = largest band
  source_id  TEXT NOT NULL REFERENCES sources(id),
  locator    TEXT NOT NULL,
  unit       TEXT NOT NULL DEFAULT '起',
  note       TEXT,
  PRIMARY KEY (year, round_size),
  UNIQUE (year, sort_order),
  FOREIGN KEY (source_id, locator) REFERENCES sections(source_id, locator)
) STRICT;

-- Dated events, as a timeline.  date is YYYY-MM-DD, YYYY-MM or YYYY, as
-- precise as the seed allows; date_as_written is the date as the seed
-- writes it (NULL or partial only with a note saying where the rest comes
-- from).  title is our own short wording.
CREATE TABLE events (
  date            TEXT NOT NULL CHECK (
                    date GLOB '[12][0-9][0-9][0-9]' OR
                    date GLOB '[12][0-9][0-9][0-9]-[01][0-9]' OR
                    date GLOB '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]'),
  title           TEXT NOT NULL,
  place           TEXT,
  actors          TEXT,
  source_id       TEXT NOT NULL REFERENCES sources(id),
  locator         TEXT NOT NULL,
  date_as_written TEXT,
  note            TEXT,
  CHECK (date_as_written IS NOT NULL OR note IS NOT NULL),
  FOREIGN KEY (source_id, locator) REFERENCES sections(source_id, locator)
) STRICT;

-- Monthly indicators of the ASEAN states: one row per state, month and
-- metric, as a data team delivers them each month and `reportc facts
-- import` loads them (scripts/monthly/monthly.sh does it from an inbox).
-- metric is the indicator's Chinese name as the brief prints it; value is
-- in `unit`.  locator says where in the delivery the figure is (a sheet, a
-- table); a delivery is no seed document, so it is free text here.
CREATE TABLE indicators (
  country   TEXT NOT NULL CHECK (country IN
              ('BRN', 'KHM', 'IDN', 'LAO', 'MYS', 'MMR', 'PHL', 'SGP', 'THA', 'VNM')),
  period    TEXT NOT NULL CHECK (period GLOB '[12][0-9][0-9][0-9]-[01][0-9]'
                                 AND substr(period, 6, 2) BETWEEN '01' AND '12'),
  metric    TEXT NOT NULL CHECK (length(metric) BETWEEN 1 AND 64),
  value     REAL NOT NULL,
  unit      TEXT NOT NULL CHECK (length(unit) >= 1),
  source_id TEXT NOT NULL REFERENCES sources(id),
  locator   TEXT NOT NULL CHECK (length(locator) >= 1),
  PRIMARY KEY (country, period, metric)
) STRICT;

-- One row per `reportc facts import` that wrote something: when, which
-- file (its name and SHA-256), into which table, in which encoding, the
-- latest period among its rows (for tables with a period column), what
-- it changed, and the source it was loaded for.  A brief prints
-- "数据截至 2019-06（导入于 2019-07-01）" from here.  imported_at is UTC,
-- from SOURCE_DATE_EPOCH when that is set.
CREATE TABLE imports (
  id           INTEGER PRIMARY KEY,
  imported_at  TEXT NOT NULL CHECK (imported_at GLOB
                 '[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]Z'),
  file         TEXT NOT NULL,
  sha256       TEXT NOT NULL CHECK (length(sha256) = 64),
  table_name   TEXT NOT NULL,
  encoding     TEXT NOT NULL CHECK (encoding IN ('UTF-8', 'UTF-8 with BOM', 'GB18030')),
  period       TEXT,
  rows_added   INTEGER NOT NULL CHECK (rows_added >= 0),
  rows_changed INTEGER NOT NULL CHECK (rows_changed >= 0),
  rows_removed INTEGER NOT NULL CHECK (rows_removed >= 0),
  source_id    TEXT REFERENCES sources(id)
) STRICT;

CREATE INDEX facts_topic ON facts(topic);
CREATE INDEX events_date ON events(date);
