//! Request signing for the clouds snapspec talks to, as pure functions with an injected clock and
//! nonce, plus the credentials, endpoints and error bodies that go with them.
//!
//! - [`huawei::sign`]: Huawei Cloud AK/SK signing, `SDK-HMAC-SHA256`, byte-identical to
//!   `huaweicloudsdkcore`'s `Signer` (golden vectors in `tests/vectors/huawei.json`).
//! - [`alibaba::sign`]: Alibaba Cloud signature V3, `ACS3-HMAC-SHA256`, byte-identical to
//!   `alibabacloud-tea-openapi`'s `Utils.get_authorization` (golden vectors in
//!   `tests/vectors/alibaba.json`).
//! - [`alibaba_roa::sign`]: Alibaba Cloud's ROA signature, `acs <AccessKeyId>:<HMAC-SHA1>`, the
//!   one the classic SDK (`aliyun-python-sdk-core`) and the aliyun CLI send, byte-identical to
//!   `aliyun-python-sdk-core` 2.16.1 (golden vectors in `tests/vectors/alibaba_roa.json`), with
//!   the pieces a server needs to verify it.
//! - [`RequestSigner`]: applies either (or Huawei token authentication, or nothing) to a
//!   `reqwest::Request` about to be sent (`snapspec-runtime` calls it from a generated client's
//!   hooks, for every attempt).
//! - [`HuaweiCredentials::from_env`], [`AlibabaCredentials::from_env`], [`huawei_endpoint`],
//!   [`alibaba_endpoint`]: the official SDKs' environment variables and endpoints, with the
//!   environment lookup passed in (or [`process_env`] for the real one).
//! - [`VendorError`]: code, message and request id out of an error answer, and whether a retry
//!   can help.
//!
//! Secrets are held in [`Secret`], whose `Debug` and `Display` print `***`; no error of this
//! crate carries a secret.

#![deny(missing_docs)]

pub mod alibaba;
pub mod alibaba_roa;
mod canonical;
mod encoding;
mod env;
pub mod huawei;
mod key;
mod secret;
mod signer;
mod vendor_error;

pub use alibaba::AlibabaCredentials;
pub use env::{
    ConfigError, alibaba_elasticsearch_endpoint, alibaba_endpoint, huawei_endpoint, process_env,
};
pub use huawei::HuaweiCredentials;
pub use secret::Secret;
pub use signer::{RequestSigner, SignError};
pub use vendor_error::VendorError;

/// A request as the signers see it: what goes on the wire, nothing else.
#[derive(Debug, Clone, Copy)]
pub struct SignableRequest<'a> {
    /// HTTP method, upper case (`POST`).
    pub method: &'a str,
    /// The full URL, with the path and query exactly as they will be sent.
    pub url: &'a url::Url,
    /// The headers present before signing (names in any case). All of them are signed (Huawei
    /// skips names with `_`, as its SDK does), except an `Authorization`, which the new one
    /// replaces.
    pub headers: &'a [(&'a str, &'a str)],
    /// The body bytes, empty for none.
    pub body: &'a [u8],
}

/// Headers a signer adds to a request, in the order it adds them. Names are lower case (HTTP
/// names are case-insensitive, and HTTP/1 clients such as hyper send them in lower case).
pub type AddedHeaders = Vec<(&'static str, String)>;

/// Lowercase hex sha256 of `bytes` (the payload hash both schemes sign).
pub fn sha256_hex(bytes: &[u8]) -> String {
    canonical::hex_sha256(bytes, &mut [0u8; 64]).to_string()
}

/// `host[:port]` as the URL gives it (the port only when it is written and not the default).
pub(crate) fn host_header(url: &url::Url) -> String {
    let host = url.host_str().unwrap_or_default();
    let mut value = String::with_capacity(host.len() + 6);
    value.push_str(host);
    if let Some(port) = url.port() {
        value.push(':');
        value.push_str(itoa::Buffer::new().format(port));
    }
    value
}
