//! Accepting connections so that slow or idle clients cannot hold the collector: a client has
//! a few seconds to send a request's headers (idle keep-alive connections are closed the same
//! way), a few more to send its body, and only so many connections are open at once, well under
//! the process's open-file limit. Phones on a poor line send a batch in well under a second.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tower::ServiceExt;

/// How long clients may take, and how many may be connected at once.
#[derive(Clone, Copy, Debug)]
pub struct Patience {
    /// From the connection (or the end of the previous answer) to the end of the headers.
    pub headers: Duration,
    /// From the headers to the end of the body.
    pub body: Duration,
    /// Connections served at once; more wait in the kernel's queue until one closes.
    pub connections: usize,
}

impl Default for Patience {
    fn default() -> Patience {
        Patience { headers: Duration::from_secs(10), body: Duration::from_secs(20), connections: 512 }
    }
}

/// Serves `app` on `listener` until `shutdown` completes, then lets open requests finish. With
/// `tls`, every connection is https; a TLS handshake must end within the headers' deadline.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    patience: Patience,
    tls: Option<tokio_rustls::TlsAcceptor>,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let app = app.layer(tower_http::timeout::RequestBodyTimeoutLayer::new(patience.body));
    let permits = Arc::new(tokio::sync::Semaphore::new(patience.connections));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => permit.map_err(std::io::Error::other)?,
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // Out of file descriptors, or a connection reset before it was taken: wait a
                // little and go on, never stop serving.
                Err(err) => {
                    tracing::warn!(error = %err, "a connection could not be accepted");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let app = app.clone();
        let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            let mut request = request.map(Body::new);
            // The peer's address feeds the per-address rate limit for phones; it is never logged.
            request.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            app.clone().oneshot(request)
        });
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new()).header_read_timeout(patience.headers);
        let watcher = graceful.watcher();
        let tls = tls.clone();
        tokio::spawn(async move {
            match tls {
                None => {
                    let _ = watcher.watch(http.serve_connection(TokioIo::new(stream), service)).await;
                }
                Some(acceptor) => {
                    // A client that stalls the handshake is cut off like one that stalls its headers.
                    if let Ok(Ok(stream)) = tokio::time::timeout(patience.headers, acceptor.accept(stream)).await {
                        let _ = watcher.watch(http.serve_connection(TokioIo::new(stream), service)).await;
                    }
                }
            }
            drop(permit);
        });
    }
    // Requests under way get a while to finish; idle connections close at once.
    let _ = tokio::time::timeout(Duration::from_secs(10), graceful.shutdown()).await;
    Ok(())
}
