//! Applying the pure signers of `snapspec-auth` to a `reqwest::Request` about to be sent.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

use reqwest::header::{HeaderName, HeaderValue};

use snapspec_auth::{
    AddedHeaders, AlibabaCredentials, HuaweiCredentials, Secret, SignableRequest, SigningKey,
    alibaba, huawei,
};

/// progenitor adds `api-version` to every request; the clouds do not use it.
const PROGENITOR_VERSION_HEADER: &str = "api-version";

type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;
type NonceSource = Arc<dyn Fn() -> String + Send + Sync>;

#[derive(Clone)]
enum Scheme {
    Unsigned,
    HuaweiAkSk {
        credentials: Arc<HuaweiCredentials>,
        key: SigningKey,
    },
    HuaweiToken {
        token: Secret,
        project_id: Option<String>,
    },
    Alibaba {
        credentials: Arc<AlibabaCredentials>,
        key: SigningKey,
        version: String,
    },
}

/// Signs each request of a client: Huawei AK/SK (`SDK-HMAC-SHA256`), Huawei IAM token, Alibaba
/// `ACS3-HMAC-SHA256`, or nothing (for servers that check no signature). The clock and the nonce
/// source can be replaced, so that signatures are reproducible in tests.
#[derive(Clone)]
pub struct RequestSigner {
    scheme: Scheme,
    clock: Clock,
    nonce: NonceSource,
}

/// Why a request could not be signed. Names headers, never their values.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignError {
    /// The body is a stream, whose bytes cannot be hashed before sending.
    StreamingBody,
    /// A header value the signer computed is not a valid HTTP header value.
    InvalidHeader {
        /// The header's name.
        name: String,
    },
    /// A header of the request is not UTF-8 text, so it cannot be signed as the SDKs sign it.
    UnreadableHeader {
        /// The header's name.
        name: String,
    },
}

impl fmt::Display for SignError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SignError::StreamingBody => {
                f.write_str("cannot sign a request whose body is a stream: send the body as bytes")
            }
            SignError::InvalidHeader { name } => {
                write!(
                    f,
                    "the signing header {name} has characters HTTP does not allow (check the credentials' project id)"
                )
            }
            SignError::UnreadableHeader { name } => {
                write!(
                    f,
                    "cannot sign the request: its header {name} is not UTF-8 text"
                )
            }
        }
    }
}

impl std::error::Error for SignError {}

/// A nonce unique to this request: a random per-process prefix (so that processes, and restarts,
/// never share nonces), a per-process counter and the clock. Only uniqueness matters to the
/// server, which refuses a nonce it has seen; one OS random read per process keeps signing free
/// of system calls.
fn random_nonce() -> String {
    static PREFIX: OnceLock<u64> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let prefix = *PREFIX.get_or_init(|| {
        let mut bytes = [0u8; 8];
        // Without an OS random source the clock still separates processes started apart.
        if getrandom::getrandom(&mut bytes).is_err() {
            bytes = nanos_since_epoch().to_le_bytes()[..8]
                .try_into()
                .expect("8 bytes");
        }
        u64::from_le_bytes(bytes)
    });
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    // 32 hex digits, as long as the SDK's MD5-based nonces.
    format!(
        "{prefix:016x}{:08x}{:08x}",
        count as u32,
        nanos_since_epoch() as u32
    )
}

fn nanos_since_epoch() -> u128 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos())
}

impl RequestSigner {
    fn with_scheme(scheme: Scheme) -> RequestSigner {
        RequestSigner {
            scheme,
            clock: Arc::new(SystemTime::now),
            nonce: Arc::new(random_nonce),
        }
    }

    /// Sends requests unsigned (for a server that checks nothing, such as a test double).
    pub fn unsigned() -> RequestSigner {
        RequestSigner::with_scheme(Scheme::Unsigned)
    }

    /// Signs with Huawei Cloud AK/SK credentials.
    pub fn huawei(credentials: HuaweiCredentials) -> RequestSigner {
        RequestSigner::with_scheme(Scheme::HuaweiAkSk {
            key: SigningKey::new(credentials.sk.expose()),
            credentials: Arc::new(credentials),
        })
    }

