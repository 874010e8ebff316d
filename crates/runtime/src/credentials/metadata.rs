//! Talking to an instance metadata service: a small HTTP client of its own, and failures told
//! without secrets.

use std::time::Duration;

/// An HTTP client for a metadata service: `connect` to open the connection, `connect + read`
/// for a whole exchange, and no proxy (the service is link-local; a proxy would not reach it,
/// and must not see the credentials). Short timeouts, because off the cloud the address leads
/// nowhere and the chain has to give up quickly.
pub(crate) fn http_client(connect: Duration, read: Duration) -> reqwest::Client {
    crate::bare_http_client_builder()
        .no_proxy()
        .connect_timeout(connect)
        .timeout(connect + read)
        .build()
        // Without TLS settings to load (plain http), building cannot fail; fall back to the
        // default client rather than panic.
        .unwrap_or_default()
}

/// A transport failure in words: "connection refused", "no answer within 2s", ... with the
/// deepest cause, which is where the useful part is (reqwest's own message repeats the URL).
pub(crate) fn describe(error: &reqwest::Error, limit: Duration) -> String {
    if error.is_timeout() {
        return format!("no answer within {}", humantime::format_duration(limit));
    }
    let mut cause: &dyn std::error::Error = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    let cause = cause.to_string();
    if error.is_connect() {
        format!("cannot connect: {cause}")
    } else {
        cause
    }
}

/// The base URL without a trailing slash, if it is an absolute http(s) URL.
pub(crate) fn check_url(url: &str) -> Result<String, String> {
    crate::check_endpoint(url).map_err(|e| e.to_string())
}
