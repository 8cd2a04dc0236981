//! `hailong tally` (raw response CSVs in, a tally or index CSV out) and `hailong merge` (tally
//! CSVs in, their sum out).
//!
//! Raw files are read one row at a time, so a million responses need memory only for the
//! tally and for one fingerprint per response id: the same response in two files (a kiosk
//! exported twice) is counted once; the same id with other content is a conflict, and the
//! tally is refused rather than silently choosing one.

use std::cell::Cell;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use survey::csv::write::CsvProfile;
use survey::definition::catalog::Catalog;
use survey::records::gate::Gate;
use survey::records::raw::{content_hash, read_raw};
use survey::results::entered::{Entered, read_entered_lines, unmatched};
use survey::results::index::{index_csv, indices_with};
use survey::results::tally::{Added, Tally, TallyOptions};

/// What `hailong tally` was asked for.
pub struct TallyRequest {
    pub files: Vec<PathBuf>,
    pub defs: Vec<PathBuf>,
    pub options: TallyOptions,
    pub profile: CsvProfile,
    pub index: bool,
    pub min_n: u64,
    /// Thông tư 01 indicators entered from the agency's systems, for the index.
    pub indicators: Option<PathBuf>,
    pub output: Option<PathBuf>,
}

/// The shipped definitions and those given with `--defs`.
pub fn catalog(defs: &[PathBuf]) -> anyhow::Result<Catalog> {
    let mut catalog = Catalog::default();
    for shipped in survey_defs::SHIPPED {
        catalog.add(shipped.survey().map_err(|err| anyhow::anyhow!("shipped definition {}: {err}", shipped.file))?);
    }
    let mut problems = Vec::new();
    for file in defs {
        match super::check::load(file) {
            Ok(survey) => catalog.add(survey),
            Err(lines) => problems.extend(lines),
        }
    }
    if !problems.is_empty() {
        bail!("the definitions given with --defs have problems:\n{}", problems.join("\n"));
    }
    Ok(catalog)
}

/// Counts bytes read, for the progress line; the count is shared because the reader itself
/// is owned by the CSV reader.
struct Counting<R> {
    inner: R,
    read: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let count = self.inner.read(buffer)?;
        self.read.set(self.read.get() + count as u64);
        Ok(count)
    }
}

/// Prints a progress line on stderr once work has taken more than two seconds.
struct Progress {
    started: Instant,
    last: Instant,
    shown: bool,
}

impl Progress {
    fn new() -> Progress {
        let now = Instant::now();
        Progress { started: now, last: now, shown: false }
    }

    fn tick(&mut self, message: impl FnOnce() -> String) {
        let now = Instant::now();
        if now.duration_since(self.started) > Duration::from_secs(2)
            && now.duration_since(self.last) > Duration::from_millis(500)
        {
            eprint!("\rhailong: {}   ", message());
            self.last = now;
            self.shown = true;
        }
    }

    fn done(&self) {
        if self.shown {
            eprintln!();
        }
    }
}

