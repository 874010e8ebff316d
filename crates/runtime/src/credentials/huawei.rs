//! Huawei Cloud's chain, as `huaweicloudsdkcore` 3.1.219 builds it for regional services
//! (`CredentialProviderChain.get_basic()` in `auth/provider.py`): environment, credentials file,
//! ECS metadata. The SDK's first and last links (OIDC federation through STS, and the CCE pod
//! identity endpoint) exchange tokens with other services and are not followed here.

use std::fmt;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use serde_json::Value;

use super::cache::{Fetch, Fetched, Refreshing};
use super::{Clock, Env, home_dir, ini, is_true, metadata, non_empty};
use crate::{CredentialsError, HuaweiCredentials, RequestSigner, SignerSource};

/// The ECS metadata service (`MetadataAccessor._METADATA_ENDPOINT` in `auth/internal.py`).
pub const METADATA_URL: &str = "http://169.254.169.254";
/// Overrides [`METADATA_URL`] (the SDK has no such variable; snapspec's own).
pub const METADATA_URL_VARIABLE: &str = "SNAPSPEC_HUAWEI_METADATA_URL";
/// Set to `true` to leave the metadata service out of the chain (the SDK has no such switch;
/// snapspec's own, for machines off the cloud).
pub const METADATA_DISABLED_VARIABLE: &str = "SNAPSPEC_HUAWEI_METADATA_DISABLED";
/// The SDK's variable naming the credentials file (`ProfileCredentialProvider`).
pub const CREDENTIALS_FILE_VARIABLE: &str = "HUAWEICLOUD_SDK_CREDENTIALS_FILE";
/// Temporary credentials are fetched again this long before they expire
/// (`Credentials._DEFAULT_EXPIRATION_THRESHOLD_SECONDS` in `auth/credentials.py`: 40 minutes).
pub const REFRESH_MARGIN: Duration = Duration::from_secs(40 * 60);

/// Where the SDK asks for a session token (`_GET_TOKEN_PATH`), and the header asking for its
/// lifetime (`X-Metadata-Token-Ttl-Seconds`, 6 hours as in the SDK).
const TOKEN_PATH: &str = "/meta-data/latest/api/token";
const TOKEN_TTL_HEADER: &str = "X-Metadata-Token-Ttl-Seconds";
const TOKEN_TTL_SECONDS: &str = "21600";
/// The header carrying the session token (`X-Metadata-Token`).
const TOKEN_HEADER: &str = "X-Metadata-Token";
/// The agency's temporary credentials (`_GET_SECURITY_KEY_PATH`).
const SECURITY_KEY_PATH: &str = "/openstack/latest/securitykey";
/// The server's description, whose `project_id` is the server's project (the SDK asks IAM
/// instead; the metadata service already knows it).
const META_DATA_PATH: &str = "/openstack/latest/meta_data.json";
/// What the metadata service says when no agency is attached to the server.
const NO_AGENCY: &str = "Please configure Cloud Service Agency first";
/// The SDK's timeouts for the metadata service (`_DEFAULT_TIME_OUT = (3, 3)`): 3 s to connect,
/// 3 s to read.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
const READ_TIMEOUT: Duration = Duration::from_secs(3);

const ENVIRONMENT: &str = "environment variables";

/// Huawei Cloud credentials from the first place that has them, in the SDK's order:
/// 1. the environment: `HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK`, and the optional
///    `HUAWEICLOUD_SDK_PROJECT_ID` and `HUAWEICLOUD_SDK_SECURITY_TOKEN`;
/// 2. the SDK's credentials file, `$HUAWEICLOUD_SDK_CREDENTIALS_FILE` or
///    `~/.huaweicloud/credentials` (`USERPROFILE` instead of `HOME` on Windows): an ini file
///    whose `[basic]` section has `ak`, `sk` and optionally `project_id` and `security_token`;
/// 3. the ECS metadata service: the temporary AK, SK and security token of the agency attached
///    to the server, fetched again [`REFRESH_MARGIN`] before they expire; the project id is
///    `HUAWEICLOUD_SDK_PROJECT_ID` if set, else the server's own (from `meta_data.json`).
///
/// The environment and the file are read when the chain is made; the metadata service is asked
/// on the first request.
pub struct HuaweiChain {
    tried: Vec<(String, String)>,
    source: Source,
}

enum Source {
    Fixed {
        place: String,
        credentials: HuaweiCredentials,
        signer: RequestSigner,
    },
    Metadata(Refreshing<HuaweiMetadata>),
    Nothing,
}

impl fmt::Debug for HuaweiChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("HuaweiChain");
        out.field("tried", &self.tried);
        match &self.source {
            Source::Fixed { place, signer, .. } => {
                out.field("source", place).field("signer", signer)
            }
            Source::Metadata(refreshing) => out.field("source", refreshing),
            Source::Nothing => out.field("source", &"none"),
        };
        out.finish()
    }
}

