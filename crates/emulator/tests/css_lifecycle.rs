//! The CSS snapshot lifecycle in the emulator, driven by the generated, signed client: a created
//! snapshot is listed as BUILDING, completes after the configured duration (or fails on demand),
//! can be restored only once completed, and disappears when deleted; the basic configuration
//! and the automatic policy are stored and read back; unknown snapshots get CSS's 403 CSS.0015.

use std::time::Duration;

use serde_json::json;
use snapspec_auth::{HuaweiCredentials, Secret};
use snapspec_css::types::{self, ListSnapshotBackupsResp};
use snapspec_css::{Client, Error};
use snapspec_emulator::{Credentials, EmulatorConfig, FORCE_STATUS_HEADER};
use snapspec_runtime::RequestSigner;

const AK: &str = "EMULATORCSSLIFECYCLE1";
const SK: &str = "emulator-css-lifecycle-secret";
const PROJECT: &str = "6204a5bd270343b5885144cf9c8c158d";
const DURATION: Duration = Duration::from_millis(400);

/// An emulator with the test's key pair, the short duration and `failing` names; its client and
/// base URL.
async fn start_with_base(failing: &[&str]) -> (Client, String) {
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
    let base = format!("http://{address}");
    (Client::with_endpoint(&base, signer()).unwrap(), base)
}

async fn start(failing: &[&str]) -> Client {
    start_with_base(failing).await.0
}

fn signer() -> RequestSigner {
    RequestSigner::huawei(HuaweiCredentials::new(AK, SK).with_project_id(PROJECT))
}

async fn create(client: &Client, cluster: &str, name: &str) -> String {
    client
        .create_snapshot()
        .project_id(PROJECT)
        .cluster_id(cluster)
        .body(types::CreateSnapshotReq {
            name: name.parse().unwrap(),
            description: None,
            indices: Some("myindex1,myindex2".parse().unwrap()),
        })
        .send()
        .await
        .expect("created")
        .into_inner()
        .backup
        .expect("the answer carries the snapshot")
        .id
}

async fn list(client: &Client, cluster: &str) -> Vec<ListSnapshotBackupsResp> {
    client
        .list_snapshots()
        .project_id(PROJECT)
        .cluster_id(cluster)
        .send()
        .await
        .expect("listed")
        .into_inner()
        .backups
}

async fn restore(
    client: &Client,
    cluster: &str,
    snapshot: &str,
) -> Result<u16, Error<types::ErrorResponse>> {
    client
        .restore_snapshot()
        .project_id(PROJECT)
        .cluster_id(cluster)
        .snapshot_id(snapshot)
        .body(types::RestoreSnapshotReq {
            target_cluster: cluster.into(),
            indices: None,
            rename_pattern: None,
            rename_replacement: None,
            replace_exist_indices: None,
        })
        .send()
        .await
        .map(|answer| answer.status().as_u16())
}

async fn delete(
    client: &Client,
    cluster: &str,
    snapshot: &str,
) -> Result<u16, Error<types::ErrorResponse>> {
    client
        .delete_snapshot()
        .project_id(PROJECT)
        .cluster_id(cluster)
        .snapshot_id(snapshot)
        .send()
        .await
        .map(|answer| answer.status().as_u16())
}

fn vendor(error: &Error<types::ErrorResponse>) -> (u16, String, String) {
    let vendor = snapspec_css::vendor_error(error).expect("a vendor error");
    assert!(
        vendor.request_id.is_some(),
        "the refusal carries a request id"
    );
    (
        vendor.status,
        vendor.code.unwrap_or_default(),
        vendor.message.unwrap_or_default(),
    )
}

#[tokio::test]
async fn a_snapshot_is_building_then_completed_then_restored_then_deleted() {
    let client = start(&[]).await;
    let id = create(&client, "c1", "snapshot_001").await;

    let listed = list(&client, "c1").await;
    assert_eq!(listed.len(), 1);
    let snapshot = &listed[0];
    assert_eq!(snapshot.id.as_deref(), Some(id.as_str()));
    assert_eq!(snapshot.name.as_deref(), Some("snapshot_001"));
    assert_eq!(snapshot.status.as_deref(), Some("BUILDING"));
    assert_eq!(snapshot.end_time, Some(0), "no end while building");
    assert_eq!(snapshot.indices.as_deref(), Some("myindex1,myindex2"));
    assert_eq!(snapshot.cluster_id.as_deref(), Some("c1"));

    tokio::time::sleep(DURATION + Duration::from_millis(100)).await;
    let completed = list(&client, "c1").await.remove(0);
    assert_eq!(completed.status.as_deref(), Some("COMPLETED"));
    assert!(completed.end_time.unwrap() > completed.start_time.unwrap());
    assert_eq!(completed.restore_status.as_deref(), Some("none"));

    assert_eq!(restore(&client, "c1", &id).await.expect("restored"), 201);
    let restored = list(&client, "c1").await.remove(0);
    assert_eq!(restored.restore_status.as_deref(), Some("success"));

    assert_eq!(delete(&client, "c1", &id).await.expect("deleted"), 200);
    assert!(
        list(&client, "c1").await.is_empty(),
        "a deleted snapshot is gone"
    );

    // Gone for good: deleting or restoring it again is CSS's "no such resource".
    for error in [
        delete(&client, "c1", &id).await.unwrap_err(),
        restore(&client, "c1", &id).await.unwrap_err(),
    ] {
        let (status, code, message) = vendor(&error);
        assert_eq!((status, code.as_str()), (403, "CSS.0015"));
        assert!(message.contains(&id), "{message}");
    }
}

