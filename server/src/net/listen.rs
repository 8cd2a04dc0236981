//! Accepting connections so that slow or idle clients cannot hold the collector: a client has
//! a few seconds to send a request's headers (idle keep-alive connections are closed the same
//! way), a few more to send its body, and only so many connections are open at once, well under
//! the process's open-file limit. Phones on a poor line send a batch in well under a second.
//!
//! When every place is taken, the connection that has been idle longest (no request under way:
//! not yet sent one, or waiting between requests) is closed to make room, so a flood of idle
//! connections cannot keep a citizen's request waiting for the idle deadline.

use std::collections::HashMap;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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
    /// From the headers to the end of the body, in all (not between two bytes).
    pub body: Duration,
    /// Connections served at once; more wait in the kernel's queue until one closes.
    pub connections: usize,
}

impl Default for Patience {
    fn default() -> Patience {
        Patience { headers: Duration::from_secs(10), body: Duration::from_secs(20), connections: 512 }
    }
}

/// An open connection: since when it has been idle (None while a request is under way), and
/// what closes it.
type Connection = (Option<Instant>, Arc<tokio::sync::Notify>);

/// The open connections, by number.
#[derive(Default)]
struct Open {
    next: AtomicU64,
    idle_since: Mutex<HashMap<u64, Connection>>,
}

impl Open {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Connection>> {
        self.idle_since.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A new connection, idle until its first request: its number and what closes it.
    fn add(&self) -> (u64, Arc<tokio::sync::Notify>) {
        let number = self.next.fetch_add(1, Ordering::Relaxed);
        let close = Arc::new(tokio::sync::Notify::new());
        self.lock().insert(number, (Some(Instant::now()), close.clone()));
        (number, close)
    }

    fn set_idle(&self, number: u64, idle: bool) {
        if let Some(entry) = self.lock().get_mut(&number) {
            entry.0 = idle.then(Instant::now);
        }
    }

    fn is_idle(&self, number: u64) -> bool {
        self.lock().get(&number).is_some_and(|(since, _)| since.is_some())
    }

    fn remove(&self, number: u64) {
        self.lock().remove(&number);
    }

    /// Closes the connection idle longest, if any is idle.
    fn close_longest_idle(&self) {
        let open = self.lock();
        let idle = open.values().filter_map(|(since, close)| since.map(|since| (since, close)));
        if let Some((_, close)) = idle.min_by_key(|(since, _)| *since) {
            close.notify_one();
        }
    }
}

/// Marks a connection busy while a request is under way, and idle again when it is answered.
struct Busy {
    open: Arc<Open>,
    number: u64,
}

impl Drop for Busy {
    fn drop(&mut self) {
        self.open.set_idle(self.number, true);
    }
}

/// A request body that must end by one deadline, set when its headers were read: a client
/// that sends a byte every few seconds is cut off then, not kept on by each byte (a deadline
/// per byte let a handful of such clients hold every connection place). Reading it past the
/// deadline fails, which the extractors answer with 400.
struct DeadlineBody {
    inner: Body,
    deadline: std::pin::Pin<Box<tokio::time::Sleep>>,
}

impl hyper::body::Body for DeadlineBody {
    type Data = axum::body::Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: std::pin::Pin<&mut Self>,
        context: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<hyper::body::Frame<Self::Data>, Self::Error>>> {
        if self.deadline.as_mut().poll(context).is_ready() {
            return std::task::Poll::Ready(Some(Err(axum::Error::new(
                "the request's body took longer than its deadline",
            ))));
        }
        std::pin::Pin::new(&mut self.inner).poll_frame(context)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        self.inner.size_hint()
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
    let body_deadline = patience.body;
    let app = app.layer(axum::middleware::map_request(move |request: axum::extract::Request| async move {
        let (parts, body) = request.into_parts();
        let body = DeadlineBody { inner: body, deadline: Box::pin(tokio::time::sleep(body_deadline)) };
        axum::extract::Request::from_parts(parts, Body::new(body))
    }));
    let permits = Arc::new(tokio::sync::Semaphore::new(patience.connections));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let open = Arc::new(Open::default());
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let permit = match permits.clone().try_acquire_owned() {
            Ok(permit) => permit,
            Err(_) => {
                // Full: make room by closing the connection idle longest, then wait for a place.
                open.close_longest_idle();
                tokio::select! {
                    permit = permits.clone().acquire_owned() => permit.map_err(std::io::Error::other)?,
                    () = &mut shutdown => break,
                }
            }
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
        let (number, close) = open.add();
        let busy_open = open.clone();
        let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
            let mut request = request.map(Body::new);
            // The peer's address feeds the per-address rate limit for phones; it is never logged.
            request.extensions_mut().insert(ConnectInfo::<SocketAddr>(peer));
            busy_open.set_idle(number, false);
            let busy = Busy { open: busy_open.clone(), number };
            let answer = app.clone().oneshot(request);
            async move {
                let answer = answer.await;
                drop(busy);
                answer
            }
        });
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new()).header_read_timeout(patience.headers);
        let watcher = graceful.watcher();
        let tls = tls.clone();
        let open = open.clone();
        tokio::spawn(async move {
            let serving = async {
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
            };
            // Closed to make room only while idle: a request under way is never cut, even one
            // that began just after this connection was chosen.
            let mut serving = std::pin::pin!(serving);
            loop {
                tokio::select! {
                    () = &mut serving => break,
                    () = close.notified() => if open.is_idle(number) { break },
                }
            }
            open.remove(number);
            drop(permit);
        });
    }
    // Requests under way get a while to finish; idle connections close at once.
    let _ = tokio::time::timeout(Duration::from_secs(10), graceful.shutdown()).await;
    Ok(())
}
