//! Stored and exchanged responses: the versioned record (`record`), the raw CSV that carries
//! records between devices (`raw`), a device's backup file (`backup`) and the sync API's wire
//! format (`sync`). These formats outlive app versions, so each is explicit and versioned.

pub mod backup;
pub mod raw;
pub mod record;
pub mod sync;
