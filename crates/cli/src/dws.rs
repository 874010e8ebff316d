//! `snapspec dws`: Huawei Cloud GaussDB(DWS).

use clap::Subcommand;
use serde_json::{Value, json};

use crate::{
    CommonOptions, EXIT_CODES, Failure, answer, huawei_signer, object, project_id, region,
};

#[derive(Debug, Subcommand)]
pub(crate) enum DwsCommand {
    /// Create a manual snapshot of a cluster (POST /v1.0/{project_id}/snapshots).
    #[command(after_help = EXIT_CODES)]
    CreateSnapshot {
        /// Id of the cluster to snapshot.
        #[arg(long, value_name = "ID")]
        cluster_id: String,
        /// Snapshot name: 4 to 64 characters, starting with a letter; letters (any case), digits,
        /// `-` and `_` only.
        #[arg(long)]
        name: String,
        /// Snapshot description: at most 256 characters, without any of !<>'=&".
        #[arg(long, value_name = "TEXT")]
        description: Option<String>,
    },
}

pub(crate) async fn run(
    common: &CommonOptions,
    endpoint_override: Option<String>,
    command: DwsCommand,
) -> Result<Value, Failure> {
    match command {
        DwsCommand::CreateSnapshot {
            cluster_id,
            name,
            description,
        } => {
            let snapshot = object(&[
                ("name", Some(name)),
                ("cluster_id", Some(cluster_id)),
                ("description", description),
            ]);
            let body: snapspec_dws::types::CreateSnapshotRequestBody =
                snapspec_runtime::from_json(json!({ "snapshot": snapshot }))?;
            let signer = huawei_signer(common)?;
            let project_id = project_id(&signer)?;
            let client = match endpoint_override {
                Some(url) => snapspec_dws::Client::with_endpoint(&url, signer)?,
                None => snapspec_dws::Client::for_region(region(common)?, signer)?,
            };
            answer(
                client
                    .create_snapshot()
                    .project_id(project_id)
                    .body(body)
                    .send()
                    .await,
            )
            .await
        }
    }
}