impl HuaweiChain {
    /// The chain over `env` (a lookup from variable name to value; [`crate::process_env`] for
    /// the process environment), asking the metadata service at `metadata_url` if given, else
    /// at `$SNAPSPEC_HUAWEI_METADATA_URL`, else at [`METADATA_URL`].
    pub fn new(env: &dyn Fn(&str) -> Option<String>, metadata_url: Option<&str>) -> HuaweiChain {
        let mut tried = Vec::new();
        match HuaweiCredentials::from_env(env) {
            Ok(credentials) => return HuaweiChain::fixed(tried, ENVIRONMENT, credentials),
            Err(e) => tried.push((ENVIRONMENT.to_string(), e.to_string())),
        }
        let (place, found) = credentials_file(env);
        match found {
            Ok(credentials) => return HuaweiChain::fixed(tried, &place, credentials),
            Err(why) => tried.push((place, why)),
        }
        let url = metadata_url
            .map(str::to_string)
            .or_else(|| non_empty(env, METADATA_URL_VARIABLE))
            .unwrap_or_else(|| METADATA_URL.to_string());
        if is_true(env, METADATA_DISABLED_VARIABLE) {
            tried.push((
                format!("ECS metadata at {url}"),
                format!("not asked: {METADATA_DISABLED_VARIABLE} is true"),
            ));
            return HuaweiChain {
                tried,
                source: Source::Nothing,
            };
        }
        let base = match metadata::check_url(&url) {
            Ok(base) => base,
            Err(why) => {
                tried.push((format!("ECS metadata at {url}"), why));
                return HuaweiChain {
                    tried,
                    source: Source::Nothing,
                };
            }
        };
        let fetcher = HuaweiMetadata {
            http: metadata::http_client(CONNECT_TIMEOUT, READ_TIMEOUT),
            project_id: Mutex::new(non_empty(env, "HUAWEICLOUD_SDK_PROJECT_ID")),
            base,
        };
        HuaweiChain {
            tried,
            source: Source::Metadata(Refreshing::new(
                fetcher,
                REFRESH_MARGIN,
                Arc::new(SystemTime::now),
            )),
        }
    }

    /// [`HuaweiChain::new`] over the process environment and the default metadata service.
    pub fn from_process_env() -> HuaweiChain {
        HuaweiChain::new(&crate::process_env, None)
    }

    fn fixed(tried: Vec<(String, String)>, place: &str, credentials: HuaweiCredentials) -> Self {
        HuaweiChain {
            tried,
            source: Source::Fixed {
                place: place.to_string(),
                signer: RequestSigner::huawei(credentials.clone()),
                credentials,
            },
        }
    }

    /// The same chain acting in `project_id` whatever its source says (the CLI's `--project-id`).
    pub fn with_project_id(mut self, project_id: impl Into<String>) -> HuaweiChain {
        let project_id = project_id.into();
        match &mut self.source {
            Source::Fixed {
                credentials,
                signer,
                ..
            } => {
                *credentials = credentials.clone().with_project_id(project_id);
                *signer = RequestSigner::huawei(credentials.clone());
            }
            Source::Metadata(refreshing) => {
                *refreshing
                    .fetcher
                    .project_id
                    .lock()
                    .unwrap_or_else(|e| e.into_inner()) = Some(project_id);
            }
            Source::Nothing => {}
        }
        self
    }

    /// The same chain deciding when temporary credentials expire by `clock` (for tests; requests
    /// are still dated by the system clock).
    pub fn with_clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        if let Source::Metadata(refreshing) = &mut self.source {
            let clock: Clock = Arc::new(clock);
            refreshing.set_clock(clock);
        }
        self
    }

    /// Where the credentials come from (`environment variables`, `credentials file PATH`,
    /// `ECS metadata at URL`), or `None` when no place has them.
    pub fn source(&self) -> Option<String> {
        match &self.source {
            Source::Fixed { place, .. } => Some(place.clone()),
            Source::Metadata(refreshing) => Some(refreshing.fetcher.place()),
            Source::Nothing => None,
        }
    }

    fn error(&self, last: Option<(String, String)>) -> CredentialsError {
        let mut tried = self.tried.clone();
        tried.extend(last);
        CredentialsError { tried }
    }
}

