//! # snapspec
//!
//! Typed, signed Rust clients for cloud snapshot APIs, generated from hand-maintained OpenAPI
//! 3.0.3 specs (the generated code is committed: building them does not run a code generator):
//!
//! | feature | module | API |
//! |---|---|---|
//! | `css` | [`css`] | Huawei Cloud CSS: create a manual index snapshot |
//! | `dws` | [`dws`] | Huawei Cloud GaussDB(DWS): create a cluster snapshot |
//! | `alibaba-es` | [`alibaba_es`] | Alibaba Cloud Elasticsearch 2017-06-13: `AddSnapshotRepo` |
//!
//! All three features are on by default. A program that needs one API depends on that client
//! crate alone (`snapspec-dws`, ...) or on `snapspec` with `default-features = false` and the one
//! feature, and compiles only that client.
//!
//! [`specs`] returns the spec each enabled client was generated from, with its sha256 digest.

#![deny(missing_docs)]

#[cfg(feature = "css")]
#[doc(inline)]
pub use snapspec_css as css;

#[cfg(feature = "dws")]
#[doc(inline)]
pub use snapspec_dws as dws;

#[cfg(feature = "alibaba-es")]
#[doc(inline)]
pub use snapspec_alibaba_es as alibaba_es;

/// One spec embedded at build time: the exact document a client of this build was generated from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmbeddedSpec {
    /// The API's short name: `css`, `dws` or `alibaba-es` (the cargo feature).
    pub api: &'static str,
    /// The spec's file name under `spec/`.
    pub file_name: &'static str,
    /// Lowercase hex sha256 of `yaml`.
    pub sha256: &'static str,
    /// The spec, as YAML.
    pub yaml: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/specs.rs"));

/// The specs of the clients enabled in this build, one per enabled feature.
pub fn specs() -> &'static [EmbeddedSpec] {
    SPECS
}

/// The spec of one API (`css`, `dws`, `alibaba-es`), if its feature is enabled.
pub fn spec(api: &str) -> Option<&'static EmbeddedSpec> {
    SPECS.iter().find(|s| s.api == api)
}

/// The README's code samples, compiled and run as doctests so that they stay true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
