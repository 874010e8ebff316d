//! No panic on any input: what this crate reads from the wire or from the user's files
//! (`Retry-After`, request paths, endpoints, the credential chains' environment, ini and JSON
//! files) is fed arbitrary and mutated input, and must answer with a value: a chain that lists
//! what it tried, an `Err`, `None`.
//!
//! Cases per property: `PROPTEST_CASES` (proptest's own variable), 256 when unset. The dedicated
//! run (see RELIABILITY.md): `PROPTEST_CASES=100000 cargo test --release -p snapspec-runtime --test no_panic`.

#[path = "../../../testsupport/mutation.rs"]
mod mutation;

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;
use std::time::{Duration, UNIX_EPOCH};

use mutation::{mutated_text, short_text};
use proptest::prelude::*;
use snapspec_runtime::{AlibabaChain, HuaweiChain, SignerSource, retry};

const VERSION: &str = "2017-06-13";
/// Put into every secret value of the generated files; must never be printed.
const SECRET_MARK: &str = "secret-never-shown";

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
    })
}

const HUAWEI_FILE: &str = "[basic]\nak = HPUAFILEAK0000000001\nsk = file-sk\nproject_id = p1\nsecurity_token = file-token\n\n[other]\nak = x\n  continued\n# comment\n; comment\n";
const ALIYUN_CONFIG: &str = r#"{"current": "sts", "profiles": [
  {"name": "ak", "mode": "AK", "access_key_id": "LTAIak", "access_key_secret": "s1"},
  {"name": "sts", "mode": "StsToken", "access_key_id": "LTAIsts", "access_key_secret": "s2", "sts_token": "t"},
  {"name": "role", "mode": "EcsRamRole", "ram_role_name": "r"}]}"#;
const ALIBABA_INI: &str = "[default]\ntype = access_key # comment\naccess_key_id = LTAIini\naccess_key_secret = s3\n[role]\ntype = ecs_ram_role\nrole_name = r\n";

