//! `snapspec alibaba-es`: Alibaba Cloud Elasticsearch 2017-06-13.

use clap::Subcommand;
use serde_json::{Value, json};
use snapspec_alibaba_es::types;

use crate::{CommonOptions, EXIT_CODES, Failure, alibaba_signer, answer, from_fields, region};

#[derive(Debug, Subcommand)]
pub(crate) enum AlibabaEsCommand {
    /// Create a cross-cluster OSS snapshot reference repository on an instance
    /// (AddSnapshotRepo, POST /openapi/instances/{InstanceId}/snapshot-repos).
    #[command(after_help = EXIT_CODES)]
    AddSnapshotRepo {
        /// The destination instance, on which the repository is created.
        #[arg(long, value_name = "ID")]
        instance_id: String,
        /// The source instance whose snapshots become restorable.
        #[arg(long, value_name = "ID")]
        repo_path: String,
    },
    /// List the cross-cluster OSS snapshot reference repositories of an instance
    /// (ListSnapshotReposByInstanceId, GET /openapi/instances/{InstanceId}/snapshot-repos).
    #[command(after_help = EXIT_CODES)]
    ListSnapshotReposByInstanceId {
        /// The instance whose repositories are listed.
        #[arg(long, value_name = "ID")]
        instance_id: String,
    },
    /// Remove a cross-cluster OSS snapshot reference repository from an instance
    /// (DeleteSnapshotRepo, DELETE /openapi/instances/{InstanceId}/snapshot-repos).
    #[command(after_help = EXIT_CODES)]
    DeleteSnapshotRepo {
        /// The instance the repository is removed from.
        #[arg(long, value_name = "ID")]
        instance_id: String,
        /// The source instance the repository refers to (its repoPath in the list).
        #[arg(long, value_name = "ID")]
        repo_path: String,
        /// A token (at most 64 ASCII characters) that makes a retry of this deletion harmless.
        #[arg(long, value_name = "TOKEN")]
        client_token: Option<String>,
    },
    /// Take a manual snapshot of an instance
    /// (CreateSnapshot, POST /openapi/instances/{InstanceId}/snapshots).
    ///
    /// The request is idempotent by its client token: without --client-token a new random token
    /// is made and printed on stderr; pass it to --client-token to retry without a second
    /// snapshot.
    #[command(after_help = EXIT_CODES)]
    CreateSnapshot {
        /// The instance to snapshot.
        #[arg(long, value_name = "ID")]
        instance_id: String,
        /// The token of this request (at most 64 ASCII characters) [default: a new random one].
        #[arg(long, value_name = "TOKEN")]
        client_token: Option<String>,
    },
    /// Show whether an instance takes snapshots automatically, and when
    /// (DescribeSnapshotSetting, GET /openapi/instances/{InstanceId}/snapshot-setting).
    #[command(after_help = EXIT_CODES)]
    DescribeSnapshotSetting {
        /// The instance whose setting is shown.
        #[arg(long, value_name = "ID")]
        instance_id: String,
    },
    /// Turn automatic snapshots of an instance on or off, and set when they are taken
    /// (UpdateSnapshotSetting, POST /openapi/instances/{InstanceId}/snapshot-setting).
    #[command(after_help = EXIT_CODES)]
    UpdateSnapshotSetting {
        /// The instance whose setting is changed.
        #[arg(long, value_name = "ID")]
        instance_id: String,
        /// true to turn automatic snapshots on, false to turn them off.
        #[arg(long, value_name = "BOOL", action = clap::ArgAction::Set)]
        enable: bool,
        /// When snapshots are taken, as a Quartz cron expression with 6 or 7 fields, e.g.
        /// "0 0 01 ? * * *" for 01:00 every day. Needed with --enable true.
        #[arg(long, value_name = "CRON")]
        quartz_regex: Option<String>,
    },
}

fn client(
    endpoint_override: Option<String>,
    common: &CommonOptions,
) -> Result<snapspec_alibaba_es::Client, Failure> {
    let builder = snapspec_alibaba_es::Client::builder().signer_source(alibaba_signer(common)?);
    Ok(match endpoint_override {
        Some(url) => builder.endpoint(&url),
        None => builder.region(region(common)?),
    }
    .build()?)
}

