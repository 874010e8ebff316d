//! `snapspec dws`: Huawei Cloud GaussDB(DWS).

use clap::Subcommand;
use serde_json::{Map, Value, json};

use crate::prune::{self, Candidate, PruneArgs, State};
use crate::waiting::{self, WaitArgs, WaitFailure, Watch};
use crate::{
    CommonOptions, EXIT_CODES, Failure, answer, huawei_signer, object, project_id, region,
};
use snapspec_dws::types;
use snapspec_dws::wait::WaitError;

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
        /// --wait: until the snapshot is AVAILABLE (exit 0), or UNAVAILABLE, FROZEN or
        /// POLICE_FROZEN (exit 6).
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// List the project's snapshots, with their status (GET /v1.0/{project_id}/snapshots).
    ///
    /// A new snapshot shows as CREATING, then AVAILABLE once complete (or UNAVAILABLE).
    #[command(after_help = EXIT_CODES)]
    ListSnapshots,
    /// Show one snapshot (GET /v1.0/{project_id}/snapshots/{snapshot_id}).
    #[command(after_help = EXIT_CODES)]
    ListSnapshotDetails {
        /// Id of the snapshot, as create-snapshot or list-snapshots print it.
        #[arg(long, value_name = "ID")]
        snapshot_id: String,
    },
    /// Delete a manual snapshot (DELETE /v1.0/{project_id}/snapshots/{snapshot_id}).
    #[command(after_help = EXIT_CODES)]
    DeleteSnapshot {
        /// Id of the snapshot to delete.
        #[arg(long, value_name = "ID")]
        snapshot_id: String,
        /// --wait: until the snapshot is no longer listed.
        #[command(flatten)]
        wait: WaitArgs,
    },
    /// Restore an AVAILABLE snapshot into a new cluster
    /// (POST /v1.0/{project_id}/snapshots/{snapshot_id}/actions).
    ///
    /// Prints the new cluster's id. Network settings not given are taken from the snapshot's
    /// cluster.
    #[command(after_help = EXIT_CODES)]
    RestoreCluster {
        /// Id of the snapshot to restore.
        #[arg(long, value_name = "ID")]
        snapshot_id: String,
        /// Name of the new cluster: 4 to 64 characters, starting with a letter; letters, digits,
        /// `-` and `_` only.
        #[arg(long)]
        name: String,
        /// Subnet of the new cluster.
        #[arg(long, value_name = "ID")]
        subnet_id: Option<String>,
        /// Security group of the new cluster.
        #[arg(long, value_name = "ID")]
        security_group_id: Option<String>,
        /// VPC of the new cluster.
        #[arg(long, value_name = "ID")]
        vpc_id: Option<String>,
        /// Availability zone of the new cluster, e.g. cn-north-4b.
        #[arg(long, value_name = "AZ")]
        availability_zone: Option<String>,
        /// Database port of the new cluster, 8000 to 30000.
        #[arg(long)]
        port: Option<i64>,
        /// How the public IP is bound: auto_assign, not_use or bind_existing. Without it (and
        /// without --eip-id) the new cluster has no public access.
        #[arg(long, value_name = "TYPE")]
        public_bind_type: Option<String>,
        /// Id of the elastic IP to bind, with --public-bind-type bind_existing.
        #[arg(long, value_name = "ID")]
        eip_id: Option<String>,
        /// Enterprise project of the new cluster (the default project, 0, when not given).
        #[arg(long, value_name = "ID")]
        enterprise_project_id: Option<String>,
        /// Whether the new cluster's network uses IPv6 (true or false).
        #[arg(long, value_name = "BOOL")]
        ipv6_enable: Option<bool>,
        /// How many CNs the new cluster gets: 3 to 20, at most its node count.
        #[arg(long, value_name = "N")]
        number_of_cn: Option<i64>,
        /// Refused (exit 2, nothing sent): the new cluster's progress is read with DWS's cluster
        /// operations, which snapspec does not have, and the snapshot's own status does not
        /// change during a restore, so there is nothing to wait on.
        #[arg(long)]
        wait: bool,
    },
    /// Delete old manual snapshots of one cluster, keeping the newest completed ones
    /// (--keep-last) and/or the recent ones (--keep-within).
    ///
    /// The project's list is narrowed to the cluster's snapshots by `cluster_id`. Manual and
    /// automatic snapshots are told apart by `type` (`MANUAL`, `AUTO`); only MANUAL ones are
    /// ever deleted. UNAVAILABLE snapshots go unless --keep-within keeps them; one that is
    /// CREATING (or in any other status that is not final, such as FROZEN) is never deleted: it
    /// is reported under `refused` and the command exits 7 after deleting the others. The JSON
    /// report lists `kept`, `deleted` (or `would_delete` with --dry-run, which deletes nothing
    /// and exits 0), `refused`, `delete_errors` and how many automatic snapshots were left
    /// alone.
    #[command(after_help = EXIT_CODES)]
    Prune {
        /// Id of the cluster whose snapshots are pruned.
        #[arg(long, value_name = "ID")]
        cluster_id: String,
        #[command(flatten)]
        prune: PruneArgs,
    },
}

