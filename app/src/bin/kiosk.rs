//! The kiosk's WebAssembly entry point: everything lives in the library.

fn main() {
    app::run_kiosk();
}
