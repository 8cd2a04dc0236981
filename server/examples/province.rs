//! A simulated province for `cargo xtask bench province`: one province over its wards (114 by
//! default, as Hải Phòng), four counters each with a kiosk, five fields, two officers a
//! counter, and counter ratings spread over three years of working days, each ward with its
//! own satisfaction. Responses are stored as the API stores them: through the one gate, then
//! `Store::receive` in batches of 50 from each kiosk, which keeps the day tallies in the same
//! transaction. It also adds a province administrator and a ward leader (password
//! `mat-khau-bench`) for the bench to sign in with.
//!
//! `province --db FILE --responses N [--units U]`

use std::time::Instant;

use server::storage::Store;
use server::storage::audit::Actor;
use server::storage::responses::{Admission, Incoming};
use server::storage::units::{Claim, NamedCode, UnitRow};
use survey::definition::answer::{Answer, Choices};
use survey::definition::catalog::Catalog;
use survey::records::gate::Gate;
use survey::records::record::{Channel, ResponseRecord};
use time::{Date, Duration, Weekday};

const FIELDS: [&str; 5] = ["ho-tich", "dat-dai", "xay-dung", "kinh-doanh", "tu-phap"];
const REASONS: [&str; 5] = ["cho-lau", "huong-dan-khong-ro", "phai-bo-sung", "thai-do", "tra-ket-qua-tre"];
const COUNTERS: usize = 4;
const BATCH: usize = 50;
pub const PASSWORD: &str = "mat-khau-bench";

