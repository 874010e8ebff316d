//! A local emulator of the three snapspec APIs (Huawei Cloud CSS, Huawei Cloud DWS, Alibaba Cloud
//! Elasticsearch), one module per API.
//!
//! It answers as the vendors do: signatures checked with snapspec's own signers (when credentials
//! are configured), bodies checked with the generated clients' own types, state kept per project
//! and cluster or instance, vendor-shaped errors, and faults on demand. Its contract is described
//! with utoipa and served at `/openapi.json`; its contract test (`tests/contract.rs`) compares it
//! with `spec/`.
//!
//! Alibaba requests may be signed with `ACS3-HMAC-SHA256` (the current SDKs) or with the ROA
//! signature `acs <AccessKeyId>:<signature>` (the classic SDK `aliyun-python-sdk-core` and the
//! aliyun CLI); both are refused the same way when the key, the secret, the signed parts or the
//! date are wrong.
//!
//! Faults on demand, for testing clients' retries (fields of [`EmulatorConfig`], flags of
//! `snapspec emulate`):
//!
//! - `throttle_rate` (`--throttle-rate`): a token bucket per access key (one for all unsigned
//!   requests) refilled at that many requests per second and holding one second's worth. A
//!   request over the rate reaches no handler and gets the vendor's answer: Huawei's API gateway
//!   `429` with `APIGW.0308`, Alibaba `400` with `Throttling.User`. Neither vendor documents a
//!   `Retry-After` header, so none is sent.
//! - `drop_every` (`--drop-every`): every Nth vendor request is carried out (a create takes
//!   effect) and its connection is then closed without a byte of answer, so the client cannot
//!   tell whether it was processed. Only [`serve`] can do this (it owns the connections); a
//!   [`router`] served some other way answers those requests normally.
//! - `error_rate` (`--error-rate`) and the `X-Snapspec-Force-Status` header: 5xx and documented
//!   error answers.
//!
//! Limits, so that a shared emulator holds under load: `max_snapshots` (`--max-snapshots`) bounds
//! the store (a create beyond it gets the vendor's quota answer), `max_body_bytes`
//! (`--max-body-bytes`) refuses larger bodies with 413, `header_read_timeout`
//! (`--header-read-timeout`) closes connections that do not send their headers in time, and
//! [`serve_until`] shuts down gracefully (`snapspec emulate` on SIGTERM or Ctrl-C).

mod alibaba;
mod config;
mod css;
mod dws;
mod model;
mod verify;

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::task::{Context, Poll};
use std::time::{Duration, Instant, SystemTime};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::connect_info::ConnectInfo;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use serde::Serialize;
use utoipa::OpenApi;

pub use config::{
    Credentials, DEFAULT_HEADER_READ_TIMEOUT, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_SNAPSHOTS,
    EmulatorConfig,
};

/// Forces the answer's status, for testing error handling: `X-Snapspec-Force-Status: 503`. Only
/// statuses the operation documents are accepted.
pub const FORCE_STATUS_HEADER: &str = "x-snapspec-force-status";

/// The three APIs, for errors and faults that depend on the vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Api {
    Css,
    Dws,
    AlibabaEs,
}

impl Api {
    fn of(path: &str) -> Option<Api> {
        if path.starts_with("/openapi/instances/") {
            Some(Api::AlibabaEs)
        } else if path.starts_with("/v1.0/") && path.contains("/index_snapshot") {
            Some(Api::Css)
        } else if path.starts_with("/v1.0/") || path.starts_with("/v2/") {
            Some(Api::Dws)
        } else {
            None
        }
    }

    fn is_huawei(self) -> bool {
        matches!(self, Api::Css | Api::Dws)
    }
}

/// Ids that look like the vendors' (UUID-shaped), unique per process: a random prefix and a
/// counter, so that generating one costs no system call.
struct IdSource {
    prefix: u64,
    counter: AtomicU64,
}

impl IdSource {
    fn new() -> IdSource {
        let mut seed = [0u8; 8];
        let _ = getrandom::fill(&mut seed);
        IdSource {
            prefix: u64::from_le_bytes(seed),
            counter: AtomicU64::new(1),
        }
    }

