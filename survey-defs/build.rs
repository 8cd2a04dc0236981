//! Compiles the TOML definitions in `defs/` to JSON at build time.
//!
//! Authors write TOML (comments, readable Vietnamese); the browser receives JSON, which the app
//! parses with the serde_json it already carries, so no TOML parser is added to the
//! respondent's download. Each definition is also validated here, by the `survey` core itself,
//! and embedded as the validated model: the kiosk reads that without validating again. A file
//! that is not valid stops the build with its name and every problem.

use std::path::Path;
use std::{env, fs};

fn main() {
    let defs = Path::new("defs");
    println!("cargo:rerun-if-changed=defs");
    let mut files: Vec<_> = fs::read_dir(defs)
        .expect("survey-defs/defs is missing")
        .map(|entry| entry.expect("reading survey-defs/defs").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();

    let mut out = String::from("pub const SHIPPED: &[Shipped] = &[\n");
    for path in files {
        println!("cargo:rerun-if-changed={}", path.display());
        let text = fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let value: toml::Value =
            toml::from_str(&text).unwrap_or_else(|err| panic!("{}: not valid TOML: {err}", path.display()));
        let json = serde_json::to_string(&value).expect("TOML values convert to JSON");
        // Shipped definitions are validated here, so the app can trust them without carrying
        // the validation code: an invalid one stops the build with every problem named.
        let def: survey::definition::def::SurveyDef =
            toml::from_str(&text).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let survey = survey::definition::model::Survey::from_def(def)
            .unwrap_or_else(|err| panic!("{} is not a valid survey definition:\n{err}", path.display()));
        let validated = serde_json::to_string(&survey).expect("a validated survey serialises");
        let file = path.file_name().unwrap().to_string_lossy();
        // The TOML source is kept only for native tools (`check`): the app needs just the JSON.
        out.push_str(&format!(
            "    Shipped {{ file: {file:?}, #[cfg(feature = \"check\")] toml: {text:?}, #[cfg(any(feature = \"check\", test))] json: {json:?}, validated: {validated:?} }},\n"
        ));
    }
    out.push_str("];\n");
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("shipped.rs");
    fs::write(dest, out).expect("writing shipped.rs");
}
