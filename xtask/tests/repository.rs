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
fn the_core_and_the_wire_know_nothing_of_the_web_http_or_sql() {
    for krate in ["survey", "wire"] {
        let manifest = fs::read_to_string(root().join(krate).join("Cargo.toml")).unwrap();
        let dependencies = manifest.split("[dependencies]").nth(1).unwrap().split("\n[").next().unwrap();
        for forbidden in [
            "yew",
            "web-sys",
            "js-sys",
            "wasm-bindgen",
            "gloo",
            "axum",
            "tokio",
            "hyper",
            "reqwest",
            "rusqlite",
            "sqlx",
        ] {
            assert!(
                !dependencies.lines().any(|line| line.trim_start().starts_with(forbidden)),
                "{krate} depends on {forbidden}"
            );
        }
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

/// The layers of a crate, lowest first: a file may import from its own layer and the ones
/// before it, never from a later one, and never from a sibling named in the same layer
/// (`filling` and `results` see nothing of each other). `lib.rs` ties them together.
const SURVEY_LAYERS: &[&[&str]] = &[
    &["text", "digest"],
    &["vn_time"],
    &["csv"],
    &["definition"],
    &["records"],
    &["filling", "results"],
    &["reports"],
];
const APP_LAYERS: &[&[&str]] = &[&["platform"], &["ui"], &["kiosk"], &["settings"], &["staff"]];
/// `lib.rs` (the table of paths) and `main.rs` (the binary) stand above every room.
const SERVER_LAYERS: &[&[&str]] = &[&["roles"], &["storage"], &["net"], &["auth"], &["http"], &["routes"], &["cli"]];

/// The room a file is in: its folder under `src`, or its own name for a file at the top.
fn room_of(src: &Path, file: &Path) -> String {
    let relative = file.strip_prefix(src).unwrap();
    let first = relative.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
    first.trim_end_matches(".rs").to_owned()
}

/// The rooms a file names through `crate::` (paths and `use crate::{…}` groups alike).
fn rooms_named(text: &str) -> Vec<(usize, String)> {
    let mut named = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or_default();
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                // `crate::{a::x, b::{y, z}}`: the first segment of each item at depth one.
                let mut depth = 0;
                let mut item = String::new();
                for ch in group.chars() {
                    match ch {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            named.push((index + 1, item.trim().split("::").next().unwrap_or_default().to_owned()));
                            item.clear();
                            continue;
                        }
                        _ => {}
                    }
                    if depth == 0 {
                        item.push(ch);
                    }
                }
                if !item.trim().is_empty() {
                    named.push((index + 1, item.trim().split("::").next().unwrap_or_default().to_owned()));
                }
            } else {
                let name: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                named.push((index + 1, name));
            }
        }
    }
    named
}

