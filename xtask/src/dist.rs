//! `cargo xtask dist`: the release app in `dist/`.
//!
//! Steps: build the app for wasm32 in release mode; generate the JS glue with the
//! `wasm-bindgen-cli-support` library (pinned to the `wasm-bindgen` in Cargo.lock); shrink the
//! wasm with `wasm-opt -Oz`; minify the JS and CSS with esbuild; give every file that can change
//! a content-hashed name so it can be cached for a year; write the service worker with the exact list of files to keep offline;
//! and store a gzip -9 copy beside each text or wasm file for the server to send.

use std::fs;
use std::io::Write;
use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, bail};
use sha2::{Digest, Sha256};

use crate::{root, tools};

/// One file of the first load, with its sizes in bytes.
pub struct DistFile {
    /// The name in the source tree (`app_bg.wasm`), before hashing.
    pub logical: String,
    /// The name served (`app_bg.0123456789abcdef.wasm`).
    pub served: String,
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
    /// Fetched before the first question is usable (the PNG icons are fetched later, by the
    /// service worker or when the app is installed).
    pub first_load: bool,
}

pub struct DistReport {
    pub files: Vec<DistFile>,
    pub wasm_before_opt: Option<(u64, u64)>,
    pub dist: PathBuf,
}

impl DistReport {
    /// Bytes of the first load: raw, gzip -9 and brotli.
    pub fn first_load(&self) -> (u64, u64, u64) {
        let first: Vec<_> = self.files.iter().filter(|file| file.first_load).collect();
        (
            first.iter().map(|file| file.raw).sum(),
            first.iter().map(|file| file.gzip).sum(),
            first.iter().map(|file| file.brotli).sum(),
        )
    }

    pub fn print(&self) {
        println!("xtask: the app is built in {}", self.dist.display());
        if let Some((raw, gzip)) = self.wasm_before_opt {
            println!("  wasm before wasm-opt      raw {:>9}   gzip -9 {:>9}", kb(raw), kb(gzip));
        }
        for file in &self.files {
            let later = if file.first_load { "" } else { ", fetched later" };
            println!(
                "  {:<25} raw {:>9}   gzip -9 {:>9}   brotli {:>9}   ({}{later})",
                file.logical,
                kb(file.raw),
                kb(file.gzip),
                kb(file.brotli),
                file.served
            );
        }
        let (raw, gzip, brotli) = self.first_load();
        println!(
            "  {:<25} raw {:>9}   gzip -9 {:>9}   brotli {:>9}",
            "first load, in total",
            kb(raw),
            kb(gzip),
            kb(brotli)
        );
    }
}

/// The README's sentence that gives the first load, as `cargo xtask dist` measures it.
pub fn readme_first_load_sentence(gzip: u64) -> String {
    format!("The kiosk downloads {} (gzip) before its first question", kb(gzip))
}

/// What is wrong with the README's first-load figure against this build, if anything: the
/// README quotes no size that the last build did not print.
pub fn readme_first_load_problem(readme: &str, gzip: u64) -> Option<String> {
    let sentence = readme_first_load_sentence(gzip);
    (!readme.contains(&sentence)).then(|| {
        let said = readme
            .lines()
            .find(|line| line.contains("The kiosk downloads"))
            .map(str::trim)
            .unwrap_or("no sentence about the first load");
        format!("README.md says \"{said}\"; this build measures \"{sentence}\"")
    })
}

fn kb(bytes: u64) -> String {
    format!("{:.1} KB", bytes as f64 / 1000.0)
}

/// Files served under their own names: their URLs must stay stable (the worker, the manifest,
/// icons that the operating system keeps).
const STABLE: [&str; 4] = ["manifest.webmanifest", "icon.svg", "icon-192.png", "icon-512.png"];

/// The app's entry points, each built to a wasm of its own: the kiosk is the first load; the
/// staff area is fetched only at `/staff` (and kept by the service worker for offline use).
const ENTRIES: [&str; 2] = ["kiosk", "staff"];

