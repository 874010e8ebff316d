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
    /// The service or product name is not one (lowercase letters, digits and `-`).
    InvalidService {
        /// The name as given.
        service: String,
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
            ConfigError::InvalidService { service } => write!(
                f,
                "`{service}` is not a service name: use lowercase letters, digits and `-`, e.g. css, dws or elasticsearch"
            ),
            ConfigError::InvalidEndpointOverride { variable } => {
                write!(f, "{variable} must be an http:// or https:// URL")
            }
        }
    }
}

impl std::error::Error for ConfigError {}

/// Reads one variable of the process environment; pass it where an `env` lookup is expected to
/// use the real environment (`HuaweiCredentials::from_env(&process_env)`). A variable that is not
/// valid Unicode counts as unset.
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

fn required(
    env: &(impl Fn(&str) -> Option<String> + ?Sized),
    variable: &'static str,
) -> Result<String, ConfigError> {
    match env(variable) {
        None => Err(ConfigError::Missing { variable }),
        Some(value) if value.trim().is_empty() => Err(ConfigError::Empty { variable }),
        Some(value) => Ok(value),
    }
}

fn optional(env: &(impl Fn(&str) -> Option<String> + ?Sized), variable: &str) -> Option<String> {
    env(variable).filter(|value| !value.trim().is_empty())
}

