//! The browser underneath both apps, each in one module: IndexedDB (`storage`, which alone
//! touches it and holds every key), the outbox sender (`sync`, which alone calls `fetch`), the
//! clock (`clock`, which alone reads time), downloads, the service worker, the address
//! (`route`), form fields (`dom`), text normalisation and the one gate (`nfc`) and the tap
//! guard (`gesture`). Nothing here draws a screen.

pub mod account;
pub mod banner;
pub mod clock;
pub mod dom;
pub mod download;
pub mod gesture;
pub mod nfc;
pub mod route;
pub mod service_worker;
pub mod storage;
pub mod sync;
