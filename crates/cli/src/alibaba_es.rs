//! `snapspec alibaba-es`: Alibaba Cloud Elasticsearch 2017-06-13.

use clap::Subcommand;
use serde_json::Value;
use snapspec_runtime::RequestSigner;

use crate::{
    ALIBABA_ES_API_VERSION, CommonOptions, EXIT_CODES, Failure, answer, from_fields, region,
};

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
            let body: snapspec_alibaba_es::types::AddSnapshotRepoRequest =
                from_fields(&[("repoPath", Some(repo_path))])?;
            let credentials =
                snapspec_auth::AlibabaCredentials::from_env(&snapspec_runtime::process_env)?;
            let signer = RequestSigner::alibaba(credentials, ALIBABA_ES_API_VERSION);
            let client = match endpoint_override {
                Some(url) => snapspec_alibaba_es::Client::with_endpoint(&url, signer)?,
                None => snapspec_alibaba_es::Client::for_region(region(common)?, signer)?,
            };
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
    }
}