pub fn build() -> anyhow::Result<DistReport> {
    let root = root();
    tools::ensure_wasm_target()?;
    tools::run(Command::new("cargo").current_dir(&root).args([
        "build",
        "--quiet",
        "--release",
        "--package",
        "app",
        "--bins",
        "--target",
        tools::WASM_TARGET,
    ]))?;

    let staging = root.join("target/dist-staging");
    let _ = fs::remove_dir_all(&staging);
    let out = staging.join("dist");
    fs::create_dir_all(&out)?;
    let wasm_opt = tools::wasm_opt();
    let esbuild = tools::esbuild();
    let minify = |bytes: Vec<u8>, loader: &str| minified(esbuild.as_deref(), bytes, loader);
    let mut files = Vec::new();
    let mut put = |logical: &str, served: String, bytes: &[u8], first_load: bool| -> anyhow::Result<String> {
        fs::write(out.join(&served), bytes)?;
        let compressed = gzip(bytes);
        let mut brotli_len = compressed.len() as u64;
        if !served.ends_with(".png") {
            fs::write(out.join(format!("{served}.gz")), &compressed)?;
            let squeezed = brotli(bytes);
            brotli_len = squeezed.len() as u64;
            fs::write(out.join(format!("{served}.br")), &squeezed)?;
        }
        files.push(DistFile {
            logical: logical.into(),
            served: served.clone(),
            raw: bytes.len() as u64,
            gzip: compressed.len() as u64,
            brotli: brotli_len,
            first_load,
        });
        Ok(format!("/{served}"))
    };

    let mut wasm_before_opt = None;
    let mut entry_urls = Vec::new();
    for entry in ENTRIES {
        let input = root.join("target").join(tools::WASM_TARGET).join("release").join(format!("{entry}.wasm"));
        let bindgen_out = staging.join(format!("bindgen-{entry}"));
        wasm_bindgen_cli_support::Bindgen::new()
            .input_path(&input)
            .web(true)?
            .typescript(false)
            .remove_name_section(true)
            .remove_producers_section(true)
            // boot.js passes the hashed wasm URL explicitly, so the glue needs no default path.
            .omit_default_module_path(true)
            .generate(&bindgen_out)
            .with_context(|| format!("generating the JS glue of {entry} with wasm-bindgen"))?;
        if bindgen_out.join("snippets").exists() {
            bail!("wasm-bindgen produced JS snippets, which dist does not yet copy and hash");
        }
        let bindgen_wasm = bindgen_out.join(format!("{entry}_bg.wasm"));
        let before = fs::read(&bindgen_wasm)?;
        let wasm = match &wasm_opt {
            Some(wasm_opt) => {
                let optimised = staging.join(format!("{entry}_bg.opt.wasm"));
                tools::run(Command::new(wasm_opt).arg(&bindgen_wasm).args(["-Oz", "-o"]).arg(&optimised))?;
                if entry == "kiosk" {
                    wasm_before_opt = Some((before.len() as u64, gzip(&before).len() as u64));
                }
                fs::read(&optimised)?
            }
            None => before,
        };
        let first_load = entry == "kiosk";
        let wasm_url =
            put(&format!("{entry}_bg.wasm"), hashed(&format!("{entry}_bg"), "wasm", &wasm), &wasm, first_load)?;
        let glue = minify(fs::read(bindgen_out.join(format!("{entry}.js")))?, "js")?;
        let glue_url = put(&format!("{entry}.js"), hashed(entry, "js", &glue), &glue, first_load)?;
        entry_urls.push((entry, glue_url, wasm_url));
    }

    let static_dir = root.join("app/static");
    let mut boot = fs::read_to_string(static_dir.join("boot.js"))?;
    for (entry, glue_url, wasm_url) in &entry_urls {
        let upper = entry.to_uppercase();
        boot = boot.replace(&format!("__{upper}_GLUE__"), glue_url).replace(&format!("__{upper}_WASM__"), wasm_url);
    }
    let boot = minify(boot.into_bytes(), "js")?;
    let boot_url = put("boot.js", hashed("boot", "js", &boot), &boot, true)?;
    let style = minify(fs::read(static_dir.join("style.css"))?, "css")?;
    let style_url = put("style.css", hashed("style", "css", &style), &style, true)?;
    let mut stable_urls = Vec::new();
    for name in STABLE {
        let bytes = fs::read(static_dir.join(name)).with_context(|| format!("reading app/static/{name}"))?;
        stable_urls.push(put(name, name.to_owned(), &bytes, !name.ends_with(".png"))?);
    }

    let (kiosk_glue, kiosk_wasm) = (&entry_urls[0].1, &entry_urls[0].2);
    let template = fs::read_to_string(root.join("index.html")).context("reading index.html")?;
    let mut index = template.clone();
    for (source, served) in
        [("/kiosk_bg.wasm", kiosk_wasm), ("/kiosk.js", kiosk_glue), ("/boot.js", &boot_url), ("/style.css", &style_url)]
    {
        let quoted = format!("\"{source}\"");
        if !index.contains(&quoted) {
            bail!("index.html no longer refers to {source}; update it or xtask/src/dist.rs");
        }
        index = index.replace(&quoted, &format!("\"{served}\""));
    }
    let index_url = put("index.html", "index.html".into(), index.as_bytes(), true)?;

    // The worker's version changes whenever any file it keeps changes.
    let mut assets: Vec<String> = vec![index_url, boot_url, style_url];
    for (_, glue_url, wasm_url) in &entry_urls {
        assets.push(glue_url.clone());
        assets.push(wasm_url.clone());
    }
    assets.extend(stable_urls);
    let version = hex(&Sha256::digest(assets.join("\n") + &index))[..16].to_owned();
    let worker = fs::read_to_string(static_dir.join("sw.js"))?
        .replace("__VERSION__", &version)
        .replace("__ASSETS__", &serde_json::to_string(&assets)?);
    fs::write(out.join("sw.js"), &worker)?;
    fs::write(out.join("sw.js.gz"), gzip(worker.as_bytes()))?;
    fs::write(out.join("sw.js.br"), brotli(worker.as_bytes()))?;

    // Swap the new dist in whole, so a running server never serves half of a build.
    let dist = root.join("dist");
    let _ = fs::remove_dir_all(&dist);
    fs::rename(&out, &dist).context("moving the build into dist/")?;
    let _ = fs::remove_dir_all(&staging);
    Ok(DistReport { files, wasm_before_opt, dist })
}