    fn next(&self) -> String {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let (a, b) = (self.prefix, n.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        format!(
            "{:08x}-{:04x}-4{:03x}-a{:03x}-{:012x}",
            (a >> 32) as u32,
            (a >> 16) as u16,
            (a & 0xfff) as u16,
            (b >> 52) as u16 & 0xfff,
            b & 0xffff_ffff_ffff
        )
    }
}

/// The state of every API, behind one lock.
#[derive(Default)]
struct Store {
    css: css::Store,
    dws: dws::Store,
    alibaba: alibaba::Store,
    /// Snapshots held by all three APIs together, for `config.max_snapshots`: each create adds
    /// one under this lock, each delete takes one away.
    snapshots: usize,
}

/// The vendor's answer to a create over `config.max_snapshots`.
///
/// CSS: `CSS.0030`, "the number of snapshots reaches the quota", which the CSS API error-code
/// table (css_03_0076, read in its Open Telekom Cloud edition,
/// github.com/opentelekomcloud-docs/cloud-search-service `api-ref/source/appendixes/error_codes.rst`)
/// gives with status 413. CreateSnapshot's page documents no 413, so the emulator answers the
/// code with 400, the status the same table gives every other quota code (CSS.0052 to CSS.0064,
/// CSS.1112).
/// DWS and Alibaba: neither documents a snapshot quota code (DWS's table, dws_02_0030, has
/// limits for nodes, ECS groups and tags only; Alibaba's CreateSnapshot page has no error
/// table), so the code is the emulator's own, `Emulator.SnapshotQuota`, with 400, the one error
/// status both operations document for a refused request.
fn snapshot_quota(api: Api, max: usize, request_id: &str) -> Response {
    let code = match api {
        Api::Css => "CSS.0030",
        Api::Dws | Api::AlibabaEs => "Emulator.SnapshotQuota",
    };
    vendor_error(
        api,
        400,
        code,
        &format!(
            "The number of snapshots has reached the emulator's maximum of {max}; delete some first."
        ),
        request_id,
        false,
    )
}

struct Shared {
    config: EmulatorConfig,
    store: Mutex<Store>,
    ids: IdSource,
    faults: AtomicU64,
    /// Token buckets of `config.throttle_rate`, by access key.
    buckets: Mutex<HashMap<String, Bucket>>,
    /// Vendor requests that reached a handler, for `config.drop_every`.
    handled: AtomicU64,
}

/// A token bucket: `tokens` as of `at`.
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    /// Refills the bucket at `rate` tokens per second up to `capacity`, then takes a token if
    /// there is one.
    fn take(&mut self, now: Instant, rate: f64, capacity: f64) -> bool {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        self.tokens = (self.tokens + elapsed * rate).min(capacity);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// The emulator's state, cheap to clone into handlers.
#[derive(Clone)]
pub struct Emulator(Arc<Shared>);

impl Emulator {
    /// The state of every API, locked. A handler that panicked while holding the lock leaves the
    /// state as it was; the emulator goes on serving it rather than failing every later request.
    fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        self.0
            .store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The request id of the request being handled.
#[derive(Clone)]
struct RequestId(String);

#[derive(OpenApi)]
#[openapi(info(
    title = "snapspec emulator",
    description = "The snapspec operations as the emulator serves them. Every operation may also answer 401 (Huawei) or 403 (Alibaba) when a signature is refused, 429 (Huawei) or 400 Throttling.User (Alibaba) over the throttle rate, a 5xx injected by the fault settings, and 413 (the gateway's) for a body over the size limit."
))]
struct ApiDoc;

/// The emulator's own OpenAPI document, built from its handlers and models.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let mut document = ApiDoc::openapi();
    document.merge(css::Doc::openapi());
    document.merge(dws::Doc::openapi());
    document.merge(alibaba::Doc::openapi());
    document
}