fn client(
    common: &CommonOptions,
    endpoint_override: Option<String>,
) -> Result<(snapspec_dws::Client, String), Failure> {
    let signer = huawei_signer(common)?;
    let project_id = project_id(&signer)?;
    let builder = snapspec_dws::Client::builder().signer_source(signer);
    let client = match endpoint_override {
        Some(url) => builder.endpoint(&url),
        None => builder.region(region(common)?),
    }
    .build()?;
    Ok((client, project_id))
}

/// The restore request body from the flags, checked against every rule of the spec (naming the
/// field that breaks one) before anything is sent.
#[allow(clippy::too_many_arguments)]
fn restore_body(
    name: String,
    subnet_id: Option<String>,
    security_group_id: Option<String>,
    vpc_id: Option<String>,
    availability_zone: Option<String>,
    port: Option<i64>,
    public_bind_type: Option<String>,
    eip_id: Option<String>,
    enterprise_project_id: Option<String>,
    ipv6_enable: Option<bool>,
    number_of_cn: Option<i64>,
) -> Result<snapspec_dws::types::RestoreClusterRequestBody, Failure> {
    let mut restore = object(&[
        ("name", Some(name)),
        ("subnet_id", subnet_id),
        ("security_group_id", security_group_id),
        ("vpc_id", vpc_id),
        ("availability_zone", availability_zone),
        ("enterprise_project_id", enterprise_project_id),
    ]);
    let fields: &mut Map<String, Value> =
        restore.as_object_mut().expect("object() builds an object");
    if let Some(port) = port {
        fields.insert("port".into(), json!(port));
    }
    if let Some(ipv6_enable) = ipv6_enable {
        fields.insert("ipv6_enable".into(), json!(ipv6_enable));
    }
    if let Some(number_of_cn) = number_of_cn {
        fields.insert("number_of_cn".into(), json!(number_of_cn));
    }
    if public_bind_type.is_some() || eip_id.is_some() {
        fields.insert(
            "public_ip".into(),
            object(&[("public_bind_type", public_bind_type), ("eip_id", eip_id)]),
        );
    }
    let body: snapspec_dws::types::RestoreClusterRequestBody =
        snapspec_runtime::from_json(json!({ "restore": restore }))?;
    snapspec_dws::check_restore(&body)?;
    Ok(body)
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
            wait,
        } => {
            let snapshot = object(&[
                ("name", Some(name)),
                ("cluster_id", Some(cluster_id)),
                ("description", description),
            ]);
            let body: snapspec_dws::types::CreateSnapshotRequestBody =
                snapspec_runtime::from_json(json!({ "snapshot": snapshot }))?;
            let (client, project_id) = client(common, endpoint_override)?;
            let answer = answer(
                client
                    .create_snapshot()
                    .project_id(&project_id)
                    .body(body)
                    .send()
                    .await,
            )
            .await?;
            if !wait.wait {
                return Ok(answer);
            }
            let Some(id) = answer.pointer("/snapshot/id").and_then(Value::as_str) else {
                let missing =
                    Failure::Transport("the answer names no snapshot id to wait for".into());
                return Err(Failure::after(answer, missing));
            };
            let id = id.to_string();
            let mut watch = Watch::new(format!("snapshot {id}"));
            let outcome = client
                .wait_for_snapshot(&project_id, &id, wait.settings(), |p| {
                    watch.progress(p, status)
                })
                .await;
            waiting::finish(watch, answer, outcome, status, wait.timeout).await
        }
        DwsCommand::ListSnapshots => {
            let (client, project_id) = client(common, endpoint_override)?;
            answer(client.list_snapshots().project_id(project_id).send().await).await
        }
        DwsCommand::ListSnapshotDetails { snapshot_id } => {
            let (client, project_id) = client(common, endpoint_override)?;
            answer(
                client
                    .list_snapshot_details()
                    .project_id(project_id)
                    .snapshot_id(snapshot_id)
                    .send()
                    .await,
            )
            .await
        }
        DwsCommand::DeleteSnapshot { snapshot_id, wait } => {
            let (client, project_id) = client(common, endpoint_override)?;
            let answer = answer(
                client
                    .delete_snapshot()
                    .project_id(&project_id)
                    .snapshot_id(&snapshot_id)
                    .send()
                    .await,
            )
            .await?;
            if !wait.wait {
                return Ok(answer);
            }
            let mut watch = Watch::new(format!("deleted snapshot {snapshot_id}"));
            let outcome = client
                .wait_for_snapshots_deleted(
                    &project_id,
                    std::slice::from_ref(&snapshot_id),
                    wait.settings(),
                    |p| watch.progress(p, remaining),
                )
                .await;
            waiting::finish(watch, answer, outcome, remaining, wait.timeout).await
        }
        DwsCommand::RestoreCluster {
            snapshot_id,
            name,
            subnet_id,
            security_group_id,
            vpc_id,
            availability_zone,
            port,
            public_bind_type,
            eip_id,
            enterprise_project_id,
            ipv6_enable,
            number_of_cn,
            wait,
        } => {
            if wait {
                return Err(Failure::InvalidArgument(
                    "--wait cannot follow a DWS restore: the new cluster's progress is read with DWS's cluster operations (ShowClusterDetail, or the job of the answer's job_id), which snapspec does not have, and the snapshot's status does not change during a restore; run restore-cluster without --wait".into(),
                ));
            }
            let body = restore_body(
                name,
                subnet_id,
                security_group_id,
                vpc_id,
                availability_zone,
                port,
                public_bind_type,
                eip_id,
                enterprise_project_id,
                ipv6_enable,
                number_of_cn,
            )?;
            let (client, project_id) = client(common, endpoint_override)?;
            answer(
                client
                    .restore_cluster()
                    .project_id(project_id)
                    .snapshot_id(snapshot_id)
                    .body(body)
                    .send()
                    .await,
            )
            .await
        }
        DwsCommand::Prune { cluster_id, prune } => {
            let (client, project_id) = client(common, endpoint_override)?;
            run_prune(&client, &project_id, &cluster_id, &prune).await
        }
    }
}