impl HuaweiCredentials {
    /// Reads `HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK` (both required), and the optional
    /// `HUAWEICLOUD_SDK_PROJECT_ID` and `HUAWEICLOUD_SDK_SECURITY_TOKEN` through `env`, a lookup
    /// from variable name to value (a closure over a map in tests, [`process_env`] for the real
    /// environment). A missing or empty AK or SK is an error naming the variable; empty optional
    /// variables count as unset, as in the SDK.
    pub fn from_env(
        env: &(impl Fn(&str) -> Option<String> + ?Sized),
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

    /// [`HuaweiCredentials::from_env`] over the process environment.
    pub fn from_process_env() -> Result<HuaweiCredentials, ConfigError> {
        HuaweiCredentials::from_env(&process_env)
    }
}

impl AlibabaCredentials {
    /// Reads `ALIBABA_CLOUD_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET` (both required) and
    /// the optional `ALIBABA_CLOUD_SECURITY_TOKEN` through `env`, a lookup from variable name to
    /// value. A missing or empty required variable is an error naming it.
    pub fn from_env(
        env: &(impl Fn(&str) -> Option<String> + ?Sized),
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

    /// [`AlibabaCredentials::from_env`] over the process environment.
    pub fn from_process_env() -> Result<AlibabaCredentials, ConfigError> {
        AlibabaCredentials::from_env(&process_env)
    }
}

/// A DNS label of lowercase letters, digits and inner `-` (what region ids and service names
/// are, and all that may go into a host name built from them).
fn is_label(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

fn check_region(region: &str) -> Result<(), ConfigError> {
    if is_label(region) {
        Ok(())
    } else {
        Err(ConfigError::InvalidRegion {
            region: region.to_string(),
        })
    }
}

fn check_service(service: &str) -> Result<(), ConfigError> {
    if is_label(service) {
        Ok(())
    } else {
        Err(ConfigError::InvalidService {
            service: service.to_string(),
        })
    }
}

/// The endpoint of Huawei Cloud `service` (`css`, `dws`) in `region` (`cn-north-4`):
/// `https://{service}.{region}.myhuaweicloud.com`, unless the variable
/// `HUAWEICLOUD_SDK_REGION_{SERVICE}_{REGION}` (upper case, `-` as `_`, e.g.
/// `HUAWEICLOUD_SDK_REGION_CSS_CN_NORTH_4`) read through `env` overrides it, as in the official
/// SDKs. The SDKs accept a comma-separated list there and fail over between its endpoints; the
/// first is taken.
pub fn huawei_endpoint(
    service: &str,
    region: &str,
    env: &(impl Fn(&str) -> Option<String> + ?Sized),
) -> Result<String, ConfigError> {
    check_service(service)?;
    check_region(region)?;
    let variable = format!("HUAWEICLOUD_SDK_REGION_{service}_{region}")
        .to_ascii_uppercase()
        .replace('-', "_");
    let overridden = optional(env, &variable).map(|list| {
        let first = list.split(',').next().unwrap_or_default();
        first.trim().to_string()
    });
    match overridden {
        Some(url) if url.starts_with("https://") || url.starts_with("http://") => Ok(url),
        Some(_) => Err(ConfigError::InvalidEndpointOverride { variable }),
        None => Ok(format!("https://{service}.{region}.myhuaweicloud.com")),
    }
}

/// The endpoint of Alibaba Cloud `product` (`elasticsearch`) in `region_id` (`cn-hangzhou`):
/// `https://{product}.{regionId}.aliyuncs.com`, the regional rule of the Elasticsearch SDK.
pub fn alibaba_endpoint(product: &str, region_id: &str) -> Result<String, ConfigError> {
    check_service(product)?;
    check_region(region_id)?;
    Ok(format!("https://{product}.{region_id}.aliyuncs.com"))
}

/// [`alibaba_endpoint`] of Alibaba Cloud Elasticsearch: `https://elasticsearch.{regionId}.aliyuncs.com`.
pub fn alibaba_elasticsearch_endpoint(region_id: &str) -> Result<String, ConfigError> {
    alibaba_endpoint("elasticsearch", region_id)
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
        assert_eq!(
            alibaba_elasticsearch_endpoint("cn-shanghai").unwrap(),
            "https://elasticsearch.cn-shanghai.aliyuncs.com"
        );
        for region in ["CN-North-4", "cn north", "", "cn.hangzhou", "-x", "a/b"] {
            let error = alibaba_endpoint("elasticsearch", region).unwrap_err();
            assert_eq!(
                error,
                ConfigError::InvalidRegion {
                    region: region.to_string()
                }
            );
            assert!(
                error
                    .to_string()
                    .contains("lowercase letters, digits and `-`")
            );
            assert!(huawei_endpoint("css", region, &none).is_err(), "{region}");
        }
        assert!(matches!(
            huawei_endpoint("css.evil.example/", "cn-north-4", &none),
            Err(ConfigError::InvalidService { .. })
        ));
    }

    #[test]
    fn every_way_of_passing_the_lookup_compiles() {
        fn named_lookup(_: &str) -> Option<String> {
            None
        }
        let as_trait_object: &dyn Fn(&str) -> Option<String> = &named_lookup;
        assert!(HuaweiCredentials::from_env(&named_lookup).is_err());
        assert!(HuaweiCredentials::from_env(as_trait_object).is_err());
        assert!(
            AlibabaCredentials::from_env(&|name: &str| std::env::var(name).ok().filter(|_| false))
                .is_err()
        );
        assert!(huawei_endpoint("css", "cn-north-4", as_trait_object).is_ok());
        assert!(huawei_endpoint("css", "cn-north-4", &process_env).is_ok());
    }

    #[test]
    fn an_override_listing_several_endpoints_gives_the_first() {
        let listed = env_of(&[(
            "HUAWEICLOUD_SDK_REGION_CSS_AP_SOUTHEAST_1",
            " https://css-a.example.com , https://css-b.example.com",
        )]);
        assert_eq!(
            huawei_endpoint("css", "ap-southeast-1", &listed).unwrap(),
            "https://css-a.example.com"
        );
        let empty = env_of(&[("HUAWEICLOUD_SDK_REGION_CSS_AP_SOUTHEAST_1", "")]);
        assert_eq!(
            huawei_endpoint("css", "ap-southeast-1", &empty).unwrap(),
            "https://css.ap-southeast-1.myhuaweicloud.com",
            "an empty override is no override, as in the SDK"
        );
    }

    #[test]
    fn errors_name_variables_and_never_carry_values() {
        let secret = "s3cr3t-v4lue-never-shown";
        let only_secret = |name: &str| {
            (name == "HUAWEICLOUD_SDK_SK" || name == "ALIBABA_CLOUD_ACCESS_KEY_SECRET")
                .then(|| secret.to_string())
        };
        let errors = [
            HuaweiCredentials::from_env(&only_secret).unwrap_err(),
            AlibabaCredentials::from_env(&only_secret).unwrap_err(),
        ];
        assert_eq!(
            errors[0],
            ConfigError::Missing {
                variable: "HUAWEICLOUD_SDK_AK"
            }
        );
        assert_eq!(
            errors[1],
            ConfigError::Missing {
                variable: "ALIBABA_CLOUD_ACCESS_KEY_ID"
            }
        );
        for error in errors {
            assert!(!format!("{error} {error:?}").contains(secret));
        }
        let bad_override = env_of(&[("HUAWEICLOUD_SDK_REGION_CSS_CN_NORTH_4", "s3cr3t-v4lue")]);
        let error = huawei_endpoint("css", "cn-north-4", &bad_override).unwrap_err();
        assert!(!format!("{error} {error:?}").contains("s3cr3t"));
    }

    #[test]
    fn credentials_debug_hides_secrets_but_shows_the_key_id() {
        let credentials = HuaweiCredentials::from_env(&env_of(&[
            ("HUAWEICLOUD_SDK_AK", "AK-VISIBLE"),
            ("HUAWEICLOUD_SDK_SK", "sk-hidden-value"),
            ("HUAWEICLOUD_SDK_SECURITY_TOKEN", "token-hidden-value"),
        ]))
        .unwrap();
        let debug = format!("{credentials:?} {credentials:#?}");
        assert!(debug.contains("AK-VISIBLE"));
        assert!(!debug.contains("hidden-value"), "{debug}");
        let secret = crate::Secret::new("plain-secret");
        assert_eq!(format!("{secret}"), "***");
        assert_eq!(format!("{secret:?}"), "Secret(***)");
        assert_eq!(secret.expose(), "plain-secret");
    }
}