#[tokio::test]
async fn a_snapshot_still_building_is_not_restored() {
    let client = start(&[]).await;
    let id = create(&client, "c1", "snapshot_001").await;
    let error = restore(&client, "c1", &id).await.unwrap_err();
    let (status, code, message) = vendor(&error);
    assert_eq!((status, code.as_str()), (400, "CSS.0001"));
    assert!(
        message.contains("snapshot_id") && message.contains("BUILDING"),
        "{message}"
    );
}

#[tokio::test]
async fn an_unknown_snapshot_id_is_not_restored() {
    let client = start(&[]).await;
    create(&client, "c1", "snapshot_001").await;
    let (status, code, _) = vendor(&restore(&client, "c1", "no-such-id").await.unwrap_err());
    assert_eq!((status, code.as_str()), (403, "CSS.0015"));
}

#[tokio::test]
async fn a_snapshot_named_to_fail_ends_failed_and_is_not_restored() {
    let client = start(&["doomed_001"]).await;
    let doomed = create(&client, "c1", "doomed_001").await;
    let fine = create(&client, "c1", "fine_001").await;
    tokio::time::sleep(DURATION + Duration::from_millis(100)).await;
    let listed = list(&client, "c1").await;
    let status_of = |id: &str| {
        listed
            .iter()
            .find(|s| s.id.as_deref() == Some(id))
            .and_then(|s| s.status.clone())
    };
    assert_eq!(status_of(&doomed).as_deref(), Some("FAILED"));
    assert_eq!(status_of(&fine).as_deref(), Some("COMPLETED"));
    let (status, code, message) = vendor(&restore(&client, "c1", &doomed).await.unwrap_err());
    assert_eq!((status, code.as_str()), (400, "CSS.0001"));
    assert!(message.contains("FAILED"), "{message}");
    assert_eq!(
        delete(&client, "c1", &doomed)
            .await
            .expect("a failed snapshot can be deleted"),
        200
    );
}