    /// Authenticates with a Huawei Cloud IAM token (`X-Auth-Token`) instead of a signature.
    pub fn huawei_token(token: impl Into<String>, project_id: Option<String>) -> RequestSigner {
        RequestSigner::with_scheme(Scheme::HuaweiToken {
            token: Secret::new(token),
            project_id,
        })
    }

    /// Signs with Alibaba Cloud credentials for API `version` (`2017-06-13`).
    pub fn alibaba(credentials: AlibabaCredentials, version: impl Into<String>) -> RequestSigner {
        RequestSigner::with_scheme(Scheme::Alibaba {
            key: SigningKey::new(credentials.access_key_secret.expose()),
            credentials: Arc::new(credentials),
            version: version.into(),
        })
    }

    /// The same signer reading the time from `clock`.
    pub fn with_clock(
        mut self,
        clock: impl Fn() -> SystemTime + Send + Sync + 'static,
    ) -> RequestSigner {
        self.clock = Arc::new(clock);
        self
    }

    /// The same signer taking Alibaba's `x-acs-signature-nonce` from `nonce`.
    pub fn with_nonce(
        mut self,
        nonce: impl Fn() -> String + Send + Sync + 'static,
    ) -> RequestSigner {
        self.nonce = Arc::new(nonce);
        self
    }

    /// The project id of Huawei credentials, if any.
    pub fn project_id(&self) -> Option<&str> {
        match &self.scheme {
            Scheme::HuaweiAkSk { credentials, .. } => credentials.project_id.as_deref(),
            Scheme::HuaweiToken { project_id, .. } => project_id.as_deref(),
            Scheme::Unsigned | Scheme::Alibaba { .. } => None,
        }
    }

    /// Signs `request` for operation `action` (Alibaba's `x-acs-action`; Huawei ignores it): drops
    /// progenitor's `api-version` header, then adds the scheme's headers, computed over the body
    /// bytes actually in the request. So that what is sent is what the official SDKs send, the
    /// URL is first rewritten as they write it: for Huawei the query in its canonical form
    /// (sorted, spaces as `%20`), for Alibaba the path re-encoded (`*` as `%2A`).
    pub fn sign_request(
        &self,
        request: &mut reqwest::Request,
        action: &str,
    ) -> Result<(), SignError> {
        const VERSION_HEADER: HeaderName = HeaderName::from_static(PROGENITOR_VERSION_HEADER);
        request.headers_mut().remove(VERSION_HEADER);
        let added = match &self.scheme {
            Scheme::Unsigned => return Ok(()),
            Scheme::HuaweiToken { token, project_id } => {
                let mut added = vec![(huawei::AUTH_TOKEN_HEADER, token.expose().to_string())];
                if let Some(project_id) = project_id {
                    added.push((huawei::PROJECT_HEADER, project_id.clone()));
                }
                added
            }
            Scheme::HuaweiAkSk { credentials, key } => {
                // The SDK sends the canonical query itself; a server that decodes `+` differently
                // from `%20` then still sees what was signed.
                if let Some(query) = huawei::canonical_query(request.url()) {
                    request.url_mut().set_query(Some(&query));
                }
                let time = (self.clock)();
                with_signable(request, |signable| {
                    huawei::sign_with_key(signable, credentials, key, time)
                })?
            }
            Scheme::Alibaba {
                credentials,
                key,
                version,
            } => {
                let encoded = alibaba::encode_path(request.url().path());
                if encoded != request.url().path() {
                    request.url_mut().set_path(&encoded);
                }
                let (time, nonce) = ((self.clock)(), (self.nonce)());
                let operation = alibaba::Operation { action, version };
                with_signable(request, |signable| {
                    alibaba::sign_with_key(signable, operation, credentials, key, time, &nonce)
                })?
            }
        };
        insert_headers(request, added)
    }
}

/// Every header name a signer adds (see [`header_name`]).
const SIGNATURE_HEADERS: [&str; 14] = [
    "authorization",
    "host",
    "x-sdk-date",
    "x-project-id",
    "x-security-token",
    "x-auth-token",
    "x-sdk-content-sha256",
    "x-acs-version",
    "x-acs-action",
    "x-acs-date",
    "x-acs-signature-nonce",
    "x-acs-content-sha256",
    "x-acs-accesskey-id",
    "x-acs-security-token",
];

