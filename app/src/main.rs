//! The entry point of the app's WebAssembly: everything lives in the library.

fn main() {
    app::run();
}
