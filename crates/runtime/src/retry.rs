//! The retry layer every generated client runs its requests through (`ClientHooks::exec`).
//!
//! What is retried, and why it is safe:
//! - **Refused before processing** — throttling (HTTP 429, Huawei `APIGW.0308`, Alibaba
//!   `Throttling*` codes) and connections that could not be opened: the service did nothing, so
//!   every operation is retried.
//! - **Ambiguous** — a 5xx answer, a timeout, a connection dropped after the request left: the
//!   service may have acted. Retried only when a repeat cannot do anything twice: reads, `PUT`
//!   and `DELETE`; Alibaba operations that take a `ClientToken` (one token is chosen before the
//!   first attempt and every attempt carries it); and operations whose client crate knows how to
//!   find what an earlier attempt created (the Huawei snapshot creates look the snapshot up by
//!   name first, see [`Recovery`]).
//!
//! Every attempt is signed again with a fresh date. A `Retry-After` header (seconds or an HTTP
//! date) replaces the backoff delay; one longer than [`RetryPolicy::max_retry_after`] ends the
//! retries, as waiting that long is the caller's decision.

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime};

use reqwest::{Method, StatusCode};

use crate::Backoff;
use crate::transport::{Transport, Vendor};

/// How a client retries. [`RetryPolicy::default`] makes at most 4 attempts with delays from
/// 200 ms doubling up to 10 s (jittered into the upper half of each step), and honours a
/// `Retry-After` of up to 60 s; [`RetryPolicy::none`] sends each request once.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Attempts per call, the first included; 1 switches retries off.
    pub max_attempts: u32,
    /// Delays between attempts.
    pub backoff: Backoff,
    /// The longest `Retry-After` waited for; a longer one returns the answer to the caller.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 4,
            backoff: Backoff::new(Duration::from_millis(200), Duration::from_secs(10)),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Each request is sent once.
    pub fn none() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The same policy with at most `attempts` attempts per call (the first included).
    pub fn with_max_attempts(mut self, attempts: u32) -> RetryPolicy {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The same policy with `backoff` between attempts.
    pub fn with_backoff(mut self, backoff: Backoff) -> RetryPolicy {
        self.backoff = backoff;
        self
    }
}

/// What a client crate does after an ambiguous failure of a create that has no idempotency
/// token: look for what the failed attempt may have made. `Ok(Some(answer))` is returned to the
/// caller as the create's answer; `Ok(None)` (nothing found) lets the create be sent again;
/// `Err(())` (the lookup failed too) returns the original failure.
pub type Recovery<'a> =
    Pin<Box<dyn Future<Output = Result<Option<reqwest::Response>, ()>> + Send + 'a>>;

/// The header a recovered answer carries (value `true`), so that a caller can tell that the
/// answer was found after an ambiguous failure rather than sent by the service for the create.
pub const RECOVERED_HEADER: &str = "x-snapspec-recovered";

/// The answer of a create whose effect a [`Recovery`] found: `status` and the JSON `body` the
/// service would have sent, marked with [`RECOVERED_HEADER`].
pub fn recovered_answer(status: u16, body: &serde_json::Value) -> reqwest::Response {
    let bytes = serde_json::to_vec(body).unwrap_or_default();
    let answer = http::Response::builder()
        .status(status)
        .header(http::header::CONTENT_TYPE, "application/json")
        .header(RECOVERED_HEADER, "true")
        .body(bytes)
        .unwrap_or_else(|_| http::Response::new(Vec::new()));
    reqwest::Response::from(answer)
}

/// The JSON body of a request, if it has one that parses.
pub fn json_body(request: &reqwest::Request) -> Option<serde_json::Value> {
    serde_json::from_slice(request.body()?.as_bytes()?).ok()
}

/// The segments of `url`'s path, percent-decoded; `None` when one is not UTF-8 once decoded.
pub fn path_segments(url: &reqwest::Url) -> Option<Vec<String>> {
    url.path_segments()?
        .map(|segment| {
            percent_encoding::percent_decode_str(segment)
                .decode_utf8()
                .ok()
                .map(|text| text.into_owned())
        })
        .collect()
}

/// Why an attempt did not give the caller its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    /// The service refused before doing anything (throttling, no connection).
    Refused { retry_after: Option<Duration> },
    /// The service may have acted (5xx, timeout, connection lost after sending).
    Ambiguous { retry_after: Option<Duration> },
}

/// An attempt's result once classified; the body of an error answer that had to be read to
/// classify it is put back into the response.
enum Outcome {
    Done(reqwest::Result<reqwest::Response>),
    Failed(reqwest::Result<reqwest::Response>, Failure),
}