impl SignerSource for HuaweiChain {
    fn signer(
        &self,
    ) -> Pin<Box<dyn Future<Output = Result<RequestSigner, CredentialsError>> + Send + '_>> {
        Box::pin(async move {
            match &self.source {
                Source::Fixed { signer, .. } => Ok(signer.clone()),
                Source::Metadata(refreshing) => refreshing
                    .signer()
                    .await
                    .map_err(|why| self.error(Some((refreshing.fetcher.place(), why)))),
                Source::Nothing => Err(self.error(None)),
            }
        })
    }

    fn project_id(&self) -> Option<String> {
        match &self.source {
            Source::Fixed { signer, .. } => signer.project_id().map(str::to_string),
            Source::Metadata(refreshing) => refreshing.project_id().or_else(|| {
                refreshing
                    .fetcher
                    .project_id
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .clone()
            }),
            Source::Nothing => None,
        }
    }
}

/// The credentials file: where it is, and its `[basic]` credentials or why not.
fn credentials_file(env: Env<'_>) -> (String, Result<HuaweiCredentials, String>) {
    let home_variable = if cfg!(windows) { "USERPROFILE" } else { "HOME" };
    let path = match non_empty(env, CREDENTIALS_FILE_VARIABLE) {
        Some(path) => PathBuf::from(path),
        None => match home_dir(env, &[home_variable]) {
            Some(home) => home.join(".huaweicloud").join("credentials"),
            None => {
                return (
                    "credentials file ~/.huaweicloud/credentials".to_string(),
                    Err(format!(
                        "{home_variable} is not set, and neither is {CREDENTIALS_FILE_VARIABLE}"
                    )),
                );
            }
        },
    };
    let place = format!("credentials file {}", path.display());
    (place, read_credentials_file(&path))
}

fn read_credentials_file(path: &std::path::Path) -> Result<HuaweiCredentials, String> {
    let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "not found".to_string(),
        _ => format!("cannot read it: {e}"),
    })?;
    let sections = ini::parse(&text)?;
    let basic = sections
        .get("basic")
        .ok_or("it has no [basic] section (the one regional services such as CSS and DWS use)")?;
    let value = |key: &str| basic.get(key).filter(|v| !v.is_empty()).cloned();
    let (Some(ak), Some(sk)) = (value("ak"), value("sk")) else {
        return Err(
            if value("idp_id").is_some() && value("id_token_file").is_some() {
                "[basic] names an identity provider (idp_id, id_token_file): federated \
             credentials are not supported by snapspec; give ak and sk"
                    .into()
            } else if value("ak").is_none() {
                "[basic] has no ak".into()
            } else {
                "[basic] has no sk".into()
            },
        );
    };
    let mut credentials = HuaweiCredentials::new(ak, sk);
    if let Some(project_id) = value("project_id") {
        credentials = credentials.with_project_id(project_id);
    }
    if let Some(token) = value("security_token") {
        credentials = credentials.with_security_token(token);
    }
    Ok(credentials)
}

/// The ECS metadata service of a server with an agency attached.
struct HuaweiMetadata {
    base: String,
    http: reqwest::Client,
    /// Known from the environment or the caller, or learnt from `meta_data.json` once.
    project_id: Mutex<Option<String>>,
}

impl fmt::Debug for HuaweiMetadata {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HuaweiMetadata")
            .field("base", &self.base)
            .field("project_id", &self.project_id)
            .finish_non_exhaustive()
    }
}

impl HuaweiMetadata {
    fn place(&self) -> String {
        format!("ECS metadata at {}", self.base)
    }

    async fn get(&self, path: &str, token: Option<&str>) -> Result<(u16, String), String> {
        let mut request = self.http.get(format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.header(TOKEN_HEADER, token);
        }
        let response = request
            .send()
            .await
            .map_err(|e| metadata::describe(&e, CONNECT_TIMEOUT + READ_TIMEOUT))?;
        let status = response.status().as_u16();
        let body = response
            .text()
            .await
            .map_err(|e| metadata::describe(&e, CONNECT_TIMEOUT + READ_TIMEOUT))?;
        Ok((status, body))
    }

    /// A session token, or `None` where the service does not hand them out (HTTP 404, 405 or
    /// 503, which the SDK also takes as "go on without one").
    async fn session_token(&self) -> Result<Option<String>, String> {
        let response = self
            .http
            .put(format!("{}{TOKEN_PATH}", self.base))
            .header(TOKEN_TTL_HEADER, TOKEN_TTL_SECONDS)
            .send()
            .await
            .map_err(|e| metadata::describe(&e, CONNECT_TIMEOUT + READ_TIMEOUT))?;
        match response.status().as_u16() {
            200 => {
                let token = response
                    .text()
                    .await
                    .map_err(|e| metadata::describe(&e, CONNECT_TIMEOUT + READ_TIMEOUT))?;
                Ok(Some(token.trim().to_string()))
            }
            404 | 405 | 503 => Ok(None),
            status => Err(format!("PUT {TOKEN_PATH} answered HTTP {status}")),
        }
    }

