//! `snapspec css`: Huawei Cloud CSS, the snapshot lifecycle of a cluster's indices.

use clap::Subcommand;
use serde_json::{Map, Value};

use crate::prune::{self, Candidate, PruneArgs, State};
use crate::waiting::{self, WaitArgs, WaitFailure, Watch};
use crate::{
    CommonOptions, EXIT_CODES, Failure, answer, from_fields, huawei_signer, project_id, region,
};
use snapspec_css::wait::{ListedSnapshot, WaitError};

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
        /// --wait: until the snapshot is COMPLETED (exit 0), FAILED or PART_FAILED (exit 6).
        #[command(flatten)]
        wait: WaitArgs,
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
        /// --wait: until the snapshot is no longer listed.
        #[command(flatten)]
        wait: WaitArgs,
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
        /// --wait: until the snapshot's restoreStatus reads `success` (exit 0) or a failure
        /// (exit 6). That field is all CSS tells about a restore: the target cluster's indices
        /// are not followed, and a snapshot restored before already reads `success` (a warning
        /// says so).
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Delete old manual snapshots of a cluster, keeping the newest completed ones
    /// (--keep-last) and/or the recent ones (--keep-within).
    ///
    /// Manual and automatic snapshots are told apart by `backupType` in the list (`1` manual,
    /// `0` automatic); automatic ones, and any without `backupType`, are never touched. Failed
    /// snapshots (FAILED, PART_FAILED) go unless --keep-within keeps them; a snapshot that is
    /// BUILDING (or in any status that is not final) is never deleted: it is reported under
    /// `refused` and the command exits 7 after deleting the others. The JSON report lists
    /// `kept`, `deleted` (or `would_delete` with --dry-run, which deletes nothing and exits 0),
    /// `refused`, `delete_errors` and how many automatic snapshots were left alone.
    #[command(after_help = EXIT_CODES)]
    Prune {
        /// Id of the cluster to prune.
        #[arg(long, value_name = "ID")]
        cluster_id: String,
        #[command(flatten)]
        prune: PruneArgs,
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
            wait,
        } => {
            let body: snapspec_css::types::CreateSnapshotReq = from_fields(&[
                ("name", Some(name)),
                ("description", description),
                ("indices", indices),
            ])?;
            let (client, project_id) = client(common, endpoint_override)?;
            let sent = client
                .create_snapshot()
                .project_id(&project_id)
                .cluster_id(&cluster_id)
                .body(body)
                .send()
                .await;
            let answer = answer(sent).await?;
            if !wait.wait {
                return Ok(answer);
            }
            let Some(id) = answer.pointer("/backup/id").and_then(Value::as_str) else {
                let missing =
                    Failure::Transport("the answer names no snapshot id to wait for".into());
                return Err(Failure::after(answer, missing));
            };
            let id = id.to_string();
            let mut watch = Watch::new(format!("snapshot {id}"));
            let outcome = client
                .wait_for_snapshot(&project_id, &cluster_id, &id, wait.settings(), |p| {
                    watch.progress(p, status)
                })
                .await;
            waiting::finish(watch, answer, outcome, status, wait.timeout).await
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
            wait,
        } => {
            let (client, project_id) = client(common, endpoint_override)?;
            let sent = client
                .delete_snapshot()
                .project_id(&project_id)
                .cluster_id(&cluster_id)
                .snapshot_id(&snapshot_id)
                .send()
                .await;
            let answer = answer(sent).await?;
            if !wait.wait {
                return Ok(answer);
            }
            let mut watch = Watch::new(format!("deleted snapshot {snapshot_id}"));
            let outcome = client
                .wait_for_snapshots_deleted(
                    &project_id,
                    &cluster_id,
                    std::slice::from_ref(&snapshot_id),
                    wait.settings(),
                    |p| watch.progress(p, remaining),
                )
                .await;
            waiting::finish(watch, answer, outcome, remaining, wait.timeout).await
        }
        CssCommand::RestoreSnapshot {
            cluster_id,
            snapshot_id,
            target_cluster,
            indices,
            rename_pattern,
            rename_replacement,
            replace_exist_indices,
            wait,
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
            if wait.wait {
                // Read before the restore: a snapshot restored before already reads `success`.
                let before = client
                    .find_snapshot(&project_id, &cluster_id, &snapshot_id)
                    .await;
                if let Ok(Some(snapshot)) = before
                    && snapshot.restore_status.as_deref()
                        == Some(snapspec_css::wait::RESTORE_SUCCESS)
                {
                    eprintln!(
                        "warning: snapshot {snapshot_id} was restored before and its restoreStatus already reads `success`; --wait cannot tell this restore's end from the earlier one"
                    );
                }
            }
            let sent = client
                .restore_snapshot()
                .project_id(&project_id)
                .cluster_id(&cluster_id)
                .snapshot_id(&snapshot_id)
                .body(body)
                .send()
                .await;
            let answer = answer(sent).await?;
            if !wait.wait {
                return Ok(answer);
            }
            let mut watch = Watch::new(format!("restore of snapshot {snapshot_id}"));
            let outcome = client
                .wait_for_restore(
                    &project_id,
                    &cluster_id,
                    &snapshot_id,
                    wait.settings(),
                    |p| watch.progress(p, restore_status),
                )
                .await;
            waiting::finish(watch, answer, outcome, restore_status, wait.timeout).await
        }
        CssCommand::Prune { cluster_id, prune } => {
            let (client, project_id) = client(common, endpoint_override)?;
            run_prune(&client, &project_id, &cluster_id, &prune).await
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

/// A listed snapshot's status, for the progress display.
fn status(snapshot: &ListedSnapshot) -> String {
    snapshot
        .status
        .clone()
        .unwrap_or_else(|| "(no status)".into())
}

/// A listed snapshot's restore status, for the progress display.
fn restore_status(snapshot: &ListedSnapshot) -> String {
    format!(
        "restoreStatus {}",
        snapshot.restore_status.as_deref().unwrap_or("(none given)")
    )
}

/// What is still listed of snapshots awaited gone.
fn remaining(listed: &Vec<ListedSnapshot>) -> String {
    match listed.as_slice() {
        [] => "gone".into(),
        [one] => format!("still listed ({})", status(one)),
        many => format!("{} still listed", many.len()),
    }
}

impl WaitFailure for WaitError {
    /// The service's refusal (exit 1) or no connection (exit 4), as for any request; a snapshot
    /// no longer listed ends the wait failed (exit 6).
    async fn into_failure(self) -> Failure {
        match self {
            WaitError::Service(error) => waiting::client_failure(error).await,
            other => Failure::WaitFailed(other.to_string()),
        }
    }
}

/// Where a listed CSS snapshot stands for prune.
fn prune_state(status: Option<&str>) -> State {
    match status {
        Some(snapspec_css::wait::COMPLETED) => State::Completed,
        Some(s) if snapspec_css::wait::FAILED_STATUSES.contains(&s) => State::Failed,
        _ => State::Busy,
    }
}

/// `backupType` of a manual snapshot (`0` is automatic).
const MANUAL: &str = "1";

async fn run_prune(
    client: &snapspec_css::Client,
    project_id: &str,
    cluster_id: &str,
    args: &PruneArgs,
) -> Result<Value, Failure> {
    let listed = match client
        .list_snapshots()
        .project_id(project_id)
        .cluster_id(cluster_id)
        .send()
        .await
    {
        Ok(listed) => listed.into_inner().backups,
        Err(error) => return Err(waiting::client_failure(error).await),
    };
    let (manual, automatic): (Vec<_>, Vec<_>) = listed
        .into_iter()
        .partition(|s| s.backup_type.as_deref() == Some(MANUAL));
    let candidates = manual
        .into_iter()
        .map(|s| {
            let created_at = s
                .start_time
                .and_then(|ms| u64::try_from(ms).ok())
                .map(|ms| std::time::UNIX_EPOCH + std::time::Duration::from_millis(ms))
                .or_else(|| s.created.as_deref().and_then(prune::parse_time));
            Candidate {
                state: prune_state(s.status.as_deref()),
                id: s.id.unwrap_or_default(),
                name: s.name.unwrap_or_default(),
                status: s.status.unwrap_or_default(),
                created: s.created.unwrap_or_default(),
                created_at,
            }
        })
        .collect();
    let delete = async |snapshot: &Candidate| {
        let sent = client
            .delete_snapshot()
            .project_id(project_id)
            .cluster_id(cluster_id)
            .snapshot_id(&snapshot.id)
            .send()
            .await;
        answer(sent).await.map(|_| ())
    };
    let wait_until_gone = async |ids: Vec<String>| {
        let mut watch = Watch::new(format!("{} deleted snapshot(s)", ids.len()));
        let outcome = client
            .wait_for_snapshots_deleted(project_id, cluster_id, &ids, args.wait.settings(), |p| {
                watch.progress(p, remaining)
            })
            .await;
        waiting::settle(watch, outcome, remaining, args.wait.timeout).await
    };
    prune::run(candidates, automatic.len(), args, delete, wait_until_gone).await
}