/// The same code or stylesheet, minified by esbuild: whitespace, comments and long local names
/// out, non-ASCII text (Vietnamese) kept as it is rather than escaped, and syntax no newer
/// than the browsers that run the app's wasm. Unchanged where esbuild is missing.
fn minified(esbuild: Option<&std::path::Path>, bytes: Vec<u8>, loader: &str) -> anyhow::Result<Vec<u8>> {
    let Some(esbuild) = esbuild else { return Ok(bytes) };
    let mut child = Command::new(esbuild)
        .args(["--minify", "--charset=utf8", "--legal-comments=none", "--log-level=warning"])
        .arg(format!("--loader={loader}"))
        .arg("--target=chrome91,firefox90,safari15")
        .args(if loader == "js" { &["--format=esm"][..] } else { &[] })
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .context("starting esbuild")?;
    let mut stdin = child.stdin.take().context("esbuild's input")?;
    let writer = std::thread::spawn(move || stdin.write_all(&bytes));
    let output = child.wait_with_output().context("running esbuild")?;
    writer.join().expect("the writer to esbuild does not panic").context("writing to esbuild")?;
    if !output.status.success() {
        bail!("esbuild could not minify a {loader} file ({})", output.status);
    }
    Ok(output.stdout)
}

fn hashed(stem: &str, extension: &str, bytes: &[u8]) -> String {
    format!("{stem}.{}.{extension}", &hex(&Sha256::digest(bytes))[..16])
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Brotli at its best (quality 11, a 4 MB window), which browsers take where they say
/// `Accept-Encoding: br` (over https; Chromium sends it on localhost too).
pub fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() };
    brotli::BrotliCompress(&mut std::io::Cursor::new(bytes), &mut out, &params).expect("writing to memory");
    out
}

pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).expect("writing to memory");
    encoder.finish().expect("writing to memory")
}

/// Where the built app is, for tests run against it.
pub fn dist_dir() -> PathBuf {
    root().join("dist")
}

#[cfg(test)]
mod test {
    use super::*;

    #[test]
    fn the_readme_quotes_the_first_load_this_build_measures() {
        let readme = "Screens\n  The kiosk downloads 198.8 KB (gzip) before its first question; the staff …\n";
        assert_eq!(readme_first_load_problem(readme, 198_800), None);
        assert_eq!(readme_first_load_problem(readme, 198_849), None, "the README rounds as the build prints");
        assert_eq!(
            readme_first_load_problem(readme, 205_100).as_deref(),
            Some(
                "README.md says \"The kiosk downloads 198.8 KB (gzip) before its first question; the staff …\"; \
                 this build measures \"The kiosk downloads 205.1 KB (gzip) before its first question\""
            )
        );
    }
}
