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
//!   `reqwest::Request` about to be sent; [`impl_signing_hooks!`] makes a progenitor-generated
//!   client call it for every request.
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

/// What [`impl_signing_hooks!`] expands to refers to, so that client crates need not depend on
/// these crates themselves. Not a stable API.
#[doc(hidden)]
pub mod __private {
    pub use progenitor_client;
    pub use reqwest;

    /// The vendor's operation id for progenitor's snake_case name, from a table of
    /// `(progenitor name, vendor id)`; the name itself when the table does not have it.
    pub fn vendor_operation_id<'a>(table: &[(&'a str, &'a str)], name: &'a str) -> &'a str {
        table
            .iter()
            .find(|(snake, _)| *snake == name)
            .map_or(name, |(_, id)| *id)
    }
}

/// Implements progenitor's `ClientHooks<RequestSigner>` for a generated `Client` whose inner type
/// is [`RequestSigner`], so that every request is signed in `pre`, after progenitor built it and
/// before it is sent (the signature covers the body actually sent). A signing failure becomes
/// `progenitor_client::Error::Custom` with the [`SignError`]'s message.
///
/// Invoke it in the crate that holds the generated client, generated with
/// `snapspec_auth::RequestSigner` as its inner type (`GenerationSettings::with_inner_type`, or
/// `inner_type = snapspec_auth::RequestSigner` in `generate_api!`):
///
/// ```text
/// include!(concat!(env!("OUT_DIR"), "/client.rs"));
/// snapspec_auth::impl_signing_hooks!(Client);
/// ```
///
/// `tests/hooks.rs` shows it on a stand-in client.
///
/// progenitor hands the hook the operation id in snake_case (`add_snapshot_repo`), and that is
/// what `RequestSigner::sign_request` receives as the action. Alibaba wants the spec's own
/// operation id in `x-acs-action` (`AddSnapshotRepo`): give a table of
/// `(snake_case name, operation id)` pairs to map it back,
/// `impl_signing_hooks!(Client, operation_ids = OPERATION_IDS)`.
#[macro_export]
macro_rules! impl_signing_hooks {
    ($client:ty) => {
        $crate::impl_signing_hooks!(@impl $client, |name| name);
    };
    ($client:ty, operation_ids = $table:expr) => {
        $crate::impl_signing_hooks!(@impl $client, |name| {
            $crate::__private::vendor_operation_id($table, name)
        });
    };
    (@impl $client:ty, |$name:ident| $action:expr) => {
        impl $crate::__private::progenitor_client::ClientHooks<$crate::RequestSigner> for $client {
            async fn pre<E>(
                &self,
                request: &mut $crate::__private::reqwest::Request,
                info: &$crate::__private::progenitor_client::OperationInfo,
            ) -> ::core::result::Result<(), $crate::__private::progenitor_client::Error<E>> {
                let $name: &str = info.operation_id;
                let signer = <Self as $crate::__private::progenitor_client::ClientInfo<
                    $crate::RequestSigner,
                >>::inner(self);
                signer.sign_request(request, $action).map_err(|error| {
                    $crate::__private::progenitor_client::Error::Custom(
                        ::std::string::ToString::to_string(&error),
                    )
                })
            }
        }
    };
}

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

#[cfg(test)]
mod tests {
    use super::__private::vendor_operation_id;

    #[test]
    fn operation_ids_map_back_to_the_vendor_name() {
        let table = [("add_snapshot_repo", "AddSnapshotRepo")];
        assert_eq!(
            vendor_operation_id(&table, "add_snapshot_repo"),
            "AddSnapshotRepo"
        );
        assert_eq!(vendor_operation_id(&table, "other"), "other");
    }
}
