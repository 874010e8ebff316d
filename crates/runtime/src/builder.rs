//! One way to build any generated client: where it sends, how it signs, how it retries, how
//! long it waits.

use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use crate::{ConfigError, RequestSigner, RetryPolicy, SignerSource, Transport, Vendor};

/// What each generated client provides to [`ClientBuilder`] (implemented by the
/// `huawei_client!` and `alibaba_client!` macros).
pub trait GeneratedClient: Sized {
    /// The cloud the client talks to.
    const VENDOR: Vendor;
    /// The vendor's endpoint for `region`.
    fn endpoint_for_region(region: &str) -> Result<String, ConfigError>;
    /// A signer with credentials from the official SDKs' environment variables.
    fn signer_from_env() -> Result<RequestSigner, ConfigError>;
    /// The vendor's credential chain over the process environment ([`crate::HuaweiChain`],
    /// [`crate::AlibabaChain`]): what a client built without a signer uses.
    fn default_chain() -> Arc<dyn SignerSource>;
    /// The client for `endpoint` (already checked), sending with `http` through `transport`.
    fn from_parts(endpoint: &str, http: reqwest::Client, transport: Transport) -> Self;
}

/// How long a client waits. Defaults: 10 s to open a connection, 30 s for a whole attempt
/// (sending the request and reading the answer); each retry gets the full time again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// Opening a connection (TCP and TLS).
    pub connect: Duration,
    /// One attempt, from sending to the last byte of the answer.
    pub request: Duration,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            connect: Duration::from_secs(10),
            request: Duration::from_secs(30),
        }
    }
}

impl Timeouts {
    pub(crate) fn apply(self, builder: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
        builder.connect_timeout(self.connect).timeout(self.request)
    }
}

enum Target {
    Unset,
    Region(String),
    Endpoint(String),
}

enum Signing {
    DefaultChain,
    Signer(RequestSigner),
    Source(Arc<dyn SignerSource>),
}

/// Builds a generated client (`snapspec_css::Client::builder()`, ...):
///
/// ```text
/// let client = Client::builder()
///     .region("cn-north-4")                       // or .endpoint("http://127.0.0.1:8080")
///     .signer(signer)                             // default: the vendor's credential chain
///     .retry(RetryPolicy::default().with_max_attempts(6))
///     .timeouts(Timeouts { connect: Duration::from_secs(5), request: Duration::from_secs(60) })
///     .build()?;
/// ```
pub struct ClientBuilder<C> {
    target: Target,
    signing: Signing,
    retry: RetryPolicy,
    timeouts: Timeouts,
    http: Option<reqwest::Client>,
    client: PhantomData<fn() -> C>,
}

impl<C: GeneratedClient> Default for ClientBuilder<C> {
    fn default() -> Self {
        ClientBuilder::new()
    }
}

impl<C: GeneratedClient> ClientBuilder<C> {
    /// A builder with no region or endpoint yet, the vendor's credential chain
    /// ([`GeneratedClient::default_chain`]: environment, profile files, instance metadata),
    /// [`RetryPolicy::default`] and [`Timeouts::default`].
    pub fn new() -> Self {
        ClientBuilder {
            target: Target::Unset,
            signing: Signing::DefaultChain,
            retry: RetryPolicy::default(),
            timeouts: Timeouts::default(),
            http: None,
            client: PhantomData,
        }
    }

    /// Sends to the vendor's endpoint for `region`.
    pub fn region(mut self, region: &str) -> Self {
        self.target = Target::Region(region.to_string());
        self
    }

    /// Sends to `endpoint` (`https://...`, or the emulator's `http://127.0.0.1:PORT`).
    pub fn endpoint(mut self, endpoint: &str) -> Self {
        self.target = Target::Endpoint(endpoint.to_string());
        self
    }

    /// Signs every request with `signer`.
    pub fn signer(mut self, signer: RequestSigner) -> Self {
        self.signing = Signing::Signer(signer);
        self
    }

    /// Asks `source` for the signer of every attempt (credentials that are refreshed).
    pub fn signer_source(mut self, source: Arc<dyn SignerSource>) -> Self {
        self.signing = Signing::Source(source);
        self
    }

    /// Retries under `policy` ([`RetryPolicy::none`] to send each request once).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Waits as long as `timeouts` says (ignored when [`ClientBuilder::http_client`] is given:
    /// that client's own timeouts apply).
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Sends with `http` (a private CA, a proxy; start from [`crate::http_client_builder`]).
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// The client, or what is missing or malformed.
    pub fn build(self) -> Result<C, ConfigError> {
        let endpoint = match self.target {
            Target::Unset => {
                return Err(ConfigError::Endpoint {
                    endpoint: String::new(),
                    reason: "neither a region nor an endpoint was given to the builder".into(),
                });
            }
            Target::Region(region) => C::endpoint_for_region(&region)?,
            Target::Endpoint(endpoint) => endpoint,
        };
        let endpoint = crate::check_endpoint(&endpoint)?;
        let transport = match self.signing {
            Signing::DefaultChain => Transport::with_source(C::default_chain()),
            Signing::Signer(signer) => Transport::new(signer),
            Signing::Source(source) => Transport::with_source(source),
        }
        .with_retry(self.retry);
        let http = match self.http {
            Some(http) => http,
            None => self
                .timeouts
                .apply(crate::bare_http_client_builder())
                .build()
                .map_err(ConfigError::Http)?,
        };
        Ok(C::from_parts(&endpoint, http, transport))
    }
}
