//! https served by `hailong` itself (`--tls-cert FILE --tls-key FILE`), for a ward whose
//! tablets reach the server on its LAN with no reverse proxy in front: service workers and
//! WebCrypto need a secure origin. The certificate and key are PEM files, as certbot, an
//! internal CA or `mkcert` write them; they are read again when either file changes (checked at
//! most every [`RECHECK`], on a new connection), so a renewed certificate is served without a
//! restart. A file that cannot be read while the server runs leaves the previous certificate in
//! use, and says so in the log.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;

/// How often the files' times and sizes are looked at again.
pub const RECHECK: Duration = Duration::from_secs(2);

/// A file's modification time and size: what tells that it was replaced.
type Stamp = Option<(SystemTime, u64)>;

fn stamp(path: &Path) -> Stamp {
    std::fs::metadata(path).ok().and_then(|meta| Some((meta.modified().ok()?, meta.len())))
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Reads a certificate chain and its private key, and checks that they belong together.
pub fn load(cert: &Path, key: &Path) -> Result<Arc<CertifiedKey>, String> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect::<Result<_, _>>())
        .map_err(|err| format!("{}: not a PEM certificate: {err}", cert.display()))?;
    if chain.is_empty() {
        return Err(format!("{}: no certificate in the file (expected -----BEGIN CERTIFICATE-----)", cert.display()));
    }
    let private =
        PrivateKeyDer::from_pem_file(key).map_err(|err| format!("{}: not a PEM private key: {err}", key.display()))?;
    let certified = CertifiedKey::from_der(chain, private, &provider())
        .map_err(|err| format!("{} and {}: {err}", cert.display(), key.display()))?;
    Ok(Arc::new(certified))
}

/// The certificate in use, read again when its files change.
pub struct Reloading {
    cert: PathBuf,
    key: PathBuf,
    state: Mutex<State>,
}

struct State {
    certified: Arc<CertifiedKey>,
    stamps: (Stamp, Stamp),
    checked: Instant,
}

impl std::fmt::Debug for Reloading {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reloading").field("cert", &self.cert).field("key", &self.key).finish()
    }
}

impl Reloading {
    pub fn new(cert: &Path, key: &Path) -> Result<Reloading, String> {
        let stamps = (stamp(cert), stamp(key));
        let certified = load(cert, key)?;
        Ok(Reloading {
            cert: cert.to_owned(),
            key: key.to_owned(),
            state: Mutex::new(State { certified, stamps, checked: Instant::now() }),
        })
    }

    /// The certificate to present now, read again first if its files changed.
    pub fn current(&self) -> Arc<CertifiedKey> {
        let mut state = self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if state.checked.elapsed() >= RECHECK {
            state.checked = Instant::now();
            let stamps = (stamp(&self.cert), stamp(&self.key));
            if stamps != state.stamps {
                match load(&self.cert, &self.key) {
                    Ok(certified) => {
                        state.certified = certified;
                        state.stamps = stamps;
                        tracing::info!("the TLS certificate was read again: its files changed");
                    }
                    // Half-written by a renewal, or a key that does not match yet: the old one
                    // is served and the files are tried again at the next check.
                    Err(err) => {
                        tracing::warn!(error = %err, "the changed TLS files cannot be used yet; the previous certificate is kept")
                    }
                }
            }
        }
        state.certified.clone()
    }
}

impl ResolvesServerCert for Reloading {
    fn resolve(&self, _hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        Some(self.current())
    }
}

/// The acceptor for `--tls-cert` and `--tls-key`: TLS 1.2 and 1.3, HTTP/1.1.
pub fn acceptor(cert: &Path, key: &Path) -> Result<tokio_rustls::TlsAcceptor, String> {
    let resolver = Reloading::new(cert, key)?;
    let mut config = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|err| err.to_string())?
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(resolver));
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}
