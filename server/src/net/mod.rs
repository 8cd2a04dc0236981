//! The network under the routes: the accept loop and its deadlines, TLS with certificates read
//! again when renewed, and the rate limits of phones by address.

pub mod limits;
pub mod listen;
pub mod tls;
