//! `snapspec css`: Huawei Cloud CSS, the snapshot lifecycle of a cluster's indices.

use clap::Subcommand;
use serde_json::{Map, Value};

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
    /// List a cluster's snapshots with their status, newest first: BUILDING while a snapshot is
    /// taken, then COMPLETED, FAILED or PART_FAILED
    /// (GET /v1.0/{project_id}/clusters/{cluster_id}/index_snapshots).
    #[command(after_help = EXIT_CODES)]
    ListSnapshots {
        /// Id of the cluster whose snapshots are listed.
        #[arg(long, value_name = "ID")]
        cluster_id: String,
    },
    /// Delete one snapshot
    /// (DELETE /v1.0/{project_id}/clusters/{cluster_id}/index_snapshot/{snapshot_id}).
    #[command(after_help = EXIT_CODES)]
    DeleteSnapshot {
        /// Id of the cluster the snapshot belongs to.
        #[arg(long, value_name = "ID")]
        cluster_id: String,
        /// Id of the snapshot, as list-snapshots shows it.
        #[arg(long, value_name = "ID")]
        snapshot_id: String,
    },
    /// Restore a completed snapshot into a cluster, this one or another
    /// (POST /v1.0/{project_id}/clusters/{cluster_id}/index_snapshot/{snapshot_id}/restore).
    #[command(after_help = EXIT_CODES)]
    RestoreSnapshot {
        /// Id of the cluster the snapshot belongs to.
        #[arg(long, value_name = "ID")]
        cluster_id: String,
        /// Id of the snapshot; it must be COMPLETED.
        #[arg(long, value_name = "ID")]
        snapshot_id: String,
        /// Id of the cluster to restore into.
        #[arg(long, value_name = "ID")]
        target_cluster: String,
        /// Indices to restore, comma-separated (`*` matches several); all when omitted.
        #[arg(long, value_name = "LIST")]
        indices: Option<String>,
        /// Regular expression choosing the indices to rename; needs --rename-replacement.
        #[arg(long, value_name = "REGEX", requires = "rename_replacement")]
        rename_pattern: Option<String>,
        /// New names of the chosen indices, e.g. restored_index_$1; needs --rename-pattern.
        #[arg(long, value_name = "TEMPLATE", requires = "rename_pattern")]
        rename_replacement: Option<String>,
        /// Replace indices that already exist in the target cluster.
        #[arg(long)]
        replace_exist_indices: bool,
    },
    /// Set where the cluster keeps its snapshots (OBS bucket and path) and the IAM agency that
    /// lets CSS reach them; this turns snapshots on
    /// (POST /v1.0/{project_id}/clusters/{cluster_id}/index_snapshot/setting).
    #[command(after_help = EXIT_CODES)]
    UpdateSnapshotSetting {
        /// Id of the cluster to configure.
        #[arg(long, value_name = "ID")]
        cluster_id: String,
        /// OBS bucket for the snapshots.
        #[arg(long)]
        bucket: String,
        /// IAM agency that lets CSS use the bucket.
        #[arg(long)]
        agency: String,
        /// Path of the snapshots inside the bucket, e.g. css_repository/my-cluster.
        #[arg(long, value_name = "PATH")]
        base_path: String,
        /// Highest backup rate per node, per second.
        #[arg(long, value_name = "RATE")]
        max_snapshot_bytes_per_seconds: Option<String>,
        /// Highest restore rate per node, per second.
        #[arg(long, value_name = "RATE")]
        max_restore_bytes_per_seconds: Option<String>,
    },
    /// Show the automatic snapshot policy and the basic snapshot configuration
    /// (GET /v1.0/{project_id}/clusters/{cluster_id}/index_snapshot/policy).
    #[command(after_help = EXIT_CODES)]
    ShowAutoCreatePolicy {
        /// Id of the cluster whose policy is shown.
        #[arg(long, value_name = "ID")]
        cluster_id: String,
    },
    /// Turn automatic snapshots on or off, and set when they run, their name prefix and how long
    /// they are kept (POST /v1.0/{project_id}/clusters/{cluster_id}/index_snapshot/policy).
    #[command(after_help = EXIT_CODES)]
    CreateAutoCreatePolicy {
        /// Id of the cluster whose policy is set.
        #[arg(long, value_name = "ID")]
        cluster_id: String,
        /// `true` turns automatic snapshots on (then --keepday, --period and --prefix are
        /// needed), `false` turns them off.
        #[arg(long, value_name = "true|false")]
        enable: String,
        /// Days automatic snapshots are kept, 1 to 90.
        #[arg(long, value_name = "DAYS", value_parser = clap::value_parser!(u32).range(1..=90))]
        keepday: Option<u32>,
        /// Time of day they run: a whole hour and a time zone, e.g. "16:00 GMT+08:00".
        #[arg(long, value_name = "HH:00 GMT+hh:mm")]
        period: Option<String>,
        /// Name prefix: 1 to 32 lowercase letters, digits, `-` or `_`, starting with a letter.
        #[arg(long)]
        prefix: Option<String>,
        /// Indices to back up; `*` for all.
        #[arg(long, value_name = "LIST")]
        indices: Option<String>,
        /// How often they run (once a day when omitted).
        #[arg(long)]
        frequency: Option<String>,
        /// With --enable false: `true` also deletes the automatic snapshots already taken.
        #[arg(long, value_name = "true|false")]
        delete_auto: Option<String>,
    },
}

