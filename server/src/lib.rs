//! The `hailong` server as a library: the router that serves the app and collects responses.
//!
//! [`app`] holds the table of paths and nothing else, so tests call it without a socket. This is
//! the only crate that knows HTTP and SQL. Its rooms, each importing only those before it:
//! `roles` (pure), `storage` (all of the SQL), `net` (listening, TLS, rate limits), `auth`
//! (passwords and lockouts), `http` (the kit every route uses), `routes` (one file per concern);
//! the commands of `hailong` are the binary's `cli`.

pub mod auth;
#[macro_use]
pub mod http;
pub mod net;
pub mod roles;
pub mod routes;
pub mod storage;

use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::middleware;
use axum::routing::{delete, get, patch, post, put};
use tower_http::services::ServeDir;

use http::state::Collector;
use routes::{certifying, city, collect, comments, digest, exports, followups, kiosks, phone, report, results};

/// What the server serves.
#[derive(Clone)]
pub struct ServeConfig {
    /// The built app: `index.html`, the content-hashed glue and wasm, `sw.js` … as made by
    /// `cargo xtask dist`.
    pub dist: PathBuf,
    pub collector: Arc<Collector>,
    /// The largest request body taken, in bytes: a full batch of long SIPAS responses fits
    /// in well under this.
    pub max_body_bytes: usize,
}

/// The default [`ServeConfig::max_body_bytes`]: 500 records of 4 KB each.
pub const DEFAULT_MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// The whole HTTP surface of `hailong serve`.
pub fn app(config: &ServeConfig) -> Router {
    let dist = Arc::new(config.dist.clone());
    let shell = {
        let dist = dist.clone();
        tower::service_fn(move |request: Request| {
            let dist = dist.clone();
            async move { Ok::<_, std::convert::Infallible>(http::pages::app_shell(&dist, request.uri().path()).await) }
        })
    };
    let files = ServeDir::new(config.dist.as_path())
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(true)
        .fallback(shell);
    let api = Router::new()
        .route(wire::sync::RESPONSES_PATH, post(collect::post_responses))
        .route(wire::sync::TOKEN_STATUS_PATH, post(collect::token_status))
        .route(wire::exports::TOKENS, post(collect::issue_tokens))
        .route(wire::exports::TALLY_CSV, get(exports::tally_csv))
        .route(wire::exports::INDEX_CSV, get(exports::index_csv))
        .route(wire::exports::RESPONSES_CSV, get(exports::raw_csv))
        .route(
            wire::session::SESSION,
            get(http::session::current).post(http::session::sign_in).delete(http::session::sign_out),
        )
        .route(wire::session::PASSWORD, post(http::session::change_password))
        .route(wire::city::UNITS, get(city::units).post(city::add_unit))
        .route(wire::city::UNIT, patch(city::change_unit).delete(city::remove_unit))
        .route(wire::city::UNIT_COUNTER, put(city::name_counter).delete(city::remove_counter))
        .route(wire::city::ACCOUNTS, get(city::accounts).post(city::add_account))
        .route(wire::city::ACCOUNT, delete(city::remove_account))
        .route(wire::city::AUDIT_CSV, get(city::audit_csv))
        .route(wire::city::FIGURES, get(city::figures))
        .route(wire::sync::PAIR_PATH, post(kiosks::pair))
        .route(wire::sync::DEVICE_CONFIG_PATH, get(kiosks::device_config))
        .route(wire::city::DEVICES, get(kiosks::devices).post(kiosks::add_device))
        .route(wire::city::DEVICE, patch(kiosks::change_device).delete(kiosks::revoke_device))
        .route(wire::city::DEVICE_PAIRING, post(kiosks::new_pairing))
        .route(wire::certificates::CERTIFICATES, get(certifying::state).post(certifying::certify))
        .route(wire::certificates::WITHDRAW, post(certifying::withdraw))
        .route(wire::certificates::DOSSIERS, get(certifying::dossiers).put(certifying::put_dossiers))
        .route(wire::followups::FOLLOWUPS, get(followups::list))
        .route(wire::followups::FOLLOWUP, post(followups::mark))
        .route(wire::followups::REPLIES, get(followups::reply).put(followups::put_reply))
        .route(wire::comments::COMMENTS, get(comments::list))
        .route(wire::comments::COMMENTS_CSV, get(comments::export))
        .route(wire::comments::TAGS, put(comments::tag))
        .route(wire::comments::TOPICS, get(comments::topics).put(comments::put_topics))
        .route(wire::exports::REPORT, get(report::report))
        .route(wire::digest::DIGEST, get(digest::addresses).put(digest::put_addresses))
        .route("/results/{unit}/{period}", get(results::results_page))
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .with_state(config.collector.clone());
    let phone = Router::new()
        .route("/p/{unit}/{counter}", get(phone::phone_page).post(phone::phone_tap))
        .layer(DefaultBodyLimit::max(PHONE_FORM_BYTES))
        // The page is made per visit (its own response id), so it is compressed as it is sent, at
        // the default level: brotli at its best costs a slow phone more waiting than it saves.
        .layer(
            tower_http::compression::CompressionLayer::new()
                .br(true)
                .gzip(true)
                .quality(tower_http::CompressionLevel::Best),
        )
        .with_state(phone::Phone { collector: config.collector.clone(), dist: dist.clone() });
    api.merge(phone).fallback_service(files).layer(middleware::from_fn(http::pages::headers))
}

/// The largest first-screen form: four short fields.
pub const PHONE_FORM_BYTES: usize = 4 * 1024;