/// The statuses the emulator's document gives each route (method and path template), which are
/// the ones `X-Snapspec-Force-Status` may ask for.
fn documented_statuses() -> &'static HashMap<(String, String), Vec<u16>> {
    static STATUSES: OnceLock<HashMap<(String, String), Vec<u16>>> = OnceLock::new();
    STATUSES.get_or_init(|| {
        let document = serde_json::to_value(openapi()).unwrap_or_default();
        let mut statuses = HashMap::new();
        for (path, item) in document["paths"].as_object().into_iter().flatten() {
            for (method, operation) in item.as_object().into_iter().flatten() {
                let codes = operation["responses"]
                    .as_object()
                    .into_iter()
                    .flatten()
                    .filter_map(|(code, _)| code.parse().ok())
                    .collect();
                statuses.insert((method.to_uppercase(), template_shape(path)), codes);
            }
        }
        statuses
    })
}

/// A path template with its parameter names erased (`/a/{}/b`), so that axum's route and the
/// document's path compare equal whatever each names its parameters.
fn template_shape(template: &str) -> String {
    let mut shape = String::with_capacity(template.len());
    let mut in_parameter = false;
    for c in template.chars() {
        match c {
            '{' => {
                in_parameter = true;
                shape.push_str("{}");
            }
            '}' => in_parameter = false,
            c if !in_parameter => shape.push(c),
            _ => {}
        }
    }
    shape
}

/// The emulator as an axum router (the three operations and `/openapi.json`).
pub fn router(config: EmulatorConfig) -> Router {
    let emulator = Emulator(Arc::new(Shared {
        config,
        store: Mutex::new(Store::default()),
        ids: IdSource::new(),
        faults: AtomicU64::new(0),
        buckets: Mutex::new(HashMap::new()),
        handled: AtomicU64::new(0),
    }));
    Router::new()
        .merge(css::routes())
        .merge(dws::routes())
        .merge(alibaba::routes())
        .route("/openapi.json", get(|| async { axum::Json(openapi()) }))
        .layer(middleware::from_fn_with_state(emulator.clone(), gatekeeper))
        .with_state(emulator)
}

/// Serves the emulator on `listener` until the process ends. Says at start-up whether signatures
/// are checked.
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: EmulatorConfig,
) -> std::io::Result<()> {
    serve_until(listener, config, std::future::pending()).await
}

/// How long [`serve_until`] waits, once `shutdown` is done, for the requests in flight.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// Serves the emulator on `listener` until `shutdown` completes, then shuts down gracefully:
/// the listener is closed at once (new connections are refused), idle connections are closed,
/// and the requests in flight are answered (up to [`SHUTDOWN_GRACE`]) before it returns.
///
/// Each connection is served with HTTP/1.1 and `config.header_read_timeout`: a client that has
/// not sent a request's complete headers in that time has its connection closed.
pub async fn serve_until(
    listener: tokio::net::TcpListener,
    config: EmulatorConfig,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let address = listener.local_addr()?;
    if config.credentials.checks_signatures() {
        tracing::info!(%address, "snapspec emulator listening; signatures are checked");
    } else {
        tracing::warn!(%address, "snapspec emulator listening; no credentials configured, so unsigned requests are accepted");
    }
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(config.header_read_timeout);
    let app = router(config);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut connections = tokio::task::JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // Finished connections are reaped as they go, so that the set stays as small as the
        // number of open connections.
        while connections.try_join_next().is_some() {}
        let (stream, _peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors and the like: wait rather than spin.
                    tracing::warn!(%error, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let cut = Arc::new(AtomicBool::new(false));
        let io = hyper_util::rt::TokioIo::new(CuttableStream {
            inner: stream,
            cut: cut.clone(),
        });
        let app = app.clone();
        let service =
            hyper::service::service_fn(move |mut request: Request<hyper::body::Incoming>| {
                request
                    .extensions_mut()
                    .insert(ConnectInfo(ConnectionCut(cut.clone())));
                let mut app = app.clone();
                async move { tower_service::Service::call(&mut app, request.map(Body::new)).await }
            });
        let connection = http.serve_connection(io, service);
        let mut stopped = stopped.clone();
        connections.spawn(async move {
            let mut connection = std::pin::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => return,
                _ = stopped.wait_for(|stop| *stop) => {}
            }
            // Finishes the request in flight, if any, then closes; an idle connection closes
            // at once.
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        });
    }
    drop(listener);
    let _ = stop.send(true);
    let open = connections.len();
    tracing::info!(
        open,
        "shutting down: no new connections; finishing the requests in flight"
    );
    let drained = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            left = connections.len(),
            "requests still in flight after the grace period; closing them"
        );
        connections.abort_all();
    }
    Ok(())
}

