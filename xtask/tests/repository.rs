//! Rules of the repository that no compiler checks, written as ordinary tests
//! (see ARCHITECTURE.md, "Invariants").

use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_owned()
}

fn rust_files(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, found);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            found.push(path);
        }
    }
}

#[test]
fn every_rust_file_starts_with_a_module_doc() {
    let mut files = Vec::new();
    for krate in ["survey", "survey-defs", "app", "server", "xtask"] {
        rust_files(&root().join(krate), &mut files);
    }
    assert!(files.len() > 10);
    let undocumented: Vec<_> = files
        .iter()
        .filter(|path| !fs::read_to_string(path).unwrap().starts_with("//!"))
        .map(|path| path.strip_prefix(root()).unwrap().display().to_string())
        .collect();
    assert!(undocumented.is_empty(), "files without a //! paragraph: {undocumented:?}");
}

#[test]
fn the_core_knows_nothing_of_the_web_http_or_sql() {
    let manifest = fs::read_to_string(root().join("survey/Cargo.toml")).unwrap();
    let dependencies = manifest.split("[dependencies]").nth(1).unwrap().split("\n[").next().unwrap();
    for forbidden in ["yew", "web-sys", "js-sys", "wasm-bindgen", "gloo", "axum", "tokio", "hyper", "rusqlite", "sqlx"]
    {
        assert!(
            !dependencies.lines().any(|line| line.trim_start().starts_with(forbidden)),
            "survey depends on {forbidden}"
        );
    }
}

#[test]
fn the_app_shell_loads_nothing_from_other_sites() {
    let index = fs::read_to_string(root().join("index.html")).unwrap();
    assert!(!index.contains("http://") && !index.contains("https://"), "index.html refers to another site");
    let style = fs::read_to_string(root().join("app/static/style.css")).unwrap();
    assert!(!style.contains("url("), "style.css loads a resource (a remote font?)");
}

#[test]
fn the_bindgen_library_is_pinned_to_the_locked_wasm_bindgen() {
    let lock = fs::read_to_string(root().join("Cargo.lock")).unwrap();
    let locked = |name: &str| {
        let needle = format!("name = \"{name}\"\nversion = \"");
        let start = lock.find(&needle).unwrap_or_else(|| panic!("{name} not in Cargo.lock")) + needle.len();
        lock[start..start + lock[start..].find('"').unwrap()].to_owned()
    };
    let manifest = fs::read_to_string(root().join("Cargo.toml")).unwrap();
    let pinned = |name: &str| {
        let line = manifest.lines().find(|line| line.starts_with(&format!("{name} = "))).unwrap();
        line.split('"').nth(1).unwrap().trim_start_matches('=').to_owned()
    };
    assert_eq!(pinned("wasm-bindgen"), locked("wasm-bindgen"));
    assert_eq!(pinned("wasm-bindgen-cli-support"), locked("wasm-bindgen-cli-support"));
    assert_eq!(locked("wasm-bindgen"), locked("wasm-bindgen-cli-support"));
}

#[test]
fn ci_runs_exactly_the_readme_test_command() {
    let readme = fs::read_to_string(root().join("README.md")).unwrap();
    let ci = fs::read_to_string(root().join(".ci/run")).unwrap();
    assert!(readme.contains("cargo xtask test"));
    assert!(readme.contains("cargo xtask serve"));
    assert!(ci.lines().any(|line| line.trim() == "cargo xtask test"), ".ci/run must run `cargo xtask test`");
}

/// A brace left open in the stylesheet silently drops every rule after it (the staff page once
/// lost its layout that way), and browsers say nothing: so the braces must balance, with rules
/// nested only inside `@media` and `@supports`.
#[test]
fn the_stylesheet_braces_balance() {
    let css = fs::read_to_string(root().join("app/static/style.css")).unwrap();
    let mut open: Vec<(usize, bool)> = Vec::new();
    let mut comment = false;
    let (mut line, mut prelude) = (1, String::new());
    let bytes = css.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let here = &bytes[at..];
        if comment {
            if here.starts_with(b"*/") {
                comment = false;
                at += 1;
            }
        } else if here.starts_with(b"/*") {
            comment = true;
            at += 1;
        } else {
            match bytes[at] {
                b'{' => {
                    let group =
                        prelude.trim_start().starts_with("@media") || prelude.trim_start().starts_with("@supports");
                    assert!(
                        open.iter().all(|(_, group)| *group),
                        "line {line}: a rule opens inside a rule: {}",
                        prelude.trim()
                    );
                    open.push((line, group));
                    prelude.clear();
                }
                b'}' => {
                    assert!(open.pop().is_some(), "line {line}: `}}` closes nothing");
                    prelude.clear();
                }
                b';' => prelude.clear(),
                byte => prelude.push(byte as char),
            }
        }
        if bytes[at] == b'\n' {
            line += 1;
        }
        at += 1;
    }
    assert!(
        open.is_empty(),
        "blocks opened on lines {:?} are never closed",
        open.iter().map(|(line, _)| line).collect::<Vec<_>>()
    );
}

/// Forms keep what is typed in state (ARCHITECTURE.md): no app code reads a field back from the
/// page by its id; only the app's mount point is looked up so.
#[test]
fn no_form_reads_the_page_back_by_id() {
    let mut files = Vec::new();
    rust_files(&root().join("app/src"), &mut files);
    let offenders: Vec<String> = files
        .iter()
        .filter(|path| !path.ends_with("lib.rs"))
        .filter(|path| fs::read_to_string(path).unwrap().contains("get_element_by_id"))
        .map(|path| path.strip_prefix(root()).unwrap().display().to_string())
        .collect();
    assert!(offenders.is_empty(), "read form values from state, not the page: {offenders:?}");
}
