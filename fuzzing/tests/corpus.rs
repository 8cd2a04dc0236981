//! Every seed (`fuzz/seeds/<target>/`), every input the fuzzers kept (`fuzz/corpus/<target>/`) and
//! every finding (`regressions/<target>/`),
//! replayed through its target on stable Rust: a fixed finding stays fixed.

use std::path::Path;

#[test]
fn every_kept_input_and_every_finding_runs_through_its_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (name, target) in fuzzing::TARGETS {
        let mut count = 0;
        for folder in
            [root.join("fuzz/seeds"), root.join("fuzz/corpus"), root.join("regressions")].map(|dir| dir.join(name))
        {
            let Ok(entries) = std::fs::read_dir(&folder) else { continue };
            let mut paths: Vec<_> = entries.flatten().map(|entry| entry.path()).filter(|path| path.is_file()).collect();
            paths.sort();
            for path in paths {
                let data = std::fs::read(&path).unwrap();
                let outcome = std::panic::catch_unwind(|| target(&data));
                assert!(outcome.is_ok(), "{name}: {} fails", path.display());
                count += 1;
            }
        }
        assert!(count > 0, "{name}: no kept inputs in fuzz/corpus/{name} or regressions/{name}");
    }
}