/// Connections the emulator can cut (`drop_every`). A handler has no hold on its connection, so
/// each accepted stream carries a switch that the handler side receives as connect info: once it
/// is set, the stream fails every write, hyper gives up on the connection before writing any
/// byte of the answer, and dropping the stream closes the socket. The client sees the
/// connection closed with no answer.
/// An accepted connection with its cut switch.
struct CuttableStream {
    inner: tokio::net::TcpStream,
    cut: Arc<AtomicBool>,
}

impl CuttableStream {
    fn refuse_if_cut(&self) -> Option<std::io::Error> {
        self.cut.load(Ordering::Acquire).then(|| {
            std::io::Error::new(
                std::io::ErrorKind::ConnectionAborted,
                "connection cut by the emulator's drop_every",
            )
        })
    }
}

impl tokio::io::AsyncRead for CuttableStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl tokio::io::AsyncWrite for CuttableStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match self.refuse_if_cut() {
            Some(error) => Poll::Ready(Err(error)),
            None => Pin::new(&mut self.inner).poll_write(cx, buf),
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.refuse_if_cut() {
            Some(error) => Poll::Ready(Err(error)),
            None => Pin::new(&mut self.inner).poll_flush(cx),
        }
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The cut switch of the connection a request came on, as axum's connect info.
#[derive(Clone)]
struct ConnectionCut(Arc<AtomicBool>);

/// The error answer of `api`, shaped as the vendor shapes it.
fn vendor_error(
    api: Api,
    status: u16,
    code: &str,
    message: &str,
    request_id: &str,
    gateway: bool,
) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = match api {
        Api::AlibabaEs => serde_json::to_vec(&model::AlibabaErrorResponse {
            code: code.to_string(),
            message: message.to_string(),
            request_id: Some(request_id.to_string()),
            host_id: Some("elasticsearch.emulator.snapspec".to_string()),
            recommend: None,
        }),
        // CSS answers with its own fields; its API gateway, like DWS, with error_code/error_msg.
        Api::Css if !gateway => serde_json::to_vec(&model::CssErrorResponse {
            error_code: None,
            error_msg: None,
            errCode: Some(code.to_string()),
            externalMessage: Some(message.to_string()),
        }),
        Api::Css | Api::Dws => serde_json::to_vec(&model::HuaweiErrorResponse {
            error_code: Some(code.to_string()),
            error_msg: Some(message.to_string()),
        }),
    };
    json_response(status, body.unwrap_or_default())
}

/// A list answer as last serialized, and until when it stays true. Snapshots change status with
/// time alone, so it holds until the next one still being built finishes (`None`: none is), or
/// until a request changes what is listed, which drops it.
///
/// Why: a list of 1,000 snapshots is about 340 kB of JSON, and building it again for every request
/// costs several times what sending it does.
struct Listing {
    body: axum::body::Bytes,
    valid_until: Option<std::time::Instant>,
}

impl Listing {
    /// The answer `build` serializes, kept in `slot` until `valid_until`; or the kept one, while it
    /// is current.
    fn answer(
        slot: &mut Option<Listing>,
        now: std::time::Instant,
        build: impl FnOnce() -> (Vec<u8>, Option<std::time::Instant>),
    ) -> axum::body::Bytes {
        if let Some(listing) = slot
            .as_ref()
            .filter(|l| l.valid_until.is_none_or(|until| now < until))
        {
            return listing.body.clone();
        }
        let (body, valid_until) = build();
        let body = axum::body::Bytes::from(body);
        *slot = Some(Listing {
            body: body.clone(),
            valid_until,
        });
        body
    }
}