/// A snapshot's status, for the progress display.
fn status(snapshot: &types::SnapshotDetail) -> String {
    snapshot.status.clone()
}

/// What is still listed of snapshots awaited gone.
fn remaining(listed: &Vec<types::Snapshots>) -> String {
    match listed.as_slice() {
        [] => "gone".into(),
        [one] => format!("still listed ({})", one.status),
        many => format!("{} still listed", many.len()),
    }
}

impl WaitFailure for WaitError {
    /// The service's refusal (exit 1) or no connection (exit 4), as for any request; a snapshot
    /// DWS no longer knows ends the wait failed (exit 6).
    async fn into_failure(self) -> Failure {
        match self {
            WaitError::Service(error) => waiting::client_failure(error).await,
            other => Failure::WaitFailed(other.to_string()),
        }
    }
}

/// Where a listed DWS snapshot stands for prune: only the two final statuses of a snapshot
/// taken are deletable; FROZEN and POLICE_FROZEN (a provider's freeze) are left alone too.
fn prune_state(status: &str) -> State {
    match status {
        snapspec_dws::wait::AVAILABLE => State::Completed,
        "UNAVAILABLE" => State::Failed,
        _ => State::Busy,
    }
}

/// `type` of a manual snapshot (`AUTO` is automatic).
const MANUAL: &str = "MANUAL";

async fn run_prune(
    client: &snapspec_dws::Client,
    project_id: &str,
    cluster_id: &str,
    args: &PruneArgs,
) -> Result<Value, Failure> {
    let listed = match client.list_snapshots().project_id(project_id).send().await {
        Ok(listed) => listed.into_inner().snapshots,
        Err(error) => return Err(waiting::client_failure(error).await),
    };
    let (manual, automatic): (Vec<_>, Vec<_>) = listed
        .into_iter()
        .filter(|s| s.cluster_id == cluster_id)
        .partition(|s| s.type_ == MANUAL);
    let candidates = manual
        .into_iter()
        .map(|s| Candidate {
            state: prune_state(&s.status),
            created_at: prune::parse_time(&s.started),
            id: s.id,
            name: s.name,
            status: s.status,
            created: s.started,
        })
        .collect();
    let delete = async |snapshot: &Candidate| {
        let sent = client
            .delete_snapshot()
            .project_id(project_id)
            .snapshot_id(&snapshot.id)
            .send()
            .await;
        answer(sent).await.map(|_| ())
    };
    let wait_until_gone = async |ids: Vec<String>| {
        let mut watch = Watch::new(format!("{} deleted snapshot(s)", ids.len()));
        let outcome = client
            .wait_for_snapshots_deleted(project_id, &ids, args.wait.settings(), |p| {
                watch.progress(p, remaining)
            })
            .await;
        waiting::settle(watch, outcome, remaining, args.wait.timeout).await
    };
    prune::run(candidates, automatic.len(), args, delete, wait_until_gone).await
}
