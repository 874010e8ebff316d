//! What a generated client holds besides its HTTP client: where each request's signer comes
//! from, and the retry policy. Its `ClientHooks` (from [`crate::client_hooks!`]) sign and send
//! through it.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::{RequestSigner, RetryPolicy};

/// Which cloud a client talks to: it decides how throttling is told apart in error bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vendor {
    /// Huawei Cloud (CSS, GaussDB(DWS)).
    Huawei,
    /// Alibaba Cloud (Elasticsearch).
    Alibaba,
}

/// Why no credentials could be had: every place that was tried, in order, and what each said.
/// Never carries a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialsError {
    /// `(place, what happened there)`, in the order tried: `environment variables`,
    /// `profile file ~/.aliyun/config.json`, `instance metadata http://...`.
    pub tried: Vec<(String, String)>,
}

impl fmt::Display for CredentialsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("no credentials found")?;
        for (i, (place, why)) in self.tried.iter().enumerate() {
            let sep = if i == 0 { "; tried " } else { "; then " };
            write!(f, "{sep}{place}: {why}")?;
        }
        Ok(())
    }
}

impl std::error::Error for CredentialsError {}

/// A source of signers whose credentials can change: temporary credentials that are refreshed
/// before they expire (instance metadata), or a chain that looks in several places. The client
/// asks it before every attempt, so an implementation caches what it fetched.
pub trait SignerSource: Send + Sync + fmt::Debug {
    /// The signer for the next attempt.
    fn signer(
        &self,
    ) -> Pin<Box<dyn Future<Output = Result<RequestSigner, CredentialsError>> + Send + '_>>;

    /// The Huawei project id the credentials belong to, when the source knows it without
    /// asking the network (the path parameter `project_id`).
    fn project_id(&self) -> Option<String> {
        None
    }
}

#[derive(Clone, Debug)]
enum Signing {
    Fixed(RequestSigner),
    Source(Arc<dyn SignerSource>),
}

/// The inner value of every generated client: how its requests are signed and retried.
#[derive(Clone, Debug)]
pub struct Transport {
    signing: Signing,
    retry: RetryPolicy,
}

impl Transport {
    /// Signs every request with `signer`, retrying under [`RetryPolicy::default`].
    pub fn new(signer: RequestSigner) -> Transport {
        Transport {
            signing: Signing::Fixed(signer),
            retry: RetryPolicy::default(),
        }
    }

    /// Asks `source` for the signer of every attempt, retrying under [`RetryPolicy::default`].
    pub fn with_source(source: Arc<dyn SignerSource>) -> Transport {
        Transport {
            signing: Signing::Source(source),
            retry: RetryPolicy::default(),
        }
    }

    /// The same transport retrying under `policy` ([`RetryPolicy::none`] switches retries off).
    pub fn with_retry(mut self, policy: RetryPolicy) -> Transport {
        self.retry = policy;
        self
    }

    /// The retry policy.
    pub fn retry(&self) -> &RetryPolicy {
        &self.retry
    }

    /// The Huawei project id of the credentials, if known.
    pub fn project_id(&self) -> Option<String> {
        match &self.signing {
            Signing::Fixed(signer) => signer.project_id().map(str::to_string),
            Signing::Source(source) => source.project_id(),
        }
    }

    /// Signs `request` for its first attempt; the error is for the caller.
    pub async fn sign(&self, request: &mut reqwest::Request, action: &str) -> Result<(), String> {
        match &self.signing {
            Signing::Fixed(signer) => signer
                .sign_request(request, action)
                .map_err(|e| e.to_string()),
            Signing::Source(source) => {
                let signer = source.signer().await.map_err(|e| e.to_string())?;
                signer
                    .sign_request(request, action)
                    .map_err(|e| e.to_string())
            }
        }
    }

    /// Signs a request that was signed before again, with a fresh date and nonce.
    pub async fn resign(&self, request: &mut reqwest::Request, action: &str) -> Result<(), String> {
        RequestSigner::strip_signature(request);
        self.sign(request, action).await
    }
}

impl From<RequestSigner> for Transport {
    fn from(signer: RequestSigner) -> Transport {
        Transport::new(signer)
    }
}
