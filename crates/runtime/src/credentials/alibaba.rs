//! Alibaba Cloud's chain, as `alibabacloud-credentials` 1.0.12 builds it
//! (`DefaultCredentialsProvider` in `provider/default.py`): environment, aliyun CLI profiles,
//! the library's ini file, ECS RAM role. Its OIDC link (only when `ALIBABA_CLOUD_ROLE_ARN`,
//! `ALIBABA_CLOUD_OIDC_PROVIDER_ARN` and `ALIBABA_CLOUD_OIDC_TOKEN_FILE` are set) and its
//! credentials-URI link (`ALIBABA_CLOUD_CREDENTIALS_URI`) exchange tokens with other services
//! and are not followed here; neither are profile modes that do (RamRoleArn, OIDC, CloudSSO, ...).

use std::fmt;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::Value;

use super::cache::{Fetch, Fetched, Refreshing};
use super::{Clock, Env, home_dir, ini, is_true, metadata, non_empty};
use crate::{AlibabaCredentials, CredentialsError, RequestSigner, SignerSource};

/// The ECS metadata service (`__metadata_service_host` in `provider/ecs_ram_role.py`).
pub const METADATA_URL: &str = "http://100.100.100.200";
/// Overrides [`METADATA_URL`] (the library has no such variable; snapspec's own).
pub const METADATA_URL_VARIABLE: &str = "SNAPSPEC_ALIBABA_METADATA_URL";
/// The library's switch leaving the ECS RAM role out of the chain (`true`).
pub const METADATA_DISABLED_VARIABLE: &str = "ALIBABA_CLOUD_ECS_METADATA_DISABLED";
/// The library's variable naming the RAM role, which spares asking the service for it.
pub const ROLE_NAME_VARIABLE: &str = "ALIBABA_CLOUD_ECS_METADATA";
/// The library's switch refusing metadata requests without a session token (`true`).
pub const IMDS_V1_DISABLED_VARIABLE: &str = "ALIBABA_CLOUD_IMDSV1_DISABLED";
/// The library's switch leaving the aliyun CLI's profiles out of the chain (`true`).
pub const CLI_PROFILE_DISABLED_VARIABLE: &str = "ALIBABA_CLOUD_CLI_PROFILE_DISABLED";
/// The profile to use, in the CLI's file and in the ini file.
pub const PROFILE_VARIABLE: &str = "ALIBABA_CLOUD_PROFILE";
/// The library's variable naming its ini file.
pub const CREDENTIALS_FILE_VARIABLE: &str = "ALIBABA_CLOUD_CREDENTIALS_FILE";
/// Temporary credentials are fetched again this long before they expire (the library marks them
/// stale 15 minutes before `Expiration`: `_get_stale_time` in `provider/ecs_ram_role.py`).
pub const REFRESH_MARGIN: Duration = Duration::from_secs(15 * 60);

const TOKEN_PATH: &str = "/latest/api/token";
const TOKEN_TTL_HEADER: &str = "X-aliyun-ecs-metadata-token-ttl-seconds";
const TOKEN_TTL_SECONDS: &str = "21600";
const TOKEN_HEADER: &str = "X-aliyun-ecs-metadata-token";
const ROLE_PATH: &str = "/latest/meta-data/ram/security-credentials/";
/// The library's timeouts for the metadata service: 1 s to connect, 1 s to read.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
const READ_TIMEOUT: Duration = Duration::from_secs(1);

const ENVIRONMENT: &str = "environment variables";

/// Alibaba Cloud credentials from the first place that has them, in the library's order:
/// 1. the environment: `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` and the
///    optional `ALIBABA_CLOUD_SECURITY_TOKEN`;
/// 2. the aliyun CLI's `~/.aliyun/config.json` (unless `ALIBABA_CLOUD_CLI_PROFILE_DISABLED` is
///    `true`): the profile named by `ALIBABA_CLOUD_PROFILE`, else the file's `current` one, in
///    mode `AK` (`access_key_id`, `access_key_secret`), `StsToken` (also `sts_token`) or
///    `EcsRamRole` (`ram_role_name`, asked of the metadata service);
/// 3. the library's ini file, `$ALIBABA_CLOUD_CREDENTIALS_FILE` or
///    `~/.alibabacloud/credentials.ini`: the section named by `ALIBABA_CLOUD_PROFILE`, else
///    `[default]`, of `type = access_key` or `type = ecs_ram_role` (`role_name`);
/// 4. the ECS RAM role (unless `ALIBABA_CLOUD_ECS_METADATA_DISABLED` is `true`): the role
///    `ALIBABA_CLOUD_ECS_METADATA`, else the one the metadata service names, whose STS
///    credentials are fetched again [`REFRESH_MARGIN`] before they expire.
///
/// The environment and the files are read when the chain is made; the metadata service is asked
/// on the first request.
pub struct AlibabaChain {
    tried: Vec<(String, String)>,
    source: Source,
}