/// Whether repeating an ambiguous attempt of `request` is harmless in itself.
pub(crate) fn repeatable(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::OPTIONS | Method::PUT | Method::DELETE
    )
}

/// Whether the query of `url` carries an idempotency token (`ClientToken`, or `clientToken` as
/// some Alibaba operations spell it).
pub(crate) fn has_client_token(url: &reqwest::Url) -> bool {
    url.query_pairs()
        .any(|(key, value)| key.eq_ignore_ascii_case("clienttoken") && !value.is_empty())
}

/// `Retry-After` as a delay from `now`: whole seconds or an HTTP date.
pub fn retry_after(headers: &reqwest::header::HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// Whether an Alibaba or Huawei error code says the request was throttled.
fn is_throttling_code(code: &str) -> bool {
    code.starts_with("Throttling") || code == "APIGW.0308"
}

async fn classify(result: reqwest::Result<reqwest::Response>, vendor: Vendor) -> Outcome {
    let response = match result {
        Ok(response) => response,
        Err(error) => {
            let failure = if error.is_connect() {
                Failure::Refused { retry_after: None }
            } else if error.is_timeout() || error.is_request() {
                Failure::Ambiguous { retry_after: None }
            } else {
                return Outcome::Done(Err(error));
            };
            return Outcome::Failed(Err(error), failure);
        }
    };
    let status = response.status();
    // Read only for an answer that may be retried: a success never looks at the header.
    let wait = |response: &reqwest::Response| retry_after(response.headers(), SystemTime::now());
    if status == StatusCode::TOO_MANY_REQUESTS {
        let retry_after = wait(&response);
        return Outcome::Failed(Ok(response), Failure::Refused { retry_after });
    }
    // Alibaba answers throttling with 400 or 503 and a `Throttling*` code in the body; Huawei's
    // gateway with 429 (above) or, behind some front ends, a 5xx carrying `APIGW.0308`. Only these
    // error answers are read here; a success is handed over untouched.
    let read_body = status.is_server_error()
        || (vendor == Vendor::Alibaba
            && status.is_client_error()
            && status != StatusCode::NOT_FOUND);
    if !read_body {
        return Outcome::Done(Ok(response));
    }
    let (response, code) = match peek_error_code(response).await {
        Ok(pair) => pair,
        Err(error) => return Outcome::Done(Err(error)),
    };
    let failure = if code.as_deref().is_some_and(is_throttling_code) {
        Failure::Refused {
            retry_after: wait(&response),
        }
    } else if status.is_server_error() && status != StatusCode::NOT_IMPLEMENTED {
        Failure::Ambiguous {
            retry_after: wait(&response),
        }
    } else {
        return Outcome::Done(Ok(response));
    };
    Outcome::Failed(Ok(response), failure)
}

/// Reads an error answer's body for its vendor code and rebuilds the response around the same
/// bytes, so that the generated code still reads status, headers and body as sent.
async fn peek_error_code(
    response: reqwest::Response,
) -> reqwest::Result<(reqwest::Response, Option<String>)> {
    let status = response.status();
    let version = response.version();
    let headers = response.headers().clone();
    let body = response.bytes().await?;
    let code = snapspec_auth::VendorError::from_response(status.as_u16(), &headers, &body).code;
    let mut rebuilt = reqwest::Response::from(
        http::Response::builder()
            .status(status)
            .version(version)
            .body(body)
            .expect("status and version come from a response"),
    );
    *rebuilt.headers_mut() = headers;
    Ok((rebuilt, code))
}

/// Sends `request` (already signed for its first attempt) under `transport`'s retry policy.
/// `recover` is asked, after an ambiguous failure of an operation that is not safe to repeat,
/// whether the failed attempt's effect can be found (see [`Recovery`]); it returns `None` for
/// operations it knows nothing about, which are then not retried after an ambiguous failure.
pub async fn execute<'a>(
    http: &reqwest::Client,
    transport: &Transport,
    vendor: Vendor,
    action: &str,
    request: reqwest::Request,
    recover: impl Fn(&reqwest::Request) -> Option<Recovery<'a>>,
) -> reqwest::Result<reqwest::Response> {
    let policy = transport.retry();
    if policy.max_attempts <= 1 {
        return http.execute(request).await;
    }
    let safe_to_repeat = repeatable(request.method())
        || (vendor == Vendor::Alibaba && has_client_token(request.url()));
    let mut current = request;
    let mut attempt = 1;
    loop {
        // A body that is a stream cannot be sent twice: such a request gets one attempt.
        let Some(spare) = current.try_clone() else {
            return http.execute(current).await;
        };
        let (result, failure) = match classify(http.execute(current).await, vendor).await {
            Outcome::Done(result) => return result,
            Outcome::Failed(result, failure) => (result, failure),
        };
        if attempt >= policy.max_attempts {
            return result;
        }
        let retry_after = match failure {
            Failure::Refused { retry_after } => retry_after,
            Failure::Ambiguous { retry_after } => {
                if !safe_to_repeat {
                    let Some(recovery) = recover(&spare) else {
                        return result;
                    };
                    match recovery.await {
                        Ok(Some(found)) => return Ok(found),
                        Ok(None) => {}
                        Err(()) => return result,
                    }
                }
                retry_after
            }
        };
        let delay = match retry_after {
            Some(wait) if wait > policy.max_retry_after => return result,
            Some(wait) => wait,
            None => policy.backoff.delay(attempt - 1),
        };
        drop(result);
        tokio::time::sleep(delay).await;
        current = spare;
        if transport.resign(&mut current, action).await.is_err() {
            // The first attempt was signed with the same credentials source; a failure now
            // (expired credentials that cannot be refreshed) ends the retries with a fresh
            // attempt's error rather than a stale answer.
            return http.execute(current).await;
        }
        attempt += 1;
    }
}