    async fn fetch_credentials(&self) -> Result<Fetched, String> {
        let token = self.session_token().await?;
        let (status, body) = self.get(SECURITY_KEY_PATH, token.as_deref()).await?;
        if status != 200 {
            return Err(if body.contains(NO_AGENCY) {
                format!(
                    "GET {SECURITY_KEY_PATH} answered HTTP {status}: no agency is attached to this server"
                )
            } else {
                format!("GET {SECURITY_KEY_PATH} answered HTTP {status}")
            });
        }
        let (credentials, expires) = parse_security_key(&body)?;
        let known = self
            .project_id
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let project_id = match known {
            Some(project_id) => Some(project_id),
            None => {
                let learnt = self.server_project_id(token.as_deref()).await;
                if let Some(project_id) = &learnt {
                    *self.project_id.lock().unwrap_or_else(|e| e.into_inner()) =
                        Some(project_id.clone());
                }
                learnt
            }
        };
        let credentials = match &project_id {
            Some(project_id) => credentials.with_project_id(project_id.clone()),
            None => credentials,
        };
        Ok(Fetched {
            signer: RequestSigner::huawei(credentials),
            expires,
            project_id,
        })
    }

    /// The server's project id from `meta_data.json`; `None` if the service does not say (the
    /// credentials still work, the caller then has to give the project id).
    async fn server_project_id(&self, token: Option<&str>) -> Option<String> {
        let (status, body) = self.get(META_DATA_PATH, token).await.ok()?;
        if status != 200 {
            return None;
        }
        let value: Value = serde_json::from_str(&body).ok()?;
        value
            .get("project_id")?
            .as_str()
            .filter(|p| !p.is_empty())
            .map(str::to_string)
    }
}

impl Fetch for HuaweiMetadata {
    fn fetch(&self) -> Pin<Box<dyn Future<Output = Result<Fetched, String>> + Send + '_>> {
        Box::pin(self.fetch_credentials())
    }
}

/// The credentials in a `securitykey` answer: `{"credential": {"access", "secret",
/// "securitytoken", "expires_at"}}` (the SDK's `StsAccessor._process_credential` also accepts a
/// `credentials` wrapper or none, and camelCase or snake_case names; so does this).
fn parse_security_key(body: &str) -> Result<(HuaweiCredentials, SystemTime), String> {
    // Parsed as a value first: serde's typed errors could quote a field's value.
    let value: Value = serde_json::from_str(body).map_err(|e| {
        format!(
            "its answer is not JSON (line {}, column {})",
            e.line(),
            e.column()
        )
    })?;
    let object = value
        .get("credential")
        .or_else(|| value.get("credentials"))
        .unwrap_or(&value);
    let field = |names: &[&str]| {
        names
            .iter()
            .find_map(|name| object.get(*name).and_then(Value::as_str))
            .filter(|v| !v.is_empty())
            .map(str::to_string)
    };
    let missing = |name: &str| format!("its answer has no `{name}`");
    let access =
        field(&["access", "accessKeyId", "access_key_id"]).ok_or_else(|| missing("access"))?;
    let secret = field(&["secret", "secretAccessKey", "secret_access_key"])
        .ok_or_else(|| missing("secret"))?;
    let token = field(&["securitytoken", "securityToken", "security_token"])
        .ok_or_else(|| missing("securitytoken"))?;
    let expires_at = field(&["expires_at", "expiration"]).ok_or_else(|| missing("expires_at"))?;
    let expires = humantime::parse_rfc3339(&expires_at)
        .map_err(|_| format!("its `expires_at` is not a UTC time: {expires_at}"))?;
    Ok((
        HuaweiCredentials::new(access, secret).with_security_token(token),
        expires,
    ))
}

/// No panic on any input: a mutated `securitykey` answer gives credentials or an error message.
/// Cases: `PROPTEST_CASES`, 256 when unset (see RELIABILITY.md for the dedicated run).
#[cfg(test)]
mod no_panic {
    use crate::mutation;

    use proptest::prelude::*;

    const SEEDS: [&str; 2] = [
        r#"{"credential": {"access": "AK", "secret": "SK", "securitytoken": "T", "expires_at": "2026-11-24T08:30:15.123456Z"}}"#,
        r#"{"credentials": {"accessKeyId": "AK", "secretAccessKey": "SK", "securityToken": "T", "expiration": "2026-11-24T08:30:15Z"}}"#,
    ];

    proptest! {
        #[test]
        fn mutated_security_key_answers_parse_or_are_refused(
            body in mutation::mutated_text(SEEDS.map(str::to_string).to_vec(), 6),
        ) {
            if let Err(error) = super::parse_security_key(&body) {
                prop_assert!(error.starts_with("its "), "{}", error);
            }
        }
    }
}