// One per chain, made once and never moved afterwards: the variants' sizes do not matter.
#[allow(clippy::large_enum_variant)]
enum Source {
    Fixed {
        place: String,
        signer: RequestSigner,
    },
    Metadata(Refreshing<RamRole>),
    Nothing,
}

impl fmt::Debug for AlibabaChain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("AlibabaChain");
        out.field("tried", &self.tried);
        match &self.source {
            Source::Fixed { place, signer } => out.field("source", place).field("signer", signer),
            Source::Metadata(refreshing) => out.field("source", refreshing),
            Source::Nothing => out.field("source", &"none"),
        };
        out.finish()
    }
}

/// What a profile or the ini file says.
enum Found {
    Credentials(AlibabaCredentials),
    /// Credentials of an ECS RAM role (`None`: the role the metadata service names).
    RamRole(Option<String>),
}

/// Settings of the metadata service, read from the environment.
struct MetadataSettings {
    url: String,
    disabled: bool,
    imds_v1_disabled: bool,
}

impl AlibabaChain {
    /// The chain over `env` (a lookup from variable name to value; [`crate::process_env`] for
    /// the process environment), signing for API `version` (`2017-06-13`), asking the metadata
    /// service at `metadata_url` if given, else at `$SNAPSPEC_ALIBABA_METADATA_URL`, else at
    /// [`METADATA_URL`].
    pub fn new(
        env: &dyn Fn(&str) -> Option<String>,
        version: &str,
        metadata_url: Option<&str>,
    ) -> AlibabaChain {
        let settings = MetadataSettings {
            url: metadata_url
                .map(str::to_string)
                .or_else(|| non_empty(env, METADATA_URL_VARIABLE))
                .unwrap_or_else(|| METADATA_URL.to_string()),
            disabled: is_true(env, METADATA_DISABLED_VARIABLE),
            imds_v1_disabled: is_true(env, IMDS_V1_DISABLED_VARIABLE),
        };
        let mut tried = Vec::new();
        match AlibabaCredentials::from_env(env) {
            Ok(credentials) => {
                return AlibabaChain::found(
                    tried,
                    ENVIRONMENT,
                    Found::Credentials(credentials),
                    version,
                    &settings,
                );
            }
            Err(e) => tried.push((ENVIRONMENT.to_string(), e.to_string())),
        }
        let (place, found) = cli_profile(env);
        match found {
            Ok(found) => return AlibabaChain::found(tried, &place, found, version, &settings),
            Err(why) => tried.push((place, why)),
        }
        let (place, found) = ini_file(env);
        match found {
            Ok(found) => return AlibabaChain::found(tried, &place, found, version, &settings),
            Err(why) => tried.push((place, why)),
        }
        let role = non_empty(env, ROLE_NAME_VARIABLE);
        AlibabaChain::found(tried, "", Found::RamRole(role), version, &settings)
    }

    /// [`AlibabaChain::new`] over the process environment and the default metadata service.
    pub fn from_process_env(version: &str) -> AlibabaChain {
        AlibabaChain::new(&crate::process_env, version, None)
    }

