//! Compiles the TOML definitions in `defs/` into the crate at build time.
//!
//! Authors write TOML (comments, readable Vietnamese). Each definition is validated here, by
//! the `survey` core itself, and compiled in as Rust code that builds the validated model
//! (`survey::definition::embed`): the kiosk neither parses nor validates a definition, so no
//! TOML parser, no validation code and no deserialiser for the model is in the respondent's
//! download. A file that is not valid stops the build with its name and every problem. The
//! JSON form of each file is kept for native tools and tests.

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
    let mut builders = format!(
        "// Each shipped survey uses only some of the model's types.\n#[allow(unused_imports)]\nmod built {{\n{}",
        survey::definition::embed::IMPORTS
    );
    for (index, path) in files.iter().enumerate() {
        println!("cargo:rerun-if-changed={}", path.display());
        let text = fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let value: toml::Value =
            toml::from_str(&text).unwrap_or_else(|err| panic!("{}: not valid TOML: {err}", path.display()));
        let json = serde_json::to_string(&value).expect("TOML values convert to JSON");
        // Shipped definitions are validated here, so the app can trust them without carrying
        // the validation code: an invalid one stops the build with every problem named.
        let def: survey::definition::def::SurveyDef =
            toml::from_str(&text).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let survey = survey::definition::model::Survey::from_def(def)
            .unwrap_or_else(|err| panic!("{} is not a valid survey definition:\n{err}", path.display()));
        let expression = survey::definition::embed::rust_expression(&survey)
            .unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let builder = format!("survey_{index}");
        builders.push_str(&format!("pub fn {builder}() -> Survey {{\n{expression}\n}}\n"));
        let file = path.file_name().unwrap().to_string_lossy();
        let id = survey.id();
        // The TOML and JSON sources are kept only for native tools (`check`) and tests.
        out.push_str(&format!(
            "    Shipped {{ file: {file:?}, id: {id:?}, #[cfg(feature = \"check\")] toml: {text:?}, #[cfg(any(feature = \"check\", test))] json: {json:?}, built: built::{builder} }},\n"
        ));
    }
    out.push_str("];\n");
    builders.push_str("}\n");
    out.push_str(&builders);
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("shipped.rs");
    fs::write(dest, out).expect("writing shipped.rs");
}
