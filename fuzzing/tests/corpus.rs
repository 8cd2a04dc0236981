//! Every seed (`fuzz/seeds/<target>/`), every input the fuzzers kept (`corpus.tar.gz`, which
//! `run` unpacks into `fuzz/corpus/<target>/` and packs again) and every finding
//! (`regressions/<target>/`), replayed through its target on stable Rust: a fixed finding stays
//! fixed, and what the fuzzers learned keeps being run.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

/// Each target's inputs, by target name.
fn inputs(root: &Path) -> BTreeMap<String, Vec<(String, Vec<u8>)>> {
    let mut inputs: BTreeMap<String, Vec<(String, Vec<u8>)>> = BTreeMap::new();
    for folder in ["fuzz/seeds", "regressions"] {
        for (name, _) in fuzzing::TARGETS {
            let Ok(entries) = std::fs::read_dir(root.join(folder).join(name)) else { continue };
            for entry in entries.flatten().filter(|entry| entry.path().is_file()) {
                let data = std::fs::read(entry.path()).unwrap();
                inputs.entry(name.to_string()).or_default().push((entry.path().display().to_string(), data));
            }
        }
    }
    let archive = std::fs::File::open(root.join("corpus.tar.gz")).expect("fuzzing/corpus.tar.gz is kept");
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(archive));
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = entry.path().unwrap().display().to_string();
        // corpus/<target>/<file>
        let Some(target) = path.split('/').nth(1).map(str::to_owned) else { continue };
        let mut data = Vec::new();
        entry.read_to_end(&mut data).unwrap();
        inputs.entry(target).or_default().push((format!("corpus.tar.gz:{path}"), data));
    }
    inputs
}

#[test]
fn every_kept_input_and_every_finding_runs_through_its_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut inputs = inputs(root);
    for (name, target) in fuzzing::TARGETS {
        let inputs = inputs.remove(*name).unwrap_or_default();
        assert!(inputs.len() > 10, "{name}: only {} kept inputs", inputs.len());
        for (path, data) in inputs {
            let outcome = std::panic::catch_unwind(|| target(&data));
            assert!(outcome.is_ok(), "{name}: {path} fails");
        }
    }
    assert!(inputs.is_empty(), "inputs for no target: {:?}", inputs.keys().collect::<Vec<_>>());
}