    fn found(
        mut tried: Vec<(String, String)>,
        place: &str,
        found: Found,
        version: &str,
        settings: &MetadataSettings,
    ) -> AlibabaChain {
        let role_name = match found {
            Found::Credentials(credentials) => {
                return AlibabaChain {
                    tried,
                    source: Source::Fixed {
                        place: place.to_string(),
                        signer: RequestSigner::alibaba(credentials, version),
                    },
                };
            }
            Found::RamRole(role_name) => role_name,
        };
        let metadata_place = format!("ECS RAM role metadata at {}", settings.url);
        // A profile that names a RAM role leads to the metadata service too.
        let via = if place.is_empty() {
            String::new()
        } else {
            format!(" (as {place} says)")
        };
        let refuse = |mut tried: Vec<(String, String)>, why: String| {
            tried.push((format!("{metadata_place}{via}"), why));
            AlibabaChain {
                tried,
                source: Source::Nothing,
            }
        };
        if settings.disabled {
            return refuse(
                tried,
                format!("not asked: {METADATA_DISABLED_VARIABLE} is true"),
            );
        }
        if let Some(role) = &role_name
            && !is_role_name(role)
        {
            return refuse(
                tried,
                "the role name has characters a RAM role name cannot have".into(),
            );
        }
        let base = match metadata::check_url(&settings.url) {
            Ok(base) => base,
            Err(why) => return refuse(tried, why),
        };
        tried.shrink_to_fit();
        AlibabaChain {
            tried,
            source: Source::Metadata(Refreshing::new(
                RamRole {
                    base,
                    http: metadata::http_client(CONNECT_TIMEOUT, READ_TIMEOUT),
                    role_name,
                    imds_v1_disabled: settings.imds_v1_disabled,
                    version: version.to_string(),
                    via,
                },
                REFRESH_MARGIN,
                Arc::new(SystemTime::now),
            )),
        }
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

    /// Where the credentials come from (`environment variables`, `aliyun CLI profile ...`,
    /// `ECS RAM role metadata at URL`), or `None` when no place has them.
    pub fn source(&self) -> Option<String> {
        match &self.source {
            Source::Fixed { place, .. } => Some(place.clone()),
            Source::Metadata(refreshing) => Some(refreshing.fetcher.place()),
            Source::Nothing => None,
        }
    }
}

impl SignerSource for AlibabaChain {
    fn signer(
        &self,
    ) -> Pin<Box<dyn Future<Output = Result<RequestSigner, CredentialsError>> + Send + '_>> {
        Box::pin(async move {
            match &self.source {
                Source::Fixed { signer, .. } => Ok(signer.clone()),
                Source::Metadata(refreshing) => refreshing.signer().await.map_err(|why| {
                    let mut tried = self.tried.clone();
                    tried.push((refreshing.fetcher.place(), why));
                    CredentialsError { tried }
                }),
                Source::Nothing => Err(CredentialsError {
                    tried: self.tried.clone(),
                }),
            }
        })
    }
}

/// A RAM role name: letters, digits, `.`, `-` and `_` (nothing that could change the path).
fn is_role_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
}

fn home(env: Env<'_>) -> Option<PathBuf> {
    // `auth_util.get_home()` outside Windows: HOME, then HOMEPATH.
    home_dir(env, &["HOME", "HOMEPATH"])
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "not found".to_string(),
        _ => format!("cannot read it: {e}"),
    })
}

/// The aliyun CLI's profile: where, and what it gives or why not.
fn cli_profile(env: Env<'_>) -> (String, Result<Found, String>) {
    let Some(home) = home(env) else {
        return (
            "aliyun CLI profiles ~/.aliyun/config.json".into(),
            Err("HOME is not set".into()),
        );
    };
    let path = home.join(".aliyun").join("config.json");
    let place = format!("aliyun CLI profiles {}", path.display());
    if is_true(env, CLI_PROFILE_DISABLED_VARIABLE) {
        return (
            place,
            Err(format!("not read: {CLI_PROFILE_DISABLED_VARIABLE} is true")),
        );
    }
    let found = read(&path).and_then(|text| {
        let config: Value = serde_json::from_str(&text).map_err(|e| {
            format!("not JSON (line {}, column {})", e.line(), e.column())
        })?;
        let name = non_empty(env, PROFILE_VARIABLE)
            .or_else(|| {
                config
                    .get("current")
                    .and_then(Value::as_str)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
            })
            .ok_or_else(|| {
                format!("no profile chosen: {PROFILE_VARIABLE} is not set and `current` is empty")
            })?;
        let profile = config
            .get("profiles")
            .and_then(Value::as_array)
            .and_then(|profiles| {
                profiles
                    .iter()
                    .find(|p| p.get("name").and_then(Value::as_str) == Some(name.as_str()))
            })
            .ok_or_else(|| format!("no profile named `{name}`"))?;
        let field = |key: &str| {
            profile
                .get(key)
                .and_then(Value::as_str)
                .filter(|v| !v.is_empty())
                .map(str::to_string)
                .ok_or_else(|| format!("profile `{name}` has no {key}"))
        };
        let mode = profile.get("mode").and_then(Value::as_str).unwrap_or("");
        match mode {
            "AK" => Ok(Found::Credentials(AlibabaCredentials::new(
                field("access_key_id")?,
                field("access_key_secret")?,
            ))),
            "StsToken" => Ok(Found::Credentials(
                AlibabaCredentials::new(field("access_key_id")?, field("access_key_secret")?)
                    .with_security_token(field("sts_token")?),
            )),
            "EcsRamRole" => Ok(Found::RamRole(field("ram_role_name").ok())),
            other => Err(format!(
                "profile `{name}` is in mode `{other}`, which snapspec does not support (AK, StsToken and EcsRamRole are)"
            )),
        }
    });
    (place, found)
}

