//! `snapspec css`: Huawei Cloud CSS.

use clap::Subcommand;
use serde_json::Value;

use crate::{
    CommonOptions, EXIT_CODES, Failure, answer, from_fields, huawei_signer, project_id, region,
};

#[derive(Debug, Subcommand)]
pub(crate) enum CssCommand {
    /// Create a manual snapshot of a cluster's indices
    /// (POST /v1.0/{project_id}/clusters/{cluster_id}/index_snapshot).
    #[command(after_help = EXIT_CODES)]
    CreateSnapshot {
        /// Id of the cluster to back up.
        #[arg(long, value_name = "ID")]
        cluster_id: String,
        /// Snapshot name: 4 to 64 characters, starting with a letter; lowercase letters, digits,
        /// `-` and `_` only.
        #[arg(long)]
        name: String,
        /// Snapshot description: at most 256 characters, without `<` or `>`.
        #[arg(long, value_name = "TEXT")]
        description: Option<String>,
        /// Indices to back up, comma-separated (`*` matches several); all indices when omitted.
        /// At most 1024 characters, without spaces, uppercase letters or any of "\<|>/?.
        #[arg(long, value_name = "LIST")]
        indices: Option<String>,
    },
}

pub(crate) async fn run(
    common: &CommonOptions,
    endpoint_override: Option<String>,
    command: CssCommand,
) -> Result<Value, Failure> {
    match command {
        CssCommand::CreateSnapshot {
            cluster_id,
            name,
            description,
            indices,
        } => {
            let body: snapspec_css::types::CreateSnapshotReq = from_fields(&[
                ("name", Some(name)),
                ("description", description),
                ("indices", indices),
            ])?;
            let signer = huawei_signer(common)?;
            let project_id = project_id(&signer)?;
            let client = match endpoint_override {
                Some(url) => snapspec_css::Client::with_endpoint(&url, signer)?,
                None => snapspec_css::Client::for_region(region(common)?, signer)?,
            };
            let sent = client
                .create_snapshot()
                .project_id(project_id)
                .cluster_id(cluster_id)
                .body(body)
                .send()
                .await;
            answer(sent).await
        }
    }
}
