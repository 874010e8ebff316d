//! Credentials and endpoints from the official SDKs' environment variables.

use std::fmt;

use crate::{AlibabaCredentials, HuaweiCredentials};

/// A credential, region or endpoint that is missing or malformed. Names the variable or value
/// concerned, never a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigError {
    /// A required environment variable is not set.
    Missing {
        /// The variable's name.
        variable: &'static str,
    },
    /// A required environment variable is set but empty.
    Empty {
        /// The variable's name.
        variable: &'static str,
    },
    /// The region id is not a region id.
    InvalidRegion {
        /// The region as given.
        region: String,
    },
    /// An endpoint override variable does not hold an http(s) URL.
    InvalidEndpointOverride {
        /// The variable's name.
        variable: String,
    },
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Missing { variable } => {
                write!(f, "the environment variable {variable} is not set")
            }
            ConfigError::Empty { variable } => {
                write!(f, "the environment variable {variable} is empty")
            }
            ConfigError::InvalidRegion { region } => write!(
                f,
                "`{region}` is not a region id: use lowercase letters, digits and `-`, e.g. cn-north-4 or cn-hangzhou"
            ),
            ConfigError::InvalidEndpointOverride { variable } => {
                write!(f, "{variable} must be an http:// or https:// URL")
            }
        }
    }
}

impl std::error::Error for ConfigError {}

fn required(
    env: &dyn Fn(&str) -> Option<String>,
    variable: &'static str,
) -> Result<String, ConfigError> {
    match env(variable) {
        None => Err(ConfigError::Missing { variable }),
        Some(value) if value.trim().is_empty() => Err(ConfigError::Empty { variable }),
        Some(value) => Ok(value),
    }
}

fn optional(env: &dyn Fn(&str) -> Option<String>, variable: &str) -> Option<String> {
    env(variable).filter(|value| !value.trim().is_empty())
}

