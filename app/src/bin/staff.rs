//! The staff area's WebAssembly entry point: everything lives in the library.

fn main() {
    app::run_staff();
}