fn check_layers(krate: &str, layers: &[&[&str]]) {
    let src = root().join(krate).join("src");
    let layer_of = |room: &str| layers.iter().position(|layer| layer.contains(&room));
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut wrong = Vec::new();
    for file in &files {
        let room = room_of(&src, file);
        if room == "lib" || room == "bin" || room == "main" {
            continue;
        }
        let own = layer_of(&room).unwrap_or_else(|| panic!("{krate}/src/{room} is in no layer: add it to the list"));
        let text = fs::read_to_string(file).unwrap();
        assert!(!text.contains("super::super"), "{}: reaches out of its room with super::super", file.display());
        for (line, named) in rooms_named(&text) {
            if named == room || named.is_empty() {
                continue;
            }
            // Items of the crate root (`crate::SharedStore`) would hide a room's dependency.
            let Some(theirs) = layer_of(&named) else {
                wrong.push(format!(
                    "{}:{line}: crate::{named} is not a room",
                    file.strip_prefix(root()).unwrap().display()
                ));
                continue;
            };
            if theirs >= own {
                wrong.push(format!(
                    "{}:{line}: {room} may not import {named}",
                    file.strip_prefix(root()).unwrap().display()
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "imports against the layers (ARCHITECTURE.md):\n{}", wrong.join("\n"));
}

#[test]
fn each_room_of_the_core_imports_only_from_rooms_below_it() {
    check_layers("survey", SURVEY_LAYERS);
}

#[test]
fn each_room_of_the_app_imports_only_from_rooms_below_it() {
    check_layers("app", APP_LAYERS);
}

#[test]
fn each_room_of_the_server_imports_only_from_rooms_below_it() {
    check_layers("server", SERVER_LAYERS);
}

#[test]
fn the_layer_checker_reads_grouped_imports() {
    let named =
        rooms_named("use crate::{platform::clock, ui::text::{both, other}};\nlet x = crate::staff::y; // crate::kiosk");
    let rooms: Vec<&str> = named.iter().map(|(_, room)| room.as_str()).collect();
    assert_eq!(rooms, ["platform", "ui", "staff"]);
}

/// The code of a file without its test module: `#[cfg(test)] mod tests` comes last.
fn without_tests(text: &str) -> &str {
    text.find("#[cfg(test)]\nmod ").map_or(text, |at| &text[..at])
}

#[test]
fn no_file_of_any_crate_is_over_600_lines_tests_aside() {
    let mut files = Vec::new();
    for krate in ["survey", "survey-defs", "wire", "app", "server", "xtask", "fuzzing"] {
        rust_files(&root().join(krate).join("src"), &mut files);
    }
    let long: Vec<String> = files
        .iter()
        .filter_map(|path| {
            let lines = without_tests(&fs::read_to_string(path).unwrap()).lines().count();
            (lines > 600).then(|| format!("{}: {lines}", path.strip_prefix(root()).unwrap().display()))
        })
        .collect();
    assert!(long.is_empty(), "files over 600 lines: {long:?}");
}

#[test]
fn nothing_is_re_exported() {
    let mut files = Vec::new();
    for krate in ["survey", "survey-defs", "wire", "app", "server"] {
        rust_files(&root().join(krate).join("src"), &mut files);
    }
    let offenders: Vec<String> = files
        .iter()
        .filter(|path| {
            fs::read_to_string(path).unwrap().lines().any(|line| {
                let line = line.trim_start();
                line.starts_with("pub use ") || line.starts_with("pub(crate) use ")
            })
        })
        .map(|path| path.strip_prefix(root()).unwrap().display().to_string())
        .collect();
    assert!(offenders.is_empty(), "every item has one path; re-exports in {offenders:?}");
}

/// The absences of ARCHITECTURE.md: each of these touches the world in one module only.
#[test]
fn one_module_touches_each_part_of_the_world() {
    let rules: [(&str, &[&str], &[&str]); 5] = [
        ("app/src", &["Idb", "indexed_db"], &["app/src/platform/storage.rs"]),
        ("app/src", &["fetch_with_str", "fetch_with_request", ".fetch("], &["app/src/platform/sync.rs"]),
        ("app/src", &["Date::now", "js_sys::Date", "performance()"], &["app/src/platform/clock.rs"]),
        ("server/src", &["rusqlite", "SELECT ", "INSERT ", "VACUUM"], &["server/src/storage"]),
        ("survey/src", &["<svg", "<div", "<table", "<html", "<!doctype"], &["survey/src/reports/"]),
    ];
    for (dir, needles, allowed) in rules {
        let mut files = Vec::new();
        rust_files(&root().join(dir), &mut files);
        for file in files {
            let name = file.strip_prefix(root()).unwrap().display().to_string();
            if allowed.iter().any(|allowed| name.starts_with(allowed)) {
                continue;
            }
            let text = fs::read_to_string(&file).unwrap();
            for needle in needles {
                assert!(!text.contains(needle), "{name} uses `{needle}`: only {allowed:?} may");
            }
        }
    }
}

#[test]
fn the_code_map_names_every_room() {
    let map = fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    for (krate, layers) in [("survey", SURVEY_LAYERS), ("app", APP_LAYERS), ("server", SERVER_LAYERS)] {
        for room in layers.iter().flat_map(|layer| layer.iter()) {
            assert!(map.contains(&format!("`{krate}/src/{room}")), "ARCHITECTURE.md does not name {krate}/src/{room}");
        }
    }
}

/// Every path of the HTTP API is written once, in the wire crate, which the server routes by
/// and the app asks with: a path changed on one side cannot be missed on the other.
#[test]
fn every_api_path_is_written_once_in_the_wire_crate() {
    let mut files = Vec::new();
    for krate in ["survey", "survey-defs", "app", "server", "xtask", "fuzzing"] {
        rust_files(&root().join(krate).join("src"), &mut files);
    }
    let mut written = Vec::new();
    for file in &files {
        for (index, line) in without_tests(&fs::read_to_string(file).unwrap()).lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            if code.contains("\"/api/v1") {
                written.push(format!("{}:{}", file.strip_prefix(root()).unwrap().display(), index + 1));
            }
        }
    }
    assert!(written.is_empty(), "API paths written outside wire/src (use its constants): {written:?}");
    let mut paths = Vec::new();
    let mut wire = Vec::new();
    rust_files(&root().join("wire/src"), &mut wire);
    for file in &wire {
        for line in without_tests(&fs::read_to_string(file).unwrap()).lines() {
            if let Some(at) = line.find("\"/api/v1") {
                let path = line[at + 1..].split('"').next().unwrap_or_default().to_owned();
                assert!(!paths.contains(&path), "{path} is written twice in wire/src");
                paths.push(path);
            }
        }
    }
    assert!(paths.len() >= 30, "the wire crate names {} paths", paths.len());
}

/// The text from `open` (just after an opening parenthesis) to its closing one.
fn within_parentheses(text: &str) -> &str {
    let mut depth = 1;
    for (at, ch) in text.char_indices() {
        match ch {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return &text[..at];
                }
            }
            _ => {}
        }
    }
    text
}

/// A callback hands its work over as a job (an action, `ui::jobs`), and an effect carries it
/// out: none starts work of its own, where it could outlive its component or race another.
#[test]
fn no_callback_of_the_app_spawns_work() {
    let mut files = Vec::new();
    rust_files(&root().join("app/src"), &mut files);
    let mut spawning = Vec::new();
    for file in &files {
        let text = fs::read_to_string(file).unwrap();
        let code = without_tests(&text);
        for (at, _) in code.match_indices("Callback::from(") {
            if within_parentheses(&code[at + "Callback::from(".len()..]).contains("spawn_local") {
                let line = code[..at].lines().count() + 1;
                spawning.push(format!("{}:{line}", file.strip_prefix(root()).unwrap().display()));
            }
        }
    }
    assert!(spawning.is_empty(), "callbacks that spawn work (hand it to an effect as a job): {spawning:?}");
}

#[test]
fn the_callback_checker_finds_work_spawned_inside() {
    let code = "Callback::from(move |_| { spawn_local(async {}) })";
    assert!(within_parentheses(&code["Callback::from(".len()..]).contains("spawn_local"));
    let code = "Callback::from(move |_| go(1)); spawn_local(x)";
    assert!(!within_parentheses(&code["Callback::from(".len()..]).contains("spawn_local"));
}

/// The kiosk reads its configuration with the browser's `JSON` (serde's code would cost the
/// citizen's download): every field it reads is one of the wire's `DeviceConfig` (or its
/// officers'), so a field renamed on the wire cannot be missed by the kiosk.
#[test]
fn the_kiosk_reads_its_configuration_by_the_wires_field_names() {
    let account = fs::read_to_string(root().join("app/src/platform/account.rs")).unwrap();
    let start = account.find("pub async fn device_config").expect("the kiosk's configuration reader");
    let reader = &account[start..];
    let reader = &reader[..reader[1..].find("\npub ").map_or(reader.len(), |end| end + 1)];
    let wire = fs::read_to_string(root().join("wire/src/sync.rs")).unwrap();
    let fields_of = |name: &str| -> Vec<String> {
        let at = wire.find(&format!("pub struct {name} {{")).unwrap_or_else(|| panic!("wire::sync::{name}"));
        let body = &wire[at..at + wire[at..].find("\n}").unwrap()];
        body.lines()
            .filter_map(|line| line.trim().strip_prefix("pub ")?.split_once(':').map(|(field, _)| field.to_owned()))
            .collect()
    };
    let known: Vec<String> = [fields_of("DeviceConfig"), fields_of("DutyOfficer")].concat();
    let read: Vec<&str> = reader
        .split('"')
        .skip(1)
        .step_by(2)
        .filter(|text| !text.is_empty() && text.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
        .collect();
    assert!(read.len() >= 8, "the reader reads {read:?}");
    let unknown: Vec<&&str> = read.iter().filter(|field| !known.iter().any(|known| known == *field)).collect();
    assert!(unknown.is_empty(), "the kiosk reads fields the wire's DeviceConfig does not have: {unknown:?}");
}