/// When the first of the snapshots created at `created` finishes building after `now`, if any does.
fn next_status_change(
    created: impl Iterator<Item = std::time::Instant>,
    duration: std::time::Duration,
    now: std::time::Instant,
) -> Option<std::time::Instant> {
    created
        .map(|at| at + duration)
        .filter(|done| *done > now)
        .min()
}

fn json_response(status: StatusCode, body: impl Into<Body>) -> Response {
    let mut response = Response::new(body.into());
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    response
}

fn json_answer<T: Serialize>(status: StatusCode, value: &T) -> Response {
    json_response(status, serde_json::to_vec(value).unwrap_or_default())
}

/// What every request goes through: a request id, the signature check, faults, latency and a
/// log line. Signature failures answer 401 (Huawei's API gateway) or 403 (Alibaba).
async fn gatekeeper(State(emulator): State<Emulator>, request: Request, next: Next) -> Response {
    let config = &emulator.0.config;
    let request_id = emulator.0.ids.next();
    let method = request.method().clone();
    let path = request.uri().path().to_string();
    let api = Api::of(&path);
    let (mut parts, body) = request.into_parts();
    let limit = config.max_body_bytes;
    // A declared length over the limit is refused before a byte of the body is read.
    let declared = parts
        .headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let read = match declared {
        Some(length) if length > limit as u64 => None,
        _ => axum::body::to_bytes(body, limit).await.ok(),
    };
    let response = match read {
        None => body_too_large(api, limit, &request_id),
        Some(bytes) => {
            let refusal = match api {
                Some(api) if config.credentials.checks_signatures() => {
                    let now = SystemTime::now();
                    let check = if api.is_huawei() {
                        verify::verify_huawei
                    } else {
                        verify::verify_alibaba
                    };
                    check(
                        &config.credentials,
                        &parts.method,
                        &parts.uri,
                        &parts.headers,
                        &bytes,
                        now,
                        config.max_clock_skew,
                    )
                    .err()
                    .map(|refusal| {
                        let status = if api.is_huawei() { 401 } else { 403 };
                        vendor_error(
                            api,
                            status,
                            refusal.code,
                            &refusal.message,
                            &request_id,
                            true,
                        )
                    })
                }
                _ => None,
            };
            match (refusal, api) {
                (Some(refused), _) => refused,
                (None, Some(api)) => match throttled(&emulator, api, &parts.headers, &request_id)
                    .or_else(|| fault(&emulator, api, &parts, &request_id))
                {
                    Some(answer) => answer,
                    None => {
                        parts.extensions.insert(RequestId(request_id.clone()));
                        let cut = parts
                            .extensions
                            .get::<ConnectInfo<ConnectionCut>>()
                            .map(|info| info.0.0.clone());
                        let response = next
                            .run(Request::from_parts(parts, Body::from(bytes)))
                            .await;
                        drop_connection(&emulator, cut.as_deref(), &request_id);
                        response
                    }
                },
                (None, None) => {
                    next.run(Request::from_parts(parts, Body::from(bytes)))
                        .await
                }
            }
        }
    };
    if !config.latency.is_zero() {
        tokio::time::sleep(config.latency).await;
    }
    let mut response = response;
    if let Ok(value) = HeaderValue::from_str(&request_id) {
        response.headers_mut().insert("x-request-id", value);
    }
    tracing::info!(%method, %path, status = response.status().as_u16(), request_id = %request_id, "request");
    response
}

/// The answer to a request whose body is over `config.max_body_bytes`: 413 from the vendor's
/// gateway. Huawei's API gateway answers `APIG.0201` "Request entity too large" with 413 (the
/// code and status appear in the ModelArts troubleshooting pages, "APIG.0201 Request Body
/// Oversized", github.com/opentelekomcloud-docs/modelarts). Alibaba documents no answer for an
/// oversized body on these operations; the code is the emulator's own.
fn body_too_large(api: Option<Api>, limit: usize, request_id: &str) -> Response {
    let message = format!("Request entity too large: the body is over {limit} bytes.");
    match api {
        Some(Api::AlibabaEs) => vendor_error(
            Api::AlibabaEs,
            413,
            "Emulator.RequestBodyTooLarge",
            &message,
            request_id,
            true,
        ),
        Some(api) => vendor_error(api, 413, "APIG.0201", &message, request_id, true),
        None => json_answer(
            StatusCode::PAYLOAD_TOO_LARGE,
            &serde_json::json!({ "error_code": "APIG.0201", "error_msg": message }),
        ),
    }
}

