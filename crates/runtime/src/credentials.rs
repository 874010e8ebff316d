//! Credential chains: where a client finds its credentials when none are given, in the order the
//! official SDKs look.
//!
//! - [`HuaweiChain`] (`huaweicloudsdkcore` 3.1.219, `auth/provider.py`): the environment
//!   variables, then the SDK's credentials file (`[basic]` of `~/.huaweicloud/credentials`), then
//!   the ECS agency's temporary credentials from the instance metadata service.
//! - [`AlibabaChain`] (`alibabacloud-credentials` 1.0.12, `provider/default.py`): the environment
//!   variables, then the aliyun CLI's profiles (`~/.aliyun/config.json`), then the credentials
//!   library's ini file (`~/.alibabacloud/credentials.ini`), then the ECS instance RAM role from
//!   the instance metadata service.
//!
//! The environment and the files are read once, when the chain is made; the first place that
//! has credentials is used from then on. Temporary credentials from the metadata service are
//! fetched on the first request and fetched again a margin before they expire (the SDKs'
//! margins: 40 minutes for Huawei, 15 minutes for Alibaba), by one caller while the others wait
//! for its answer. When nothing works, [`crate::CredentialsError`] lists every place tried and
//! why.
//!
//! Each metadata service's address can be replaced (tests point it at a loopback server): the
//! constructors' `metadata_url` argument, else `SNAPSPEC_HUAWEI_METADATA_URL` /
//! `SNAPSPEC_ALIBABA_METADATA_URL`. Requests to it get short timeouts (the SDKs': 3 s to connect
//! and 3 s to read for Huawei, 1 s and 1 s for Alibaba), go through no proxy, and are switched
//! off by `SNAPSPEC_HUAWEI_METADATA_DISABLED=true` / `ALIBABA_CLOUD_ECS_METADATA_DISABLED=true`.

pub mod alibaba;
mod cache;
pub mod huawei;
mod ini;
mod metadata;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

pub use alibaba::AlibabaChain;
pub use huawei::HuaweiChain;

/// The time source of a chain, replaceable so that expiry and refresh can be tested.
pub(crate) type Clock = Arc<dyn Fn() -> SystemTime + Send + Sync>;

/// An environment lookup: variable name to value.
pub(crate) type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The value of `name`, unless it is unset or blank (as the SDKs treat empty variables).
pub(crate) fn non_empty(env: Env<'_>, name: &str) -> Option<String> {
    env(name).filter(|value| !value.trim().is_empty())
}

/// The first of `names` that is set to a non-blank value, as a directory.
pub(crate) fn home_dir(env: Env<'_>, names: &[&str]) -> Option<PathBuf> {
    names
        .iter()
        .find_map(|name| non_empty(env, name))
        .map(PathBuf::from)
}

/// Whether a switch variable is set to `true` (any case), as the Alibaba library reads them.
pub(crate) fn is_true(env: Env<'_>, name: &str) -> bool {
    env(name).is_some_and(|value| value.trim().eq_ignore_ascii_case("true"))
}