impl HuaweiCredentials {
    /// Reads `HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK` (both required), and the optional
    /// `HUAWEICLOUD_SDK_PROJECT_ID` and `HUAWEICLOUD_SDK_SECURITY_TOKEN` through `env` (pass a
    /// closure over `std::env::var` for the process environment).
    pub fn from_env(
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<HuaweiCredentials, ConfigError> {
        let mut credentials = HuaweiCredentials::new(
            required(env, "HUAWEICLOUD_SDK_AK")?,
            required(env, "HUAWEICLOUD_SDK_SK")?,
        );
        if let Some(project_id) = optional(env, "HUAWEICLOUD_SDK_PROJECT_ID") {
            credentials = credentials.with_project_id(project_id);
        }
        if let Some(token) = optional(env, "HUAWEICLOUD_SDK_SECURITY_TOKEN") {
            credentials = credentials.with_security_token(token);
        }
        Ok(credentials)
    }
}

impl AlibabaCredentials {
    /// Reads `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` (both required) and
    /// the optional `ALIBABA_CLOUD_SECURITY_TOKEN` through `env`.
    pub fn from_env(
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<AlibabaCredentials, ConfigError> {
        let mut credentials = AlibabaCredentials::new(
            required(env, "ALIBABA_CLOUD_ACCESS_KEY_ID")?,
            required(env, "ALIBABA_CLOUD_ACCESS_KEY_SECRET")?,
        );
        if let Some(token) = optional(env, "ALIBABA_CLOUD_SECURITY_TOKEN") {
            credentials = credentials.with_security_token(token);
        }
        Ok(credentials)
    }
}

fn check_region(region: &str) -> Result<(), ConfigError> {
    let valid = !region.is_empty()
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !region.starts_with('-')
        && !region.ends_with('-');
    if valid {
        Ok(())
    } else {
        Err(ConfigError::InvalidRegion {
            region: region.to_string(),
        })
    }
}

/// The endpoint of Huawei Cloud `service` in `region`: `https://{service}.{region}.myhuaweicloud.com`,
/// unless `HUAWEICLOUD_SDK_REGION_{SERVICE}_{REGION}` (uppercase, `-` as `_`) overrides it, as in
/// the official SDKs.
pub fn huawei_endpoint(
    service: &str,
    region: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<String, ConfigError> {
    check_region(region)?;
    let variable = format!("HUAWEICLOUD_SDK_REGION_{}_{}", service, region)
        .to_ascii_uppercase()
        .replace('-', "_");
    match optional(env, &variable) {
        Some(url) if url.starts_with("https://") || url.starts_with("http://") => Ok(url),
        Some(_) => Err(ConfigError::InvalidEndpointOverride { variable }),
        None => Ok(format!("https://{service}.{region}.myhuaweicloud.com")),
    }
}

/// The endpoint of Alibaba Cloud `product` in `region_id`: `https://{product}.{regionId}.aliyuncs.com`.
pub fn alibaba_endpoint(product: &str, region_id: &str) -> Result<String, ConfigError> {
    check_region(region_id)?;
    Ok(format!("https://{product}.{region_id}.aliyuncs.com"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_of(pairs: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn a_missing_or_empty_credential_names_the_variable_not_the_value() {
        let e = HuaweiCredentials::from_env(&env_of(&[("HUAWEICLOUD_SDK_AK", "AK1")])).unwrap_err();
        assert_eq!(
            e.to_string(),
            "the environment variable HUAWEICLOUD_SDK_SK is not set"
        );
        let e = AlibabaCredentials::from_env(&env_of(&[
            ("ALIBABA_CLOUD_ACCESS_KEY_ID", ""),
            ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "s3cr3t-value"),
        ]))
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "the environment variable ALIBABA_CLOUD_ACCESS_KEY_ID is empty"
        );
    }

    #[test]
    fn credentials_read_every_official_variable() {
        let c = HuaweiCredentials::from_env(&env_of(&[
            ("HUAWEICLOUD_SDK_AK", "AK1"),
            ("HUAWEICLOUD_SDK_SK", "SK1"),
            ("HUAWEICLOUD_SDK_PROJECT_ID", "p1"),
            ("HUAWEICLOUD_SDK_SECURITY_TOKEN", "tok"),
        ]))
        .unwrap();
        assert_eq!(
            (c.ak.as_str(), c.sk.expose(), c.project_id.as_deref()),
            ("AK1", "SK1", Some("p1"))
        );
        assert_eq!(c.security_token.as_ref().map(|t| t.expose()), Some("tok"));
        let a = AlibabaCredentials::from_env(&env_of(&[
            ("ALIBABA_CLOUD_ACCESS_KEY_ID", "id"),
            ("ALIBABA_CLOUD_ACCESS_KEY_SECRET", "secret"),
            ("ALIBABA_CLOUD_SECURITY_TOKEN", "sts"),
        ]))
        .unwrap();
        assert_eq!(a.security_token.as_ref().map(|t| t.expose()), Some("sts"));
    }

    #[test]
    fn endpoints_follow_the_region_unless_overridden() {
        let none = env_of(&[]);
        assert_eq!(
            huawei_endpoint("css", "cn-north-4", &none).unwrap(),
            "https://css.cn-north-4.myhuaweicloud.com"
        );
        let overridden = env_of(&[(
            "HUAWEICLOUD_SDK_REGION_CSS_CN_NORTH_4",
            "http://127.0.0.1:8080",
        )]);
        assert_eq!(
            huawei_endpoint("css", "cn-north-4", &overridden).unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            huawei_endpoint("dws", "cn-north-4", &overridden).unwrap(),
            "https://dws.cn-north-4.myhuaweicloud.com"
        );
        let bad = env_of(&[("HUAWEICLOUD_SDK_REGION_DWS_CN_NORTH_4", "dws.example")]);
        assert!(
            huawei_endpoint("dws", "cn-north-4", &bad)
                .unwrap_err()
                .to_string()
                .contains("HUAWEICLOUD_SDK_REGION_DWS_CN_NORTH_4")
        );
        assert_eq!(
            alibaba_endpoint("elasticsearch", "cn-hangzhou").unwrap(),
            "https://elasticsearch.cn-hangzhou.aliyuncs.com"
        );
        for region in ["CN-North-4", "cn north", "", "cn.hangzhou", "-x"] {
            assert!(
                alibaba_endpoint("elasticsearch", region).is_err(),
                "{region}"
            );
        }
    }
}
