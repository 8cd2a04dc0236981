//! Stored and exchanged responses: the versioned record (`record`), the one gate every record
//! passes before it is stored, counted or sent (`gate`), the cleaning of citizens' free text
//! that the gate and the filling session share (`privacy`), the raw CSV that carries
//! records between devices (`raw`) and a device's backup file (`backup`); what devices send to
//! the server is the `wire` crate's. These formats outlive app versions, so each is explicit and versioned.

pub mod backup;
pub mod gate;
pub mod privacy;
pub mod raw;
pub mod record;