/// The credentials library's ini file: where, and what it gives or why not.
fn ini_file(env: Env<'_>) -> (String, Result<Found, String>) {
    let path = match non_empty(env, CREDENTIALS_FILE_VARIABLE) {
        Some(path) => PathBuf::from(path),
        None => match home(env) {
            Some(home) => home.join(".alibabacloud").join("credentials.ini"),
            None => {
                return (
                    "credentials file ~/.alibabacloud/credentials.ini".into(),
                    Err(format!(
                        "HOME is not set, and neither is {CREDENTIALS_FILE_VARIABLE}"
                    )),
                );
            }
        },
    };
    let place = format!("credentials file {}", path.display());
    let section_name = non_empty(env, PROFILE_VARIABLE).unwrap_or_else(|| "default".into());
    let found = read(&path).and_then(|text| {
        let sections = ini::parse(&text)?;
        let section = sections
            .get(&section_name)
            .ok_or_else(|| format!("it has no [{section_name}] section"))?;
        // The library cuts a value at `#` (a trailing comment) and trims it.
        let value = |key: &str| {
            section
                .get(key)
                .map(|v| v.split('#').next().unwrap_or("").trim().to_string())
                .filter(|v| !v.is_empty())
        };
        let field = |key: &str| {
            value(key).ok_or_else(|| format!("[{section_name}] has no {key}"))
        };
        match value("type").as_deref() {
            Some("access_key") => Ok(Found::Credentials(AlibabaCredentials::new(
                field("access_key_id")?,
                field("access_key_secret")?,
            ))),
            Some("ecs_ram_role") => Ok(Found::RamRole(value("role_name"))),
            Some(other) => Err(format!(
                "[{section_name}] is of type `{other}`, which snapspec does not support (access_key and ecs_ram_role are)"
            )),
            None => Err(format!("[{section_name}] has no type")),
        }
    });
    (place, found)
}

/// The ECS metadata service of an instance with a RAM role.
struct RamRole {
    base: String,
    http: reqwest::Client,
    role_name: Option<String>,
    imds_v1_disabled: bool,
    version: String,
    /// ` (as PLACE says)` when a profile led here.
    via: String,
}

impl fmt::Debug for RamRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RamRole")
            .field("base", &self.base)
            .field("role_name", &self.role_name)
            .field("imds_v1_disabled", &self.imds_v1_disabled)
            .field("version", &self.version)
            .finish_non_exhaustive()
    }
}

const LIMIT: Duration = Duration::from_secs(2);

impl RamRole {
    fn place(&self) -> String {
        format!("ECS RAM role metadata at {}{}", self.base, self.via)
    }

    /// A session token; without one (the service refused or could not be reached) the library
    /// goes on without, unless `ALIBABA_CLOUD_IMDSV1_DISABLED` is true.
    async fn session_token(&self) -> Result<Option<String>, String> {
        let answer = self
            .http
            .put(format!("{}{TOKEN_PATH}", self.base))
            .header(TOKEN_TTL_HEADER, TOKEN_TTL_SECONDS)
            .send()
            .await;
        let failure = match answer {
            Ok(response) if response.status().as_u16() == 200 => match response.text().await {
                Ok(token) => return Ok(Some(token.trim().to_string())),
                Err(e) => metadata::describe(&e, LIMIT),
            },
            Ok(response) => format!(
                "PUT {TOKEN_PATH} answered HTTP {}",
                response.status().as_u16()
            ),
            Err(e) => metadata::describe(&e, LIMIT),
        };
        if self.imds_v1_disabled {
            Err(format!(
                "{failure} (and {IMDS_V1_DISABLED_VARIABLE} is true, so no request goes without a token)"
            ))
        } else {
            Ok(None)
        }
    }

