//! The server's state, which every route is handed, and its one clock.

use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;

use survey::definition::catalog::Catalog;
use survey::reports::report::ReportTemplate;

use crate::net::limits::Limiter;
use crate::storage::Store;

/// What the API needs: the store, the survey definitions records are checked against, and
/// the rules for phones.
pub struct Collector {
    pub store: Arc<Store>,
    pub catalog: Arc<Catalog>,
    pub limiter: Limiter,
    /// Refuse phone responses that came without a single-use token.
    pub require_phone_token: bool,
    /// Lockouts after wrong passwords, and the permits for hashing.
    pub sign_in: crate::auth::SignInGuard,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`).
    pub trusted_proxies: Vec<IpAddr>,
    /// Mark the session cookie `Secure`: the server is reached over https (its own TLS, or a
    /// proxy's).
    pub secure_cookies: bool,
    /// Days within which a low rating counts as followed up in time (`--follow-up-days`).
    pub follow_up_days: u32,
    /// The shape of the report for the level above (`--report-template`).
    pub report_template: Arc<survey::reports::report::ReportTemplate>,
}

impl Collector {
    /// A collector over `store` that takes responses to the shipped definitions.
    pub fn with_shipped_surveys(
        store: Store,
        limits: crate::net::limits::Limits,
        require_phone_token: bool,
    ) -> Collector {
        let catalog = Catalog::new(survey_defs::all());
        Collector {
            store: Arc::new(store),
            catalog: Arc::new(catalog),
            limiter: Limiter::new(limits),
            require_phone_token,
            sign_in: crate::auth::SignInGuard::default(),
            trusted_proxies: Vec::new(),
            secure_cookies: false,
            follow_up_days: DEFAULT_FOLLOW_UP_DAYS,
            report_template: Arc::new(
                report_template(None).expect("the shipped report template is checked by its test"),
            ),
        }
    }
}

/// Days within which a low rating counts as followed up in time, unless `--follow-up-days`
/// says otherwise: the same or the next day.
pub const DEFAULT_FOLLOW_UP_DAYS: u32 = 1;

/// The template of the report for the level above shipped with the server.
pub const DEFAULT_REPORT_TEMPLATE: &str = include_str!("../../../report-templates/mac-dinh.toml");

/// A report template read from TOML and checked; the error names `file`, and the line and
/// field where TOML says so.
pub fn read_template(text: &str, file: &str) -> Result<ReportTemplate, String> {
    let parsed: ReportTemplate = toml::from_str(text).map_err(|err| format!("{file}: {err}"))?;
    parsed.check().map_err(|err| format!("{file}: {err}"))
}

/// The report template at `path` (`--report-template`), or the shipped one.
pub fn report_template(path: Option<&Path>) -> Result<ReportTemplate, String> {
    match path {
        None => read_template(DEFAULT_REPORT_TEMPLATE, "report-templates/mac-dinh.toml"),
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|err| format!("{}: {err}", path.display()))?;
            read_template(&text, &path.display().to_string())
        }
    }
}

/// The time now, RFC 3339 in Vietnam time.
pub fn now_vietnam() -> String {
    survey::vn_time::format_vietnam(now_millis()).unwrap_or_default()
}

/// This server's clock, in milliseconds since 1970.
pub fn now_millis() -> i64 {
    (time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1_000_000) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_template_reads_and_a_wrong_copy_is_refused_by_line_and_field() {
        let shipped = report_template(None).unwrap();
        assert!(shipped.sections.iter().any(|section| section.part == survey::reports::report::Part::Officers));
        let typo = DEFAULT_REPORT_TEMPLATE.replace("key = \"ci-low\"", "key = \"ci-lo\"");
        let err = read_template(&typo, "tinh.toml").unwrap_err();
        assert!(err.starts_with("tinh.toml: ") && err.contains("line") && err.contains("ci-lo"), "{err}");
        let placeholder =
            DEFAULT_REPORT_TEMPLATE.replace("{unit_name}, {period_label}", "{ten_don_vi}, {period_label}");
        let err = read_template(&placeholder, "tinh.toml").unwrap_err();
        assert!(err.contains("subject") && err.contains("{ten_don_vi}"), "{err}");
        let no_columns = DEFAULT_REPORT_TEMPLATE.replacen("columns = [", "kolumns = [", 1);
        assert!(read_template(&no_columns, "tinh.toml").unwrap_err().contains("kolumns"));
    }
}