/// The key a request is throttled by: the access key (or IAM token) it is signed with, whether or
/// not signatures are checked; empty (one bucket for all) for an unsigned request.
fn throttle_key(headers: &axum::http::HeaderMap) -> String {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(token) = text(snapspec_auth::huawei::AUTH_TOKEN_HEADER) {
        return format!("token:{token}");
    }
    let Some(authorization) = text("authorization") else {
        return String::new();
    };
    if let Some(parsed) = snapspec_auth::huawei::parse_authorization(authorization) {
        parsed.access
    } else if let Some(parsed) = snapspec_auth::alibaba::parse_authorization(authorization) {
        parsed.credential
    } else if let Some((id, _)) = snapspec_auth::alibaba_roa::parse_authorization(authorization) {
        id.to_string()
    } else {
        String::new()
    }
}

/// The vendor's throttling answer, if this request is over `throttle_rate`.
///
/// Huawei's API gateway answers `429` with `APIGW.0308` (its error code pages, e.g.
/// https://support.huaweicloud.com/intl/en-us/ocr_faq/ocr_01_0041.html, give the code and the
/// message `The throttling threshold has been reached: policy user over ratelimit,limit:..,
/// time:1 second`; the issue that asked for this gives the status and the body's fields).
/// Alibaba's OpenAPI gateway answers `400` with `Throttling.User` and the message `Request was
/// denied due to user flow control.` (its common error code table,
/// https://developer.aliyun.com/ask/278265, and https://help.aliyun.com/knowledge_detail/446611.html
/// for the status). Neither documents a `Retry-After` header; none is sent.
fn throttled(
    emulator: &Emulator,
    api: Api,
    headers: &axum::http::HeaderMap,
    request_id: &str,
) -> Option<Response> {
    let rate = emulator.0.config.throttle_rate.filter(|r| *r > 0.0)?;
    let now = Instant::now();
    let capacity = rate.max(1.0);
    let allowed = {
        let mut buckets = emulator
            .0
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        buckets
            .entry(throttle_key(headers))
            .or_insert(Bucket {
                tokens: capacity,
                at: now,
            })
            .take(now, rate, capacity)
    };
    if allowed {
        return None;
    }
    Some(match api {
        Api::AlibabaEs => vendor_error(
            api,
            400,
            "Throttling.User",
            "Request was denied due to user flow control.",
            request_id,
            true,
        ),
        Api::Css | Api::Dws => json_answer(
            StatusCode::TOO_MANY_REQUESTS,
            &serde_json::json!({
                "error_code": "APIGW.0308",
                "error_msg": format!(
                    "The throttling threshold has been reached: policy user over ratelimit,limit:{rate},time:1 second"
                ),
                "request_id": request_id,
            }),
        ),
    })
}

/// Cuts the connection of a request that was just handled, if it is the `drop_every`th.
fn drop_connection(emulator: &Emulator, cut: Option<&AtomicBool>, request_id: &str) {
    let Some(every) = emulator.0.config.drop_every.filter(|n| *n > 0) else {
        return;
    };
    let n = emulator.0.handled.fetch_add(1, Ordering::Relaxed) + 1;
    if !n.is_multiple_of(every) {
        return;
    }
    match cut {
        Some(cut) => {
            cut.store(true, Ordering::Release);
            tracing::warn!(request_id = %request_id, "request carried out, connection dropped without an answer (drop_every)");
        }
        None => {
            tracing::warn!(request_id = %request_id, "drop_every: this router is not served by snapspec_emulator::serve, so the connection cannot be cut; answering normally");
        }
    }
}

