//! CSV as office staff meet it: written in the profiles Excel opens correctly on a Vietnamese
//! Windows (`write`), and read back from whatever Excel or LibreOffice saved (`read`).

pub mod read;
pub mod write;