    async fn get_once(&self, path: &str, token: Option<&str>) -> Result<String, String> {
        let mut request = self.http.get(format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.header(TOKEN_HEADER, token);
        }
        let response = request
            .send()
            .await
            .map_err(|e| metadata::describe(&e, LIMIT))?;
        let status = response.status().as_u16();
        if status != 200 {
            return Err(format!("GET {path} answered HTTP {status}"));
        }
        response
            .text()
            .await
            .map_err(|e| metadata::describe(&e, LIMIT))
    }

    /// GET `path` with the token; after a failure with one, once more without it (as the
    /// library does unless requests without a token are switched off).
    async fn get(&self, path: &str, token: Option<&str>) -> Result<String, String> {
        match self.get_once(path, token).await {
            Err(_) if token.is_some() && !self.imds_v1_disabled => self.get_once(path, None).await,
            outcome => outcome,
        }
    }

    async fn fetch_credentials(&self) -> Result<Fetched, String> {
        let token = self.session_token().await?;
        let role = match &self.role_name {
            Some(role) => role.clone(),
            None => {
                let listed = self.get(ROLE_PATH, token.as_deref()).await?;
                let role = listed.lines().next().unwrap_or("").trim().to_string();
                if role.is_empty() {
                    return Err("no RAM role is attached to this instance".into());
                }
                if !is_role_name(&role) {
                    return Err(
                        "the role name it gave has characters a RAM role name cannot have".into(),
                    );
                }
                role
            }
        };
        let body = self
            .get(&format!("{ROLE_PATH}{role}"), token.as_deref())
            .await?;
        let (credentials, expires) = parse_role_credentials(&body, &role)?;
        Ok(Fetched {
            signer: RequestSigner::alibaba(credentials, self.version.clone()),
            expires,
            project_id: None,
        })
    }
}

impl Fetch for RamRole {
    fn fetch(&self) -> Pin<Box<dyn Future<Output = Result<Fetched, String>> + Send + '_>> {
        Box::pin(self.fetch_credentials())
    }
}

/// The STS credentials of role `role`: `{"Code": "Success", "AccessKeyId", "AccessKeySecret",
/// "SecurityToken", "Expiration"}` (`_build_refresh_result` in `provider/ecs_ram_role.py`).
fn parse_role_credentials(
    body: &str,
    role: &str,
) -> Result<(AlibabaCredentials, SystemTime), String> {
    let value: Value = serde_json::from_str(body).map_err(|e| {
        format!(
            "its answer for role `{role}` is not JSON (line {}, column {})",
            e.line(),
            e.column()
        )
    })?;
    let field = |name: &str| {
        value
            .get(name)
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
            .map(str::to_string)
            .ok_or_else(|| format!("its answer for role `{role}` has no {name}"))
    };
    let code = value.get("Code").and_then(Value::as_str).unwrap_or("");
    if code != "Success" {
        return Err(format!(
            "its answer for role `{role}` has Code `{code}`, not Success"
        ));
    }
    let expiration = field("Expiration")?;
    let expires = humantime::parse_rfc3339(&expiration)
        .map_err(|_| format!("its Expiration is not a UTC time: {expiration}"))?;
    Ok((
        AlibabaCredentials::new(field("AccessKeyId")?, field("AccessKeySecret")?)
            .with_security_token(field("SecurityToken")?),
        expires,
    ))
}

/// No panic on any input: a mutated RAM role answer gives credentials or an error message.
/// Cases: `PROPTEST_CASES`, 256 when unset (see RELIABILITY.md for the dedicated run).
#[cfg(test)]
mod no_panic {
    use crate::mutation;

    use proptest::prelude::*;

    const SEED: &str = r#"{"Code": "Success", "AccessKeyId": "STS.id", "AccessKeySecret": "s", "SecurityToken": "t", "Expiration": "2026-11-24T08:30:15Z", "LastUpdated": "2026-11-24T02:30:15Z"}"#;

    proptest! {
        #[test]
        fn mutated_role_answers_parse_or_are_refused(
            body in mutation::mutated_text(vec![SEED.to_string()], 6),
            role in "[ -~]{0,12}",
        ) {
            if let Err(error) = super::parse_role_credentials(&body, &role) {
                prop_assert!(error.starts_with("its "), "{}", error);
            }
        }
    }
}