/// A forced or random fault, if this request gets one.
fn fault(
    emulator: &Emulator,
    api: Api,
    request: &axum::http::request::Parts,
    request_id: &str,
) -> Option<Response> {
    if let Some(forced) = request.headers.get(FORCE_STATUS_HEADER) {
        // Looked up only when a status is forced: it allocates, and every request comes here.
        let documented: &[u16] = request
            .extensions
            .get::<MatchedPath>()
            .and_then(|route| {
                documented_statuses()
                    .get(&(request.method.to_string(), template_shape(route.as_str())))
            })
            .map_or(&[], Vec::as_slice);
        let status = forced
            .to_str()
            .ok()
            .and_then(|s| s.trim().parse::<u16>().ok());
        return Some(match status {
            Some(status) if documented.contains(&status) && status >= 400 => vendor_error(
                api,
                status,
                &format!("Emulator.Forced{status}"),
                &format!("status {status} forced by {FORCE_STATUS_HEADER}"),
                request_id,
                false,
            ),
            Some(status) if documented.contains(&status) => return None,
            _ => vendor_error(
                api,
                400,
                "Emulator.InvalidForceStatus",
                &format!(
                    "{FORCE_STATUS_HEADER} must be one of the operation's documented statuses {documented:?}"
                ),
                request_id,
                false,
            ),
        });
    }
    let rate = emulator.0.config.error_rate;
    if rate > 0.0 {
        // Deterministic spread: every 1/rate-th request fails, so a test sees the rate exactly.
        let n = emulator.0.faults.fetch_add(1, Ordering::Relaxed) + 1;
        let period = (1.0 / rate).round().max(1.0) as u64;
        if n.is_multiple_of(period) {
            let (status, code) = match api {
                Api::Css => (500, "InternalServerError"),
                Api::Dws => (503, "ServiceUnavailable"),
                Api::AlibabaEs => (503, "ServiceUnavailable"),
            };
            return Some(vendor_error(
                api,
                status,
                code,
                "fault injected by the emulator's error rate",
                request_id,
                api == Api::Dws,
            ));
        }
    }
    None
}

fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn now_created() -> String {
    // `2018-07-31T04:02:47`, as in the documented example (no zone).
    humantime::format_rfc3339_seconds(SystemTime::now())
        .to_string()
        .trim_end_matches('Z')
        .to_string()
}

/// A refused body: 400 in the vendor's shape, naming the field.
fn invalid_body(api: Api, error: &snapspec_runtime::FieldError, request_id: &str) -> Response {
    // `.` is the body as a whole (malformed or empty JSON): say so rather than name a field `.`.
    let whole_body = error.field == ".";
    let (code, message) = match api {
        Api::AlibabaEs if whole_body => (
            "InvalidParameter",
            format!("The request body is invalid: {}", error.message),
        ),
        Api::AlibabaEs => (
            "InvalidParameter",
            format!(
                "The parameter {} is invalid: {}",
                error.field, error.message
            ),
        ),
        Api::Css | Api::Dws if whole_body => (
            if api == Api::Css {
                "CSS.0001"
            } else {
                "DWS.0001"
            },
            format!("Invalid request body: {}", error.message),
        ),
        Api::Css => (
            "CSS.0001",
            format!("Invalid parameter `{}`: {}", error.field, error.message),
        ),
        Api::Dws => (
            "DWS.0001",
            format!("Invalid parameter `{}`: {}", error.field, error.message),
        ),
    };
    vendor_error(api, 400, code, &message, request_id, false)
}

/// The request body as the generated client type, checked by that type's own rules; or the
/// vendor's 400 naming the field (or the place where the JSON is malformed).
// The error is the answer itself, as axum handlers return it; it is built once per refusal.
#[allow(clippy::result_large_err)]
fn decode<T: serde::de::DeserializeOwned>(
    api: Api,
    body: &Bytes,
    request_id: &str,
) -> Result<T, Response> {
    let json: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        let error = snapspec_runtime::FieldError {
            field: ".".to_string(),
            message: format!(
                "malformed JSON at line {}, column {}: {e}",
                e.line(),
                e.column()
            ),
        };
        invalid_body(api, &error, request_id)
    })?;
    snapspec_runtime::from_json(json).map_err(|error| invalid_body(api, &error, request_id))
}
