//! The DWS snapshot lifecycle in the emulator, driven by the generated, signed client: a new
//! snapshot is CREATING, then AVAILABLE after the configured duration (or UNAVAILABLE on demand);
//! only an AVAILABLE snapshot can be restored; a deleted one is gone.

use std::time::Duration;

use serde_json::{Value, json};
use snapspec_auth::{HuaweiCredentials, Secret};
use snapspec_dws::{Client, types};
use snapspec_emulator::{Credentials, EmulatorConfig, FORCE_STATUS_HEADER};
use snapspec_runtime::RequestSigner;

const AK: &str = "DWSLIFECYCLETESTAK01";
const SK: &str = "dws-lifecycle-test-secret";
const PROJECT: &str = "6204a5bd270343b5885144cf9c8c158d";
/// Long enough that a test sees CREATING, short enough to wait out.
const DURATION: Duration = Duration::from_millis(600);

async fn start(failing: &[&str]) -> String {
    let mut credentials = Credentials::default();
    credentials.huawei.insert(AK.into(), Secret::new(SK));
    let config = EmulatorConfig {
        credentials,
        snapshot_duration: DURATION,
        failing_snapshots: failing.iter().map(|s| s.to_string()).collect(),
        ..EmulatorConfig::default()
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(snapspec_emulator::serve(listener, config));
    format!("http://{address}")
}

fn signer() -> RequestSigner {
    RequestSigner::huawei(HuaweiCredentials::new(AK, SK).with_project_id(PROJECT))
}

fn client(base: &str) -> Client {
    Client::with_endpoint(base, signer()).unwrap()
}

async fn create(client: &Client, project: &str, cluster: &str, name: &str) -> String {
    client
        .create_snapshot()
        .project_id(project)
        .body(types::CreateSnapshotRequestBody {
            snapshot: types::Snapshot {
                name: name.parse().unwrap(),
                cluster_id: cluster.into(),
                description: Some("nightly".parse().unwrap()),
            },
        })
        .send()
        .await
        .unwrap_or_else(|e| panic!("create {name}: {e}"))
        .into_inner()
        .snapshot
        .id
}

async fn list(client: &Client, project: &str) -> types::ListSnapshotsResponse {
    client
        .list_snapshots()
        .project_id(project)
        .send()
        .await
        .expect("list")
        .into_inner()
}

async fn details(
    client: &Client,
    id: &str,
) -> Result<types::SnapshotDetail, snapspec_dws::VendorError> {
    match client
        .list_snapshot_details()
        .project_id(PROJECT)
        .snapshot_id(id)
        .send()
        .await
    {
        Ok(answer) => Ok(answer.into_inner().snapshot),
        Err(error) => Err(snapspec_dws::vendor_error(&error).expect("a vendor error")),
    }
}

fn restore_body(name: &str) -> types::RestoreClusterRequestBody {
    types::RestoreClusterRequestBody {
        restore: types::Restore::builder().name(name).try_into().unwrap(),
    }
}

async fn restore(
    client: &Client,
    id: &str,
    name: &str,
) -> Result<types::RestoreClusterResponse, snapspec_dws::VendorError> {
    match client
        .restore_cluster()
        .project_id(PROJECT)
        .snapshot_id(id)
        .body(restore_body(name))
        .send()
        .await
    {
        Ok(answer) => Ok(answer.into_inner()),
        Err(error) => Err(snapspec_dws::vendor_error(&error).expect("a vendor error")),
    }
}

#[tokio::test]
async fn create_then_creating_then_available_then_restore_then_delete_then_gone() {
    let base = start(&[]).await;
    let dws = client(&base);
    let id = create(&dws, PROJECT, "c1", "Nightly-1").await;

    // In progress: listed and shown as CREATING, with no finish time, and not restorable.
    let listed = list(&dws, PROJECT).await;
    assert_eq!(listed.count, 1);
    let snapshot = &listed.snapshots[0];
    assert_eq!(
        (
            snapshot.id.as_str(),
            snapshot.name.as_str(),
            snapshot.cluster_id.as_str(),
            snapshot.description.as_str(),
            snapshot.status.as_str(),
            snapshot.type_.as_str(),
        ),
        (
            id.as_str(),
            "Nightly-1",
            "c1",
            "nightly",
            "CREATING",
            "MANUAL"
        )
    );
    assert_eq!(snapshot.finished, None);
    let shown = details(&dws, &id).await.expect("shown while creating");
    assert_eq!(shown.status, "CREATING");
    let early = restore(&dws, &id, "dws-restored")
        .await
        .expect_err("a snapshot still being created cannot be restored");
    assert_eq!(
        (early.status, early.code.as_deref()),
        (400, Some("DWS.5149"))
    );
    assert!(
        early.message.as_deref().unwrap_or("").contains("CREATING"),
        "{early:?}"
    );

    // Complete after the configured duration.
    tokio::time::sleep(DURATION + Duration::from_millis(100)).await;
    let shown = details(&dws, &id).await.expect("shown when complete");
    assert_eq!(shown.status, "AVAILABLE");
    let finished = shown
        .finished
        .expect("a complete snapshot has a finish time");
    assert!(finished >= shown.started, "{finished} < {}", shown.started);
    assert_eq!(list(&dws, PROJECT).await.snapshots[0].status, "AVAILABLE");

    // Restored into a new cluster, named by a fresh id; restoring again gives another cluster.
    let restored = restore(&dws, &id, "dws-restored").await.expect("restored");
    assert!(!restored.cluster.id.is_empty() && restored.cluster.id != id);
    let again = restore(&dws, &id, "dws-restored-2").await.expect("again");
    assert_ne!(again.cluster.id, restored.cluster.id);

    // Deleted: gone from the list and from the details, and not restorable.
    let deleted = dws
        .delete_snapshot()
        .project_id(PROJECT)
        .snapshot_id(&id)
        .send()
        .await
        .expect("deleted");
    assert_eq!(deleted.status().as_u16(), 202);
    assert_eq!(deleted.into_inner().error_code.as_deref(), Some("dws.0000"));
    assert_eq!(list(&dws, PROJECT).await.count, 0);
    let gone = details(&dws, &id).await.expect_err("gone");
    assert_eq!((gone.status, gone.code.as_deref()), (400, Some("DWS.5149")));
    let gone = restore(&dws, &id, "dws-restored-3")
        .await
        .expect_err("gone");
    assert_eq!((gone.status, gone.code.as_deref()), (400, Some("DWS.5149")));
    let twice = dws
        .delete_snapshot()
        .project_id(PROJECT)
        .snapshot_id(&id)
        .send()
        .await
        .expect_err("deleting twice is refused");
    assert_eq!(
        snapspec_dws::vendor_error(&twice).unwrap().code.as_deref(),
        Some("DWS.5149")
    );

    // The name is free again once its snapshot is deleted (still case-insensitively unique).
    create(&dws, PROJECT, "c1", "nightly-1").await;
}

#[tokio::test]
async fn a_failing_name_ends_unavailable_and_cannot_be_restored() {
    let base = start(&["doomed-1"]).await;
    let dws = client(&base);
    let doomed = create(&dws, PROJECT, "c1", "Doomed-1").await;
    let fine = create(&dws, PROJECT, "c1", "fine-1").await;
    assert_eq!(details(&dws, &doomed).await.unwrap().status, "CREATING");
    tokio::time::sleep(DURATION + Duration::from_millis(100)).await;
    let statuses: Vec<(String, String)> = list(&dws, PROJECT)
        .await
        .snapshots
        .into_iter()
        .map(|s| (s.id, s.status))
        .collect();
    assert_eq!(
        statuses,
        [
            (doomed.clone(), "UNAVAILABLE".to_string()),
            (fine.clone(), "AVAILABLE".to_string())
        ],
        "listed oldest first"
    );
    let refused = restore(&dws, &doomed, "dws-restored")
        .await
        .expect_err("an unavailable snapshot cannot be restored");
    assert_eq!(
        (refused.status, refused.code.as_deref()),
        (400, Some("DWS.5149"))
    );
    assert!(
        refused
            .message
            .as_deref()
            .unwrap_or("")
            .contains("UNAVAILABLE")
    );
    assert!(restore(&dws, &fine, "dws-restored").await.is_ok());
}

#[tokio::test]
async fn snapshots_are_kept_per_project_and_unknown_ids_are_refused() {
    let base = start(&[]).await;
    let dws = client(&base);
    let mine = create(&dws, PROJECT, "c1", "weekly-1").await;
    create(&dws, "another-project", "c1", "weekly-1").await;
    assert_eq!(list(&dws, PROJECT).await.count, 1);
    assert_eq!(list(&dws, "another-project").await.count, 1);
    assert_eq!(list(&dws, "empty-project").await.count, 0);
    // A snapshot of one project is unknown in another.
    let other = dws
        .list_snapshot_details()
        .project_id("another-project")
        .snapshot_id(&mine)
        .send()
        .await
        .expect_err("not in that project");
    assert_eq!(snapspec_dws::vendor_error(&other).unwrap().status, 400);
    let unknown = restore(&dws, "no-such-snapshot", "dws-restored")
        .await
        .expect_err("unknown id");
    assert_eq!(
        (unknown.status, unknown.code.as_deref()),
        (400, Some("DWS.5149"))
    );
    assert!(unknown.request_id.is_some());
}

/// Sends a hand-made, signed request and returns status and body.
async fn send(base: &str, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    send_with(base, method, path, body, None).await
}

async fn send_with(
    base: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
    force: Option<u16>,
) -> (u16, Value) {
    let mut request = reqwest::Request::new(
        method.parse().unwrap(),
        format!("{base}{path}").parse().unwrap(),
    );
    if let Some(body) = body {
        request
            .headers_mut()
            .insert("content-type", "application/json".parse().unwrap());
        *request.body_mut() = Some(body.to_string().into());
    }
    signer().sign_request(&mut request, "dws").unwrap();
    if let Some(status) = force {
        request
            .headers_mut()
            .insert(FORCE_STATUS_HEADER, status.to_string().parse().unwrap());
    }
    let response = snapspec_runtime::http_client()
        .unwrap()
        .execute(request)
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_restore_body_that_breaks_a_rule_is_refused_with_400_naming_the_field() {
    let base = start(&[]).await;
    let dws = client(&base);
    let id = create(&dws, PROJECT, "c1", "nightly-1").await;
    tokio::time::sleep(DURATION + Duration::from_millis(100)).await;
    let path = format!("/v1.0/{PROJECT}/snapshots/{id}/actions");
    for (body, field) in [
        (
            json!({"restore": {"name": "dws-1", "port": 80}}),
            "restore.port",
        ),
        (
            json!({"restore": {"name": "dws-1", "number_of_cn": 21}}),
            "restore.number_of_cn",
        ),
        (json!({"restore": {"name": "1dws"}}), "restore.name"),
        (
            json!({"restore": {"name": "dws-1", "public_ip": {"public_bind_type": "maybe"}}}),
            "restore.public_ip.public_bind_type",
        ),
        // A body without the `restore` wrapper: the whole body is wrong, and the answer names
        // the member it lacks.
        (json!({"name": "dws-1"}), "restore"),
    ] {
        let (status, answer) = send(&base, "POST", &path, Some(body.clone())).await;
        assert_eq!(status, 400, "{body}: {answer}");
        assert_eq!(answer["error_code"], "DWS.0001", "{body}");
        assert!(
            answer["error_msg"]
                .as_str()
                .unwrap_or("")
                .contains(&format!("`{field}`")),
            "{body}: {answer}"
        );
    }
    let (status, answer) = send(
        &base,
        "POST",
        &path,
        Some(json!({"restore": {"name": "dws-1", "port": 8000, "number_of_cn": 3}})),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    assert!(answer["cluster"]["id"].is_string(), "{answer}");
}

#[tokio::test]
async fn every_documented_status_of_the_new_operations_can_be_forced() {
    let base = start(&[]).await;
    let snapshot = format!("/v1.0/{PROJECT}/snapshots/s1");
    let list = format!("/v1.0/{PROJECT}/snapshots");
    let actions = format!("{snapshot}/actions");
    let restore = json!({"restore": {"name": "dws-1"}});
    for (method, path, body) in [
        ("GET", list.as_str(), None),
        ("GET", snapshot.as_str(), None),
        ("DELETE", snapshot.as_str(), None),
        ("POST", actions.as_str(), Some(restore.clone())),
    ] {
        for status in [400u16, 401, 403, 404, 500, 503] {
            let (got, answer) = send_with(&base, method, path, body.clone(), Some(status)).await;
            assert_eq!(
                (got, answer["error_code"].as_str()),
                (status, Some(format!("Emulator.Forced{status}").as_str())),
                "{method} {path}"
            );
        }
        // A status the operation does not document is refused.
        let (got, answer) = send_with(&base, method, path, body.clone(), Some(409)).await;
        assert_eq!(
            (got, answer["error_code"].as_str()),
            (400, Some("Emulator.InvalidForceStatus")),
            "{method} {path}"
        );
    }
}

/// The emulator keeps each project's serialized list between requests: a create, a delete, and a
/// status reached with time alone must each show in the very next list, and a change in one
/// project leaves another project's list as it was.
#[tokio::test]
async fn a_list_asked_again_shows_every_change_since_the_last() {
    const OTHER: &str = "0b5c1e2a9d3f4e6a8b7c6d5e4f3a2b1c";
    let base = start(&[]).await;
    let dws = client(&base);
    let names = |listed: types::ListSnapshotsResponse| -> Vec<String> {
        listed.snapshots.into_iter().map(|s| s.name).collect()
    };
    let first = create(&dws, PROJECT, "c1", "Nightly-1").await;
    create(&dws, OTHER, "c9", "Other-1").await;
    assert_eq!(names(list(&dws, PROJECT).await), ["Nightly-1"]);
    assert_eq!(names(list(&dws, PROJECT).await), ["Nightly-1"]);

    create(&dws, PROJECT, "c1", "Nightly-2").await;
    assert_eq!(names(list(&dws, PROJECT).await), ["Nightly-1", "Nightly-2"]);

    let deleted = dws
        .delete_snapshot()
        .project_id(PROJECT)
        .snapshot_id(&first)
        .send()
        .await
        .expect("deleted");
    assert_eq!(deleted.status().as_u16(), 202);
    assert_eq!(names(list(&dws, PROJECT).await), ["Nightly-2"]);
    assert_eq!(names(list(&dws, OTHER).await), ["Other-1"]);

    assert_eq!(list(&dws, PROJECT).await.snapshots[0].status, "CREATING");
    tokio::time::sleep(DURATION + Duration::from_millis(100)).await;
    assert_eq!(list(&dws, PROJECT).await.snapshots[0].status, "AVAILABLE");
}
