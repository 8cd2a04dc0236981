//! Installing what a fresh machine lacks, each from its package registry, and only when missing:
//! the wasm target (rustup), wasm-opt, esbuild and playwright-core (npm), Chromium and ChromeDriver
//! (Debian's apt, as root), the fonts the layout tests measure with (Debian's apt), and wasm-bindgen-test-runner at the version in Cargo.lock (cargo).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, bail};

use crate::root;

pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Runs a command to completion, failing with its name if it fails.
pub fn run(command: &mut Command) -> anyhow::Result<()> {
    let status = command.status().with_context(|| format!("starting {command:?}"))?;
    if !status.success() {
        bail!("{command:?} failed ({status})");
    }
    Ok(())
}

fn output(command: &mut Command) -> Option<String> {
    let output = command.output().ok()?;
    output.status.success().then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}

pub fn ensure_wasm_target() -> anyhow::Result<()> {
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if !installed.lines().any(|line| line.trim() == WASM_TARGET) {
        eprintln!("xtask: installing the {WASM_TARGET} target with rustup");
        run(Command::new("rustup").args(["target", "add", WASM_TARGET]))?;
    }
    Ok(())
}

/// Installs the npm packages of `package-lock.json` when `node_modules` lacks them.
pub fn ensure_npm_packages() -> anyhow::Result<()> {
    let root = root();
    let installed = root.join("node_modules/.package-lock.json");
    let stale = match (installed.metadata(), root.join("package-lock.json").metadata()) {
        (Ok(installed), Ok(lock)) => installed.modified()? < lock.modified()?,
        _ => true,
    };
    if stale {
        eprintln!("xtask: installing npm packages (binaryen, esbuild, playwright-core, axe-core, csv-parse)");
        run(Command::new("npm").current_dir(&root).args(["ci", "--no-audit", "--no-fund"]))?;
    }
    Ok(())
}

/// wasm-opt from npm's binaryen (Debian's is too old to read current wasm-bindgen output).
/// `None`, with a warning, where npm cannot provide it: the app still builds, only larger.
pub fn wasm_opt() -> Option<PathBuf> {
    npm_tool("wasm-opt", "without size optimisation")
}

/// esbuild from npm, which minifies the JS glue, `boot.js` and the stylesheet. `None`, with a
/// warning, where npm cannot provide it: the app still builds, only larger.
pub fn esbuild() -> Option<PathBuf> {
    npm_tool("esbuild", "with its JS and CSS unminified")
}

fn npm_tool(name: &str, otherwise: &str) -> Option<PathBuf> {
    if let Err(err) = ensure_npm_packages() {
        eprintln!("xtask: warning: cannot install {name} ({err:#}); the app will be built {otherwise}");
        return None;
    }
    let path = root().join("node_modules/.bin").join(name);
    if path.exists() {
        Some(path)
    } else {
        eprintln!("xtask: warning: node_modules/.bin/{name} is missing; the app will be built {otherwise}");
        None
    }
}

/// Chromium and ChromeDriver from Debian, for the browser and end-to-end tests.
pub fn ensure_chromium() -> anyhow::Result<()> {
    ensure_debian_packages(&[(CHROMIUM, "chromium"), (CHROMEDRIVER, "chromium-driver")])
}

/// LibreOffice Calc without its GUI, which opens the exported CSV and XLSX files in a test.
pub const SOFFICE: &str = "/usr/bin/soffice";

pub fn ensure_libreoffice() -> anyhow::Result<()> {
    ensure_debian_packages(&[(SOFFICE, "libreoffice-calc-nogui")])
}

/// The fonts the layout tests measure with (`LAYOUT_FONTS` in `tests/e2e/harness.mjs`): DejaVu
/// Sans, the widest common font and a bare Debian machine's only one, and Roboto, what Android
/// phones draw text with. A layout test measures the fonts it names, never whatever fonts the
/// machine happens to have.
pub fn ensure_layout_fonts() -> anyhow::Result<()> {
    ensure_debian_packages(&[
        ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "fonts-dejavu-core"),
        ("/usr/share/fonts/truetype/roboto/unhinted/RobotoTTF/Roboto-Regular.ttf", "fonts-roboto-unhinted"),
    ])
}

/// Debian's `wrk`, for the load benchmark.
pub fn ensure_wrk() -> anyhow::Result<()> {
    ensure_debian_packages(&[("/usr/bin/wrk", "wrk")])
}

/// Installs with apt-get (as root) each package whose file is missing.
fn ensure_debian_packages(wanted: &[(&str, &str)]) -> anyhow::Result<()> {
    let missing: Vec<&str> =
        wanted.iter().filter(|(path, _)| !Path::new(path).exists()).map(|(_, package)| *package).collect();
    if missing.is_empty() {
        return Ok(());
    }
    let is_root = output(Command::new("id").arg("-u")).is_some_and(|uid| uid.trim() == "0");
    if !is_root {
        bail!("the tests need Debian's {}: run `sudo apt-get install {}`", missing.join(", "), missing.join(" "));
    }
    eprintln!("xtask: installing {} with apt-get", missing.join(", "));
    run(Command::new("apt-get").arg("update").arg("-qq"))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "-qq", "--no-install-recommends"])
        .args(&missing)
        .env("DEBIAN_FRONTEND", "noninteractive"))?;
    Ok(())
}

/// The exact version of a package in Cargo.lock.
pub fn locked_version(package: &str) -> anyhow::Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).context("reading Cargo.lock")?;
    let needle = format!("name = \"{package}\"\nversion = \"");
    let start = lock.find(&needle).with_context(|| format!("{package} is not in Cargo.lock"))? + needle.len();
    let end = lock[start..].find('"').context("a malformed Cargo.lock")?;
    Ok(lock[start..start + end].to_owned())
}

/// `wasm-bindgen-test-runner` at the version of `wasm-bindgen` in Cargo.lock; the runner
/// refuses test binaries made by any other version.
pub fn ensure_wasm_test_runner() -> anyhow::Result<()> {
    let wanted = locked_version("wasm-bindgen")?;
    let installed = || {
        let have = output(Command::new("wasm-bindgen-test-runner").arg("--version")).unwrap_or_default();
        have.split_whitespace().nth(1) == Some(wanted.as_str())
    };
    if !installed() {
        eprintln!("xtask: installing wasm-bindgen-test-runner {wanted} with cargo install (a few minutes, once)");
        // --force: cargo's record of installed packages can outlive the binaries themselves.
        run(Command::new("cargo").args(["install", "--force", "wasm-bindgen-cli", "--version", &wanted]))?;
        if !installed() {
            bail!(
                "wasm-bindgen-test-runner {wanted} is still not on PATH after cargo install; is ~/.cargo/bin on PATH?"
            );
        }
    }
    Ok(())
}

/// Builds the `hailong` binary and returns its path.
pub fn build_server() -> anyhow::Result<PathBuf> {
    run(Command::new("cargo").current_dir(root()).args([
        "build",
        "--quiet",
        "--package",
        "server",
        "--bin",
        "hailong",
    ]))?;
    let path = root().join("target/debug/hailong");
    if !path.exists() {
        bail!("cargo built the server but {} is missing", path.display());
    }
    Ok(path)
}