fn write(dir: &Path, relative: &str, text: &str) {
    let path = dir.join(relative);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Builds both chains over `env` (metadata switched off, so nothing goes to the network), asks
/// each for a signer, and returns everything they print.
fn run_chains(env: &HashMap<String, String>) -> Vec<String> {
    let lookup = |name: &str| env.get(name).cloned();
    let huawei = HuaweiChain::new(&lookup, None);
    let alibaba = AlibabaChain::new(&lookup, VERSION, None);
    let mut shown = vec![format!("{huawei:?}"), format!("{alibaba:?}")];
    shown.extend(huawei.source());
    shown.extend(alibaba.source());
    runtime().block_on(async {
        for result in [huawei.signer().await, alibaba.signer().await] {
            match result {
                Ok(signer) => shown.push(format!("{signer:?}")),
                Err(error) => {
                    // An error always says where it looked.
                    assert!(!error.tried.is_empty());
                    shown.push(format!("{error} {error:?}"));
                }
            }
        }
    });
    shown
}

fn base_env(home: &Path) -> HashMap<String, String> {
    HashMap::from([
        ("HOME".to_string(), home.to_str().unwrap().to_string()),
        (
            "SNAPSPEC_HUAWEI_METADATA_DISABLED".to_string(),
            "true".to_string(),
        ),
        (
            "ALIBABA_CLOUD_ECS_METADATA_DISABLED".to_string(),
            "true".to_string(),
        ),
    ])
}

/// A credentials file line: structure, or a key whose value holds [`SECRET_MARK`].
fn file_line() -> impl Strategy<Value = String> {
    let secret = "[a-zA-Z0-9+/=_\\-]{0,8}".prop_map(|s| format!("{s}{SECRET_MARK}"));
    prop_oneof![
        prop::sample::select(vec![
            "[basic]",
            "[default]",
            "[basic",
            "[]",
            "[DEFAULT]",
            "ak = HPUAAK",
            "ak =",
            "project_id = p1",
            "type = access_key",
            "type = ecs_ram_role",
            "type = other",
            "type =",
            "access_key_id = LTAI",
            "role_name = r",
            " = x",
            "# c",
            "; c",
            "",
            "=",
            "idp_id = i",
            "id_token_file = f",
            "  indented",
        ])
        .prop_map(str::to_string),
        (
            prop::sample::select(vec![
                "sk",
                "SK",
                "security_token",
                "access_key_secret",
                "Access_Key_Secret",
            ]),
            prop::sample::select(vec![" = ", "=", ": ", " :"]),
            secret,
        )
            .prop_map(|(key, sep, value)| format!("{key}{sep}{value}")),
    ]
}

/// An aliyun CLI config whose secrets hold [`SECRET_MARK`], with any mode and fields.
fn aliyun_config() -> impl Strategy<Value = String> {
    let field = prop_oneof![
        Just(String::new()),
        Just(format!(r#", "access_key_secret": "s-{SECRET_MARK}""#)),
        Just(format!(r#", "sts_token": "t-{SECRET_MARK}""#)),
        Just(r#", "access_key_id": "LTAIid""#.to_string()),
        Just(r#", "ram_role_name": "r""#.to_string()),
        Just(r#", "access_key_id": 7"#.to_string()),
    ];
    (
        prop::sample::select(vec!["AK", "StsToken", "EcsRamRole", "RamRoleArn", "", "ak"]),
        prop::sample::select(vec!["p", "", "q"]),
        prop::collection::vec(field, 0..5),
    )
        .prop_map(|(mode, current, fields)| {
            format!(
                r#"{{"current": "{current}", "profiles": [{{"name": "p", "mode": "{mode}"{}}}]}}"#,
                fields.concat()
            )
        })
}

proptest! {
    #[test]
    fn retry_after_reads_any_header(
        value in prop_oneof![
            prop::collection::vec(any::<u8>(), 0..40),
            short_text(&["120", "Tue, 24 Nov 2026 08:34:16 GMT", "18446744073709551615"]).prop_map(String::into_bytes),
        ],
        now in 0u64..253_402_300_799,
    ) {
        let mut headers = reqwest::header::HeaderMap::new();
        if let Ok(value) = reqwest::header::HeaderValue::from_bytes(&value) {
            headers.insert(reqwest::header::RETRY_AFTER, value);
        }
        let now = UNIX_EPOCH + Duration::from_secs(now);
        if let Some(delay) = retry::retry_after(&headers, now) {
            // A date gives the time left from now; seconds are taken as written.
            let text = String::from_utf8_lossy(&value);
            let seconds = text.trim().parse::<u64>().ok();
            prop_assert!(seconds.is_none_or(|s| delay == Duration::from_secs(s)));
        }
    }

    #[test]
    fn path_segments_of_any_url(text in short_text(&[
        "https://css.cn-north-4.myhuaweicloud.com/v1.0/p1/clusters/c%20d/index_snapshots",
        "http://h/a/%E4%B8%AD/%FF%FE/%/b%2Fc/",
        "mailto:x@y",
    ])) {
        if let Ok(url) = reqwest::Url::parse(&text) {
            let _ = retry::path_segments(&url);
        }
    }

    #[test]
    fn endpoints_are_checked_not_trusted(endpoint in short_text(&[
        "https://css.cn-north-4.myhuaweicloud.com/",
        "http://127.0.0.1:8080",
        "https://user:pw@h/x?y#z",
        "file:///etc/passwd",
    ])) {
        match snapspec_runtime::check_endpoint(&endpoint) {
            Ok(base) => {
                // What comes back is a clean absolute URL, without a trailing slash.
                prop_assert!(base.starts_with("http://") || base.starts_with("https://"), "{:?}", base);
                prop_assert!(!base.ends_with('/') && !base.contains(char::is_control), "{:?}", base);
                prop_assert_eq!(snapspec_runtime::check_endpoint(&base).ok(), Some(base.clone()));
            }
            Err(error) => { let _ = error.to_string(); }
        }
    }

    #[test]
    fn credential_chains_read_mutated_files_and_environments(
        huawei_file in mutated_text(vec![HUAWEI_FILE.to_string()], 6),
        aliyun in mutated_text(vec![ALIYUN_CONFIG.to_string()], 6),
        alibaba_ini in mutated_text(vec![ALIBABA_INI.to_string()], 6),
        variables in prop::collection::vec(
            (
                prop::sample::select(vec![
                    "HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_PROJECT_ID",
                    "ALIBABA_CLOUD_ACCESS_KEY_ID", "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
                    "ALIBABA_CLOUD_PROFILE", "ALIBABA_CLOUD_ECS_METADATA",
                    "ALIBABA_CLOUD_CLI_PROFILE_DISABLED", "SNAPSPEC_HUAWEI_METADATA_URL",
                ]),
                short_text(&["", " ", "true", "role", "default", "http://127.0.0.1:9"]),
            ),
            0..4,
        ),
    ) {
        let home = tempfile::tempdir().unwrap();
        write(home.path(), ".huaweicloud/credentials", &huawei_file);
        write(home.path(), ".aliyun/config.json", &aliyun);
        write(home.path(), ".alibabacloud/credentials.ini", &alibaba_ini);
        let mut env = base_env(home.path());
        env.extend(variables.into_iter().map(|(k, v)| (k.to_string(), v)));
        run_chains(&env);
    }

    /// Whatever the files look like, a secret in them reaches neither a chain's `Debug` nor the
    /// error that lists where it looked (the error paths: a file without its AK, of an
    /// unsupported type or mode, malformed).
    #[test]
    fn chains_and_their_errors_never_print_a_file_secret(
        huawei_lines in prop::collection::vec(file_line(), 0..8),
        ini_lines in prop::collection::vec(file_line(), 0..8),
        aliyun in aliyun_config(),
    ) {
        let home = tempfile::tempdir().unwrap();
        write(home.path(), ".huaweicloud/credentials", &huawei_lines.join("\n"));
        write(home.path(), ".aliyun/config.json", &aliyun);
        write(home.path(), ".alibabacloud/credentials.ini", &ini_lines.join("\n"));
        for text in run_chains(&base_env(home.path())) {
            prop_assert!(!text.contains(SECRET_MARK), "a secret leaked: {}", text);
        }
    }
}

proptest! {
    /// An endpoint with a password in it is refused, and the password shown as `***`.
    #[test]
    fn endpoint_errors_never_show_a_password(
        user in "[a-z]{0,6}",
        host in short_text(&["css.cn-north-4.myhuaweicloud.com", "127.0.0.1:8080", "h/x?y#z"]),
    ) {
        let endpoint = format!("https://{user}:{SECRET_MARK}@{host}");
        if let Err(error) = snapspec_runtime::check_endpoint(&endpoint) {
            let text = format!("{error} {error:?}");
            prop_assert!(!text.contains(SECRET_MARK), "{}", text);
        } else {
            prop_assert!(false, "{} was accepted", endpoint);
        }
    }
}