#[tokio::test]
async fn names_stay_unique_per_cluster_until_the_snapshot_is_deleted() {
    let client = start(&[]).await;
    let first = create(&client, "c1", "snapshot_001").await;
    let again = client
        .create_snapshot()
        .project_id(PROJECT)
        .cluster_id("c1")
        .body(types::builder::CreateSnapshotReq::default().name("snapshot_001"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(vendor(&again).1, "CSS.0043");
    // Another cluster has its own names and its own list.
    create(&client, "c2", "snapshot_001").await;
    assert_eq!(list(&client, "c1").await.len(), 1);
    assert_eq!(list(&client, "c2").await.len(), 1);
    delete(&client, "c1", &first).await.unwrap();
    let second = create(&client, "c1", "snapshot_001").await;
    assert_ne!(
        first, second,
        "the name is free again once the snapshot is deleted"
    );
}

#[tokio::test]
async fn the_list_is_newest_first() {
    let client = start(&[]).await;
    create(&client, "c1", "snapshot_001").await;
    create(&client, "c1", "snapshot_002").await;
    let names: Vec<_> = list(&client, "c1")
        .await
        .into_iter()
        .filter_map(|s| s.name)
        .collect();
    assert_eq!(names, ["snapshot_002", "snapshot_001"]);
}

#[tokio::test]
async fn the_basic_configuration_and_the_policy_are_stored_and_read_back() {
    let client = start(&[]).await;
    let show = || async {
        client
            .show_auto_create_policy()
            .project_id(PROJECT)
            .cluster_id("c1")
            .send()
            .await
            .expect("shown")
            .into_inner()
    };
    let before = show().await;
    assert_eq!(before.enable.as_deref(), Some("false"), "off until set");
    assert_eq!(before.bucket, None);

    client
        .update_snapshot_setting()
        .project_id(PROJECT)
        .cluster_id("c1")
        .body(
            types::builder::UpdateSnapshotSettingReq::default()
                .bucket("test-bucket")
                .agency("usearch")
                .base_path("css_repository/Es-name")
                .max_snapshot_bytes_per_seconds(Some("40mb".to_string())),
        )
        .send()
        .await
        .expect("configured");
    let configured = show().await;
    assert_eq!(configured.bucket.as_deref(), Some("test-bucket"));
    assert_eq!(configured.agency.as_deref(), Some("usearch"));
    assert_eq!(
        configured.base_path.as_deref(),
        Some("css_repository/Es-name")
    );
    assert_eq!(
        configured.max_snapshot_bytes_per_seconds.as_deref(),
        Some("40mb")
    );

    let policy: types::SetRdsBackupCnfReq = snapspec_css::from_json(json!({
        "enable": "true", "keepday": 7, "period": "16:00 GMT+08:00", "prefix": "snapshot",
        "indices": "*"
    }))
    .unwrap();
    client
        .create_auto_create_policy()
        .project_id(PROJECT)
        .cluster_id("c1")
        .body(policy)
        .send()
        .await
        .expect("policy set");
    let on = show().await;
    assert_eq!(
        (
            on.enable.as_deref(),
            on.keepday,
            on.period.as_deref(),
            on.prefix.as_deref(),
            on.indices.as_deref()
        ),
        (
            Some("true"),
            Some(7),
            Some("16:00 GMT+08:00"),
            Some("snapshot"),
            Some("*")
        )
    );
    assert_eq!(
        on.bucket.as_deref(),
        Some("test-bucket"),
        "the configuration stays"
    );

    // New snapshots go to the configured bucket.
    create(&client, "c1", "snapshot_001").await;
    assert_eq!(
        list(&client, "c1").await[0].bucket_name.as_deref(),
        Some("test-bucket")
    );

    // Another cluster is untouched.
    let other = client
        .show_auto_create_policy()
        .project_id(PROJECT)
        .cluster_id("c2")
        .send()
        .await
        .unwrap()
        .into_inner();
    assert_eq!(
        (other.enable.as_deref(), other.bucket),
        (Some("false"), None)
    );

    let off: types::SetRdsBackupCnfReq =
        snapspec_css::from_json(json!({"enable": "false", "delete_auto": "false"})).unwrap();
    client
        .create_auto_create_policy()
        .project_id(PROJECT)
        .cluster_id("c1")
        .body(off)
        .send()
        .await
        .expect("policy turned off");
    let off = show().await;
    assert_eq!(
        (off.enable.as_deref(), off.keepday),
        (Some("false"), Some(7))
    );
}

#[tokio::test]
async fn turning_the_policy_on_without_its_schedule_is_refused_naming_the_field() {
    let client = start(&[]).await;
    let missing_keepday: types::SetRdsBackupCnfReq = snapspec_css::from_json(
        json!({"enable": "true", "period": "16:00 GMT+08:00", "prefix": "snapshot"}),
    )
    .unwrap();
    let error = client
        .create_auto_create_policy()
        .project_id(PROJECT)
        .cluster_id("c1")
        .body(missing_keepday)
        .send()
        .await
        .unwrap_err();
    let (status, code, message) = vendor(&error);
    assert_eq!((status, code.as_str()), (400, "CSS.0001"));
    assert!(message.contains("keepday"), "{message}");
}

#[tokio::test]
async fn bodies_that_break_the_spec_are_refused_by_the_emulator_naming_the_field() {
    let (_client, base) = start_with_base(&[]).await;
    let http = snapspec_runtime::http_client().unwrap();
    for (path, body, field) in [
        (
            "index_snapshot/setting",
            json!({"bucket": "b", "agency": "a"}),
            "base_path",
        ),
        ("index_snapshot/policy", json!({"enable": "on"}), "enable"),
        (
            "index_snapshot/policy",
            json!({"enable": "true", "keepday": 91}),
            "keepday",
        ),
        (
            "index_snapshot/s1/restore",
            json!({"targetCluster": "c1"}),
            "target_cluster",
        ),
    ] {
        let mut request = reqwest::Request::new(
            reqwest::Method::POST,
            format!("{base}/v1.0/{PROJECT}/clusters/c1/{path}")
                .parse()
                .unwrap(),
        );
        request
            .headers_mut()
            .insert("content-type", "application/json".parse().unwrap());
        *request.body_mut() = Some(body.to_string().into());
        signer().sign_request(&mut request, "").unwrap();
        let answer = http.execute(request).await.unwrap();
        assert_eq!(answer.status().as_u16(), 400, "{path} {body}");
        let refusal: serde_json::Value = answer.json().await.unwrap();
        assert_eq!(refusal["errCode"], "CSS.0001");
        // The CSS service's own error body carries only its two fields, as CSS sends it.
        assert_eq!(
            refusal.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["errCode", "externalMessage"],
            "{refusal}"
        );
        assert!(
            refusal["externalMessage"].as_str().unwrap().contains(field),
            "{path} {body}: {refusal}"
        );
    }
}

#[tokio::test]
async fn the_documented_configuration_and_policy_examples_are_accepted() {
    let client = start(&[]).await;
    let spec = snapspec_testkit::Spec::parse(include_str!("../../../spec/css.yaml"));
    for example in spec.operation("UpdateSnapshotSetting").request_examples() {
        client
            .update_snapshot_setting()
            .project_id(PROJECT)
            .cluster_id("c1")
            .body(
                snapspec_css::from_json::<types::UpdateSnapshotSettingReq>(example.value).unwrap(),
            )
            .send()
            .await
            .expect("the documented configuration is accepted");
    }
    for example in spec.operation("CreateAutoCreatePolicy").request_examples() {
        client
            .create_auto_create_policy()
            .project_id(PROJECT)
            .cluster_id("c1")
            .body(snapspec_css::from_json::<types::SetRdsBackupCnfReq>(example.value).unwrap())
            .send()
            .await
            .expect("the documented policy is accepted");
    }
}

#[tokio::test]
async fn every_documented_status_of_the_lifecycle_operations_can_be_forced() {
    let (_client, base) = start_with_base(&[]).await;
    let spec = snapspec_testkit::Spec::parse(include_str!("../../../spec/css.yaml"));
    for (operation, method, path) in [
        ("ListSnapshots", "GET", "index_snapshots"),
        ("DeleteSnapshot", "DELETE", "index_snapshot/s1"),
        ("RestoreSnapshot", "POST", "index_snapshot/s1/restore"),
        ("UpdateSnapshotSetting", "POST", "index_snapshot/setting"),
        ("ShowAutoCreatePolicy", "GET", "index_snapshot/policy"),
        ("CreateAutoCreatePolicy", "POST", "index_snapshot/policy"),
    ] {
        for status in spec.operation(operation).error_statuses() {
            let http = snapspec_runtime::http_client().unwrap();
            let mut request = reqwest::Request::new(
                method.parse().unwrap(),
                format!("{base}/v1.0/{PROJECT}/clusters/c1/{path}")
                    .parse()
                    .unwrap(),
            );
            request
                .headers_mut()
                .insert(FORCE_STATUS_HEADER, status.to_string().parse().unwrap());
            signer().sign_request(&mut request, "").unwrap();
            let answer = http.execute(request).await.unwrap();
            assert_eq!(answer.status().as_u16(), status, "{operation}");
        }
        // A status the operation does not document is refused.
        let http = snapspec_runtime::http_client().unwrap();
        let mut request = reqwest::Request::new(
            method.parse().unwrap(),
            format!("{base}/v1.0/{PROJECT}/clusters/c1/{path}")
                .parse()
                .unwrap(),
        );
        request
            .headers_mut()
            .insert(FORCE_STATUS_HEADER, "418".parse().unwrap());
        signer().sign_request(&mut request, "").unwrap();
        assert_eq!(
            http.execute(request).await.unwrap().status().as_u16(),
            400,
            "{operation}"
        );
    }
}

/// The emulator keeps each cluster's serialized list between requests (a list of 1,000 snapshots
/// is 340 kB of JSON): a create, a delete, and a status reached with time alone must each show in
/// the very next list, and a change to one cluster leaves the other's list as it was.
#[tokio::test]
async fn a_list_asked_again_shows_every_change_since_the_last() {
    let client = start(&[]).await;
    let names = |listed: Vec<ListSnapshotBackupsResp>| -> Vec<String> {
        listed.into_iter().filter_map(|s| s.name).collect()
    };
    let first = create(&client, "c1", "snapshot_001").await;
    create(&client, "c2", "other_001").await;
    assert_eq!(names(list(&client, "c1").await), ["snapshot_001"]);
    assert_eq!(names(list(&client, "c1").await), ["snapshot_001"]);

    create(&client, "c1", "snapshot_002").await;
    assert_eq!(
        names(list(&client, "c1").await),
        ["snapshot_002", "snapshot_001"]
    );

    assert_eq!(delete(&client, "c1", &first).await.expect("deleted"), 200);
    assert_eq!(names(list(&client, "c1").await), ["snapshot_002"]);
    assert_eq!(names(list(&client, "c2").await), ["other_001"]);

    let building = list(&client, "c1").await.remove(0);
    assert_eq!(building.status.as_deref(), Some("BUILDING"));
    tokio::time::sleep(DURATION + Duration::from_millis(100)).await;
    let completed = list(&client, "c1").await.remove(0);
    assert_eq!(completed.status.as_deref(), Some("COMPLETED"));
}
