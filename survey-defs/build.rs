//! Compiles the TOML definitions in `defs/` to JSON at build time.
//!
//! Authors write TOML (comments, readable Vietnamese); the browser receives JSON, which the app
//! parses with the serde_json it already carries, so no TOML parser is added to the
//! respondent's download. A file that is not even valid TOML stops the build with its name.

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
        let file = path.file_name().unwrap().to_string_lossy();
        // The TOML source is kept only for native tools (`check`): the app needs just the JSON.
        out.push_str(&format!(
            "    Shipped {{ file: {file:?}, #[cfg(feature = \"check\")] toml: {text:?}, json: {json:?} }},\n"
        ));
    }
    out.push_str("];\n");
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("shipped.rs");
    fs::write(dest, out).expect("writing shipped.rs");
}