impl RequestSigner {
    /// Removes what signing added to `request` (the signature and the headers it covers), so
    /// that it can be signed again with a fresh date: a retry is the same request, signed anew.
    /// The URL rewriting of [`RequestSigner::sign_request`] gives the same URL when repeated.
    pub fn strip_signature(request: &mut reqwest::Request) {
        let headers = request.headers_mut();
        for name in SIGNATURE_HEADERS {
            headers.remove(header_name(name));
        }
    }
}

/// Runs `sign` on a view of `request` that borrows its headers and body (nothing is copied).
fn with_signable(
    request: &reqwest::Request,
    sign: impl FnOnce(&SignableRequest<'_>) -> AddedHeaders,
) -> Result<AddedHeaders, SignError> {
    let headers = request
        .headers()
        .iter()
        .map(|(name, value)| {
            // The SDKs sign header values as text; UTF-8 beyond ASCII is what they would send.
            std::str::from_utf8(value.as_bytes())
                .map(|value| (name.as_str(), value))
                .map_err(|_| SignError::UnreadableHeader {
                    name: name.to_string(),
                })
        })
        .collect::<Result<Vec<(&str, &str)>, SignError>>()?;
    let body = match request.body() {
        None => &[][..],
        Some(body) => body.as_bytes().ok_or(SignError::StreamingBody)?,
    };
    let signable = SignableRequest {
        method: request.method().as_str(),
        url: request.url(),
        headers: &headers,
        body,
    };
    Ok(sign(&signable))
}

/// The `HeaderName` of a name the signers add. `HeaderName::from_static` checks its argument
/// against the standard names each time it runs; these constants are checked at compile time.
fn header_name(name: &'static str) -> HeaderName {
    macro_rules! known {
        ($($known:expr),* $(,)?) => {
            match name {
                $($known => { const NAME: HeaderName = HeaderName::from_static($known); NAME })*
                other => HeaderName::from_static(other),
            }
        };
    }
    known!(
        "authorization",
        "host",
        "x-sdk-date",
        "x-project-id",
        "x-security-token",
        "x-auth-token",
        "x-sdk-content-sha256",
        "x-acs-version",
        "x-acs-action",
        "x-acs-date",
        "x-acs-signature-nonce",
        "x-acs-content-sha256",
        "x-acs-accesskey-id",
        "x-acs-security-token",
    )
}

/// Whether a header the signers add carries a secret (hyper then keeps it out of its logs).
fn is_sensitive(name: &str) -> bool {
    matches!(
        name,
        "authorization"
            | huawei::SECURITY_TOKEN_HEADER
            | huawei::AUTH_TOKEN_HEADER
            | "x-acs-security-token"
    )
}

fn insert_headers(request: &mut reqwest::Request, added: AddedHeaders) -> Result<(), SignError> {
    let headers = request.headers_mut();
    headers.reserve(added.len());
    for (name, value) in added {
        let mut value = HeaderValue::try_from(value).map_err(|_| SignError::InvalidHeader {
            name: name.to_string(),
        })?;
        value.set_sensitive(is_sensitive(name));
        headers.insert(header_name(name), value);
    }
    Ok(())
}

impl fmt::Debug for RequestSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("RequestSigner");
        match &self.scheme {
            Scheme::Unsigned => out.field("scheme", &"unsigned"),
            Scheme::HuaweiAkSk { credentials, .. } => out
                .field("scheme", &"SDK-HMAC-SHA256")
                .field("credentials", credentials),
            Scheme::HuaweiToken { token, project_id } => out
                .field("scheme", &"X-Auth-Token")
                .field("token", token)
                .field("project_id", project_id),
            Scheme::Alibaba {
                credentials,
                version,
                ..
            } => out
                .field("scheme", &"ACS3-HMAC-SHA256")
                .field("credentials", credentials)
                .field("version", version),
        };
        out.finish_non_exhaustive()
    }
}