/// A request body from the given JSON fields, checked against the spec's rules (naming the
/// field); absent fields are left out.
fn body<T: serde::de::DeserializeOwned>(fields: Vec<(&str, Option<Value>)>) -> Result<T, Failure> {
    let map: Map<String, Value> = fields
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k.to_string(), v)))
        .collect();
    Ok(snapspec_runtime::from_json(Value::Object(map))?)
}

fn client(
    common: &CommonOptions,
    endpoint_override: Option<String>,
) -> Result<(snapspec_css::Client, String), Failure> {
    let signer = huawei_signer(common)?;
    let project_id = project_id(&signer)?;
    let builder = snapspec_css::Client::builder().signer_source(signer);
    let client = match endpoint_override {
        Some(url) => builder.endpoint(&url),
        None => builder.region(region(common)?),
    }
    .build()?;
    Ok((client, project_id))
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
            let (client, project_id) = client(common, endpoint_override)?;
            let sent = client
                .create_snapshot()
                .project_id(project_id)
                .cluster_id(cluster_id)
                .body(body)
                .send()
                .await;
            answer(sent).await
        }
        CssCommand::ListSnapshots { cluster_id } => {
            let (client, project_id) = client(common, endpoint_override)?;
            let sent = client
                .list_snapshots()
                .project_id(project_id)
                .cluster_id(cluster_id)
                .send()
                .await;
            answer(sent).await
        }
        CssCommand::DeleteSnapshot {
            cluster_id,
            snapshot_id,
        } => {
            let (client, project_id) = client(common, endpoint_override)?;
            let sent = client
                .delete_snapshot()
                .project_id(project_id)
                .cluster_id(cluster_id)
                .snapshot_id(snapshot_id)
                .send()
                .await;
            answer(sent).await
        }
        CssCommand::RestoreSnapshot {
            cluster_id,
            snapshot_id,
            target_cluster,
            indices,
            rename_pattern,
            rename_replacement,
            replace_exist_indices,
        } => {
            let body: snapspec_css::types::RestoreSnapshotReq = body(vec![
                ("target_cluster", Some(target_cluster.into())),
                ("indices", indices.map(Value::from)),
                ("rename_pattern", rename_pattern.map(Value::from)),
                ("rename_replacement", rename_replacement.map(Value::from)),
                (
                    "replace_exist_indices",
                    replace_exist_indices.then_some(Value::Bool(true)),
                ),
            ])?;
            let (client, project_id) = client(common, endpoint_override)?;
            let sent = client
                .restore_snapshot()
                .project_id(project_id)
                .cluster_id(cluster_id)
                .snapshot_id(snapshot_id)
                .body(body)
                .send()
                .await;
            answer(sent).await
        }
        CssCommand::UpdateSnapshotSetting {
            cluster_id,
            bucket,
            agency,
            base_path,
            max_snapshot_bytes_per_seconds,
            max_restore_bytes_per_seconds,
        } => {
            let body: snapspec_css::types::UpdateSnapshotSettingReq = body(vec![
                ("bucket", Some(bucket.into())),
                ("agency", Some(agency.into())),
                ("base_path", Some(base_path.into())),
                (
                    "max_snapshot_bytes_per_seconds",
                    max_snapshot_bytes_per_seconds.map(Value::from),
                ),
                (
                    "max_restore_bytes_per_seconds",
                    max_restore_bytes_per_seconds.map(Value::from),
                ),
            ])?;
            let (client, project_id) = client(common, endpoint_override)?;
            let sent = client
                .update_snapshot_setting()
                .project_id(project_id)
                .cluster_id(cluster_id)
                .body(body)
                .send()
                .await;
            answer(sent).await
        }
        CssCommand::ShowAutoCreatePolicy { cluster_id } => {
            let (client, project_id) = client(common, endpoint_override)?;
            let sent = client
                .show_auto_create_policy()
                .project_id(project_id)
                .cluster_id(cluster_id)
                .send()
                .await;
            answer(sent).await
        }
        CssCommand::CreateAutoCreatePolicy {
            cluster_id,
            enable,
            keepday,
            period,
            prefix,
            indices,
            frequency,
            delete_auto,
        } => {
            let body: snapspec_css::types::SetRdsBackupCnfReq = body(vec![
                ("enable", Some(enable.into())),
                ("keepday", keepday.map(Value::from)),
                ("period", period.map(Value::from)),
                ("prefix", prefix.map(Value::from)),
                ("indices", indices.map(Value::from)),
                ("frequency", frequency.map(Value::from)),
                ("delete_auto", delete_auto.map(Value::from)),
            ])?;
            let (client, project_id) = client(common, endpoint_override)?;
            let sent = client
                .create_auto_create_policy()
                .project_id(project_id)
                .cluster_id(cluster_id)
                .body(body)
                .send()
                .await;
            answer(sent).await
        }
    }
}
