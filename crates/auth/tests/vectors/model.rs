//! The golden vector files (`huawei.json`, `alibaba.json`, made by `generate.py` with the
//! official SDKs) as Rust values: one definition for the two tests that read them, the pure
//! signers' (`crates/auth/tests/vectors.rs`) and `RequestSigner`'s
//! (`crates/runtime/tests/request_signer_vectors.rs`), which include this file with `#[path]`.

use std::collections::BTreeMap;

use serde::Deserialize;

#[derive(Deserialize)]
pub struct VectorFile<C> {
    pub scheme: String,
    pub sdk: Sdk,
    pub packages: BTreeMap<String, String>,
    pub cases: Vec<C>,
}

#[derive(Deserialize)]
pub struct Sdk {
    pub package: String,
    pub version: String,
}

#[derive(Deserialize)]
pub struct Expected {
    pub added_headers: Vec<(String, String)>,
    pub canonical_request: String,
    pub string_to_sign: String,
    /// The URL as the SDK sends it (the query canonical for Huawei, the path re-encoded for
    /// Alibaba).
    pub sent_url: String,
}

#[derive(Deserialize)]
pub struct HuaweiCase {
    pub name: String,
    pub via: String,
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub credentials: HuaweiKeys,
    pub time: String,
    pub expected: Expected,
}

#[derive(Deserialize)]
pub struct HuaweiKeys {
    pub ak: String,
    pub sk: String,
    pub project_id: Option<String>,
    pub security_token: Option<String>,
}

#[derive(Deserialize)]
pub struct AlibabaCase {
    pub name: String,
    pub via: String,
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
    pub credentials: AlibabaKeys,
    pub action: String,
    pub version: String,
    pub time: String,
    pub nonce: String,
    pub expected: Expected,
}

#[derive(Deserialize)]
pub struct AlibabaKeys {
    pub access_key_id: String,
    pub access_key_secret: String,
    pub security_token: Option<String>,
}

pub fn load<C: for<'de> Deserialize<'de>>(text: &str) -> VectorFile<C> {
    serde_json::from_str(text).expect("vector file parses")
}

pub fn huawei_file() -> VectorFile<HuaweiCase> {
    load(include_str!("huawei.json"))
}

pub fn alibaba_file() -> VectorFile<AlibabaCase> {
    load(include_str!("alibaba.json"))
}