fn megabytes(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

/// Where a response was first seen, and what it held.
struct Seen {
    hash: u64,
    file: usize,
    line: u64,
}

pub fn tally(request: &TallyRequest) -> anyhow::Result<()> {
    let catalog = catalog(&request.defs)?;
    // Read before the long count, so a slip in it is said at once.
    let (entered, entered_lines) = match &request.indicators {
        Some(path) => {
            let name = path.display();
            let file = File::open(path).with_context(|| format!("{name}: cannot open the file"))?;
            read_entered_lines(BufReader::new(file), None).map_err(|err| anyhow::anyhow!("{name}: {err}"))?
        }
        None => (Entered::new(), Default::default()),
    };
    let mut tally = Tally::default();
    let mut seen: HashMap<u128, Seen> = HashMap::new();
    let mut conflicts = Vec::new();
    let (mut counted, mut duplicates, mut apart, mut outside, mut unfinished) = (0u64, 0u64, 0u64, 0u64, 0u64);
    let mut progress = Progress::new();
    for (file_index, path) in request.files.iter().enumerate() {
        let name = path.display();
        let size = std::fs::metadata(path).map(|meta| meta.len()).unwrap_or(0);
        let file = File::open(path).with_context(|| format!("{name}: cannot open the file"))?;
        let read = Rc::new(Cell::new(0));
        let mut reader =
            // Files are counted after the fact, so times are held to the years, not to today's clock.
            read_raw(BufReader::with_capacity(1 << 16, Counting { inner: file, read: read.clone() }), &catalog, Gate::default())
                .map_err(|err| anyhow::anyhow!("{name}: {err}"))?;
        let mut rows = 0u64;
        while let Some(next) = reader.next_record() {
            let (line, record) = next.map_err(|err| anyhow::anyhow!("{name}: {err}"))?;
            rows += 1;
            let id = uuid::Uuid::parse_str(&record.response_id).map(|id| id.as_u128()).unwrap_or_default();
            let hash = content_hash(&record);
            if let Some(first) = seen.get(&id) {
                if first.hash == hash {
                    duplicates += 1;
                } else {
                    conflicts.push(format!(
                        "response {} differs between {}:{} and {name}:{line}; neither was counted twice, fix the source",
                        record.response_id,
                        request.files[first.file].display(),
                        first.line
                    ));
                }
                continue;
            }
            seen.insert(id, Seen { hash, file: file_index, line });
            match tally
                .add(&catalog, &record, &request.options)
                .map_err(|err| anyhow::anyhow!("{name}: line {line}: {err}"))?
            {
                Added::Counted => {
                    counted += 1;
                    unfinished += u64::from(record.partial);
                }
                Added::Misuse => apart += 1,
                Added::OutOfRange => outside += 1,
            }
            if rows.is_multiple_of(4096) {
                progress.tick(|| {
                    format!(
                        "file {}/{}: {} of {}, {rows} rows",
                        file_index + 1,
                        request.files.len(),
                        megabytes(read.get()),
                        megabytes(size)
                    )
                });
            }
        }
    }
    progress.done();
    if !conflicts.is_empty() {
        bail!("{} conflicting responses; nothing was written:\n{}", conflicts.len(), conflicts.join("\n"));
    }
    let bytes = if request.index {
        // A line for a unit, officer or period this tally has not would count for nothing.
        if let Some(path) = &request.indicators {
            for entry in unmatched(&entered, &tally) {
                let line = entered_lines.get(entry).copied().unwrap_or_default();
                let officer =
                    if entry.staff.is_empty() { "the agency".to_owned() } else { format!("officer `{}`", entry.staff) };
                let unit =
                    if entry.unit.is_empty() { "every unit".to_owned() } else { format!("unit `{}`", entry.unit) };
                let period =
                    if entry.period.is_empty() { "no period".to_owned() } else { format!("period {}", entry.period) };
                eprintln!(
                    "hailong: warning: {}: line {line}: indicator {} of {officer}, {unit}, {period} matches no group of this tally (see --by and --period), so it counts for nothing",
                    path.display(),
                    entry.indicator
                );
            }
        }
        let rows = indices_with(&tally, &catalog, request.min_n, &entered)?;
        index_csv(&rows, request.profile)
    } else {
        tally.to_csv(request.profile)
    };
    write_output(request.output.as_deref(), &bytes)?;
    eprintln!(
        "hailong: {counted} responses counted ({unfinished} of them unfinished, for the questions they answered) from {} files; {duplicates} duplicates skipped, {apart} flagged as misuse counted apart, {outside} outside the dates",
        request.files.len()
    );
    Ok(())
}

pub fn merge(files: &[PathBuf], profile: CsvProfile, output: Option<&Path>) -> anyhow::Result<()> {
    let mut total = Tally::default();
    for path in files {
        let name = path.display();
        let file = File::open(path).with_context(|| format!("{name}: cannot open the file"))?;
        let tally = Tally::read_csv(BufReader::new(file)).map_err(|err| anyhow::anyhow!("{name}: {err}"))?;
        total.merge(&tally).map_err(|err| anyhow::anyhow!("{name}: {err}; nothing was written"))?;
    }
    write_output(output, &total.to_csv(profile))?;
    eprintln!("hailong: merged {} tallies into {} groups", files.len(), total.groups.len());
    Ok(())
}

/// Writes to the file, or to standard output. A file is written whole or not at all.
fn write_output(output: Option<&Path>, bytes: &[u8]) -> anyhow::Result<()> {
    match output {
        Some(path) => write_file(path, bytes).with_context(|| format!("writing {}", path.display()))?,
        None => std::io::stdout().lock().write_all(bytes).context("writing to standard output")?,
    }
    Ok(())
}

/// Writes `bytes` to `path` as a reader of it expects. A regular file (or a new one) is
/// replaced whole or not at all: the bytes go to a fresh file beside it, with the old file's
/// permissions, which is then renamed over it, so a failed run leaves the old file as it was. A
/// symbolic link is followed, and what it points to is written. Anything else (`/dev/null`, a
/// FIFO, a terminal) is written into, as any program writes to it: never replaced by a file.
fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let target = match std::fs::canonicalize(path) {
        Ok(target) => target,
        // Nothing there yet (or a link to nothing): made as a new file, through the link.
        Err(_) if std::fs::symlink_metadata(path).is_ok_and(|meta| meta.file_type().is_symlink()) => {
            return std::fs::write(path, bytes);
        }
        Err(_) => path.to_owned(),
    };
    let existing = std::fs::metadata(&target).ok();
    if existing.as_ref().is_some_and(|meta| !meta.is_file()) {
        let mut file = std::fs::OpenOptions::new().write(true).truncate(true).open(&target)?;
        return file.write_all(bytes);
    }
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut fresh = tempfile::Builder::new().prefix(".hailong-").suffix(".partial").tempfile_in(dir)?;
    fresh.write_all(bytes)?;
    fresh.as_file().sync_all()?;
    if let Some(meta) = existing {
        fresh.as_file().set_permissions(meta.permissions())?;
    }
    fresh.persist(&target).map_err(|err| err.error)?;
    Ok(())
}