/// What [`execute`] does around an attempt that succeeds, without the network: keep a copy of
/// the request for a retry, classify the answer, drop the copy. For the benchmark of the retry
/// layer's cost (`benches/retry_overhead.rs`); `None` if the answer would have been retried.
#[doc(hidden)]
pub fn first_attempt_bookkeeping(
    request: &reqwest::Request,
    response: reqwest::Response,
    vendor: Vendor,
) -> Option<reqwest::Response> {
    let spare = request.try_clone();
    let mut classified = std::pin::pin!(classify(Ok(response), vendor));
    let mut context = std::task::Context::from_waker(std::task::Waker::noop());
    // A success is classified from its status and headers alone: the future is ready at once.
    let outcome = match classified.as_mut().poll(&mut context) {
        std::task::Poll::Ready(outcome) => outcome,
        std::task::Poll::Pending => return None,
    };
    drop(spare);
    match outcome {
        Outcome::Done(Ok(response)) => Some(response),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::{HeaderMap, HeaderValue, RETRY_AFTER};

    #[test]
    fn a_success_is_classified_without_waiting_and_handed_over() {
        let request = reqwest::Request::new(Method::POST, "http://h/x".parse().unwrap());
        let ok = reqwest::Response::from(http::Response::builder().status(201).body("{}").unwrap());
        let handed = first_attempt_bookkeeping(&request, ok, Vendor::Huawei).expect("a success");
        assert_eq!(handed.status(), 201);
        let throttled =
            reqwest::Response::from(http::Response::builder().status(429).body("").unwrap());
        assert!(first_attempt_bookkeeping(&request, throttled, Vendor::Huawei).is_none());
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers, now), None);
        headers.insert(RETRY_AFTER, HeaderValue::from_static("7"));
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        headers.insert(RETRY_AFTER, HeaderValue::from_str(&later).unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::from_secs(30)));
        // A date in the past means now, not never.
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(30));
        headers.insert(RETRY_AFTER, HeaderValue::from_str(&earlier).unwrap());
        assert_eq!(retry_after(&headers, now), Some(Duration::ZERO));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers, now), None);
    }

    #[test]
    fn only_reads_and_idempotent_writes_repeat_after_an_ambiguous_failure() {
        assert!(repeatable(&Method::GET));
        assert!(repeatable(&Method::DELETE));
        assert!(repeatable(&Method::PUT));
        assert!(!repeatable(&Method::POST));
        assert!(!repeatable(&Method::PATCH));
    }

    #[test]
    fn throttling_codes_of_both_vendors_are_recognised() {
        for code in [
            "Throttling",
            "Throttling.User",
            "Throttling.Api",
            "APIGW.0308",
        ] {
            assert!(is_throttling_code(code), "{code}");
        }
        for code in ["InternalError", "APIGW.0301", "CSS.0001"] {
            assert!(!is_throttling_code(code), "{code}");
        }
    }

    #[test]
    fn a_client_token_is_found_in_the_query() {
        let with = reqwest::Url::parse("http://h/openapi/x?ClientToken=abc&a=1").unwrap();
        let lower = reqwest::Url::parse("http://h/openapi/x?clientToken=abc").unwrap();
        let empty = reqwest::Url::parse("http://h/openapi/x?ClientToken=").unwrap();
        let without = reqwest::Url::parse("http://h/openapi/x?Token=abc").unwrap();
        assert!(has_client_token(&with));
        assert!(has_client_token(&lower));
        assert!(!has_client_token(&empty));
        assert!(!has_client_token(&without));
    }
}