pub(crate) async fn run(
    common: &CommonOptions,
    endpoint_override: Option<String>,
    command: AlibabaEsCommand,
) -> Result<Value, Failure> {
    match command {
        AlibabaEsCommand::AddSnapshotRepo {
            instance_id,
            repo_path,
        } => {
            let body: types::AddSnapshotRepoRequest =
                from_fields(&[("repoPath", Some(repo_path))])?;
            let client = client(endpoint_override, common)?;
            answer(
                client
                    .add_snapshot_repo()
                    .instance_id(instance_id)
                    .body(body)
                    .send()
                    .await,
            )
            .await
        }
        AlibabaEsCommand::ListSnapshotReposByInstanceId { instance_id } => {
            let client = client(endpoint_override, common)?;
            answer(
                client
                    .list_snapshot_repos_by_instance_id()
                    .instance_id(instance_id)
                    .send()
                    .await,
            )
            .await
        }
        AlibabaEsCommand::DeleteSnapshotRepo {
            instance_id,
            repo_path,
            client_token,
        } => {
            let token = client_token
                .map(|token| checked_token::<types::DeleteSnapshotRepoClientToken>(&token))
                .transpose()?;
            let client = client(endpoint_override, common)?;
            let mut request = client
                .delete_snapshot_repo()
                .instance_id(instance_id)
                .repo_path(repo_path);
            if let Some(token) = token {
                request = request.client_token(token);
            }
            answer(request.send().await).await
        }
        AlibabaEsCommand::CreateSnapshot {
            instance_id,
            client_token,
        } => {
            let token = match client_token {
                Some(token) => checked_token::<types::CreateSnapshotClientToken>(&token)?,
                None => {
                    let token = snapspec_alibaba_es::new_client_token();
                    // Before sending, so that a retry after any failure can reuse it.
                    eprintln!(
                        "client token: {token} (to retry without a second snapshot: --client-token {token})"
                    );
                    checked_token::<types::CreateSnapshotClientToken>(&token)?
                }
            };
            let client = client(endpoint_override, common)?;
            answer(
                client
                    .create_snapshot()
                    .instance_id(instance_id)
                    .client_token(token)
                    .send()
                    .await,
            )
            .await
        }
        AlibabaEsCommand::DescribeSnapshotSetting { instance_id } => {
            let client = client(endpoint_override, common)?;
            answer(
                client
                    .describe_snapshot_setting()
                    .instance_id(instance_id)
                    .send()
                    .await,
            )
            .await
        }
        AlibabaEsCommand::UpdateSnapshotSetting {
            instance_id,
            enable,
            quartz_regex,
        } => {
            if enable && quartz_regex.is_none() {
                return Err(Failure::InvalidArgument(
                    "--quartz-regex is required with --enable true (e.g. --quartz-regex \"0 0 01 ? * * *\" for 01:00 every day)".into(),
                ));
            }
            let mut fields = json!({"enable": enable});
            if let Some(expression) = quartz_regex {
                fields["quartzRegex"] = Value::from(expression);
            }
            let body: types::UpdateSnapshotSettingRequest = snapspec_runtime::from_json(fields)?;
            let client = client(endpoint_override, common)?;
            answer(
                client
                    .update_snapshot_setting()
                    .instance_id(instance_id)
                    .body(body)
                    .send()
                    .await,
            )
            .await
        }
    }
}

/// A client token checked by the spec's rule (the generated type: at most 64 characters) and
/// the pages' (ASCII only), or an invalid-argument failure naming the flag.
fn checked_token<T>(token: &str) -> Result<T, Failure>
where
    for<'a> T: TryFrom<&'a str, Error: std::fmt::Display>,
{
    if !token.is_ascii() {
        return Err(Failure::InvalidArgument(
            "--client-token: only ASCII characters are allowed".into(),
        ));
    }
    if token.is_empty() {
        return Err(Failure::InvalidArgument(
            "--client-token: must not be empty".into(),
        ));
    }
    T::try_from(token).map_err(|e| Failure::InvalidArgument(format!("--client-token: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_tokens_are_version_4_uuids_and_differ() {
        let (a, b) = (
            snapspec_alibaba_es::new_client_token(),
            snapspec_alibaba_es::new_client_token(),
        );
        assert_eq!(&a[14..15], "4", "version 4: {a}");
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert!(checked_token::<types::CreateSnapshotClientToken>(&a).is_ok());
    }

    #[test]
    fn bad_tokens_are_refused_naming_the_flag() {
        for (token, reason) in [
            ("x".repeat(65), "64"),
            ("jeton-é".to_string(), "ASCII"),
            (String::new(), "empty"),
        ] {
            let Err(Failure::InvalidArgument(message)) =
                checked_token::<types::CreateSnapshotClientToken>(&token)
            else {
                panic!("{token:?} is refused")
            };
            assert!(
                message.starts_with("--client-token") && message.contains(reason),
                "{message}"
            );
        }
    }
}