/// A small deterministic generator (xorshift64*), so every run makes the same province.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }
}

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (mut db, mut responses, mut units) = (None, 1_000_000u64, 114usize);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| anyhow::anyhow!("{arg} needs a value"));
        match arg.as_str() {
            "--db" => db = Some(std::path::PathBuf::from(value()?)),
            "--responses" => responses = value()?.parse()?,
            "--units" => units = value()?.parse()?,
            other => anyhow::bail!("unknown argument `{other}`: province --db FILE --responses N [--units U]"),
        }
    }
    let db = db.ok_or_else(|| anyhow::anyhow!("--db FILE: where to make the province"))?;
    if db.exists() {
        anyhow::bail!("{} exists already: the province is made in a new file", db.display());
    }
    let store = Store::open(&db)?;
    let me = Actor::command_line("2026-12-07T08:00:00+07:00".into());
    store.add_unit(
        &UnitRow { code: "hai-phong".into(), parent: None, name_vi: "Thành phố Hải Phòng".into(), name_en: None },
        Claim::Refuse,
        &me,
    )?;
    for field in FIELDS {
        store.name_code(&NamedCode { unit: None, code: field.into(), name_vi: field.into(), name_en: None }, &me)?;
    }
    for ward in 1..=units {
        let code = format!("phuong-{ward:03}");
        let row = UnitRow {
            code: code.clone(),
            parent: Some("hai-phong".into()),
            name_vi: format!("Phường {ward:03}"),
            name_en: None,
        };
        store.add_unit(&row, Claim::Refuse, &me)?;
        for counter in 1..=COUNTERS {
            let named = NamedCode {
                unit: Some(code.clone()),
                code: format!("quay-{counter}"),
                name_vi: format!("Quầy {counter}"),
                name_en: None,
            };
            store.name_code(&named, &me)?;
            store.add_device(&format!("kiosk-{ward:03}-{counter}"), Some(&code), &me)?;
        }
    }
    let hash = server::auth::hash_password(PASSWORD).map_err(|err| anyhow::anyhow!("{err}"))?;
    store.add_user("tinh", &hash, wire::session::Role::Admin, Some("hai-phong"), &me)?;
    store.add_user("lanh-dao-001", &hash, wire::session::Role::Leader, Some("phuong-001"), &me)?;

    // Three years of working days (Monday to Saturday morning) ending yesterday.
    let last = Date::from_calendar_date(2026, time::Month::December, 6)?;
    let first = last - Duration::days(3 * 365);
    let days: Vec<Date> = std::iter::successors(Some(first), |day| day.next_day())
        .take_while(|day| *day <= last)
        .filter(|day| day.weekday() != Weekday::Sunday)
        .collect();
    let kiosks = units * COUNTERS;
    let per_kiosk_day = responses.div_ceil((kiosks * days.len()) as u64).max(1);
    let catalog = Catalog::new(survey_defs::all());
    let survey = survey_defs::by_id("danh-gia-tai-quay").ok_or_else(|| anyhow::anyhow!("no counter survey"))?;
    let gate = Gate::default().received_at(time::OffsetDateTime::now_utc().unix_timestamp());
    let mut random = Random(0x5eed_1234_abcd_0001);
    let started = Instant::now();
    let mut stored = 0u64;
    let mut n = 0u64;
    // Each kiosk sends when it holds a batch, as a kiosk that syncs now and then does.
    let mut held: Vec<Vec<Incoming>> = (0..kiosks).map(|_| Vec::with_capacity(BATCH)).collect();
    'days: for day in &days {
        for ward in 1..=units {
            // Each ward its own share satisfied, from 70 % to 97 %.
            let satisfied = 700 + (ward as u64 * 37) % 270;
            for counter in 1..=COUNTERS {
                let batch = &mut held[(ward - 1) * COUNTERS + counter - 1];
                for index in 0..per_kiosk_day {
                    if n >= responses {
                        break;
                    }
                    n += 1;
                    let minute = 7 * 60 + 30 + (index * 480 / per_kiosk_day);
                    let mut record = ResponseRecord::new(
                        &survey,
                        format!("00000000-0000-4000-8000-{n:012}"),
                        format!("{day}T{:02}:{:02}:{:02}+07:00", minute / 60, minute % 60, random.below(60)),
                        Channel::Kiosk,
                    );
                    record.unit = Some(format!("phuong-{ward:03}"));
                    record.counter = Some(format!("quay-{counter}"));
                    record.field = Some(FIELDS[random.below(5) as usize].into());
                    record.staff = Some(format!("can-bo-{ward:03}-{counter}-{}", 1 + random.below(2)));
                    record.device_id = Some(format!("kiosk-{ward:03}-{counter}"));
                    let level = if random.below(1000) < satisfied {
                        if random.chance(400) { "rat-hai-long" } else { "hai-long" }
                    } else {
                        "khong-hai-long"
                    };
                    record.answers.insert("muc-do-hai-long".into(), Answer::Choice(level.into()));
                    if level == "khong-hai-long" && random.chance(700) {
                        let reason = REASONS[random.below(5) as usize].to_owned();
                        record
                            .answers
                            .insert("ly-do".into(), Answer::Choices(Choices { codes: vec![reason], other: None }));
                        if random.chance(300) {
                            record.answers.insert("y-kien".into(), Answer::Text("Chờ lâu quá, cần thêm người.".into()));
                        }
                    }
                    let record = gate.check(&catalog, record).map_err(|err| anyhow::anyhow!("record {n}: {err}"))?;
                    batch.push(Incoming { record, token: None });
                    if batch.len() == BATCH {
                        stored += send(&store, &catalog, std::mem::take(batch), ward, counter)?;
                    }
                }
                if n >= responses {
                    break 'days;
                }
            }
        }
        if day.day() == 1 {
            let seconds = started.elapsed().as_secs_f64();
            eprintln!("province: {day}: {stored} stored, {:.0} a second", stored as f64 / seconds);
        }
    }
    for (index, batch) in held.into_iter().enumerate() {
        if !batch.is_empty() {
            stored += send(&store, &catalog, batch, index / COUNTERS + 1, index % COUNTERS + 1)?;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{stored} responses stored in {seconds:.0} s: {:.0} a second, in batches of {BATCH}",
        stored as f64 / seconds
    );
    Ok(())
}

fn send(store: &Store, catalog: &Catalog, batch: Vec<Incoming>, ward: usize, counter: usize) -> anyhow::Result<u64> {
    let source = format!("device:kiosk-{ward:03}-{counter}");
    let received =
        store.receive(batch, &source, "2026-12-07T08:00:00+07:00", catalog, |_| Admission::Accept { flag: None })?;
    Ok(
        received
            .iter()
            .filter(|outcome| matches!(outcome, server::storage::responses::Received::Created { .. }))
            .count() as u64,
    )
}
