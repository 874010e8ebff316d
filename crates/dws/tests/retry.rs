//! The retry layer of the generated DWS client over the wire: after an ambiguous failure of
//! `CreateSnapshot`, the snapshot is looked up by name (case-insensitively, as DWS names are)
//! and cluster before the create is sent again.

use std::time::Duration;

use snapspec_dws::{Backoff, Client, RequestSigner, RetryPolicy, types};
use snapspec_testkit::scripted::{ScriptedServer, Step};

fn listed(name: &str, cluster: &str) -> String {
    serde_json::json!({"count": 1, "snapshots": [{
        "id": "2a4d0f86-67cd-408a-8b66-017454fb7793", "name": name, "cluster_id": cluster,
        "description": "", "started": "2016-08-23T03:59:23Z", "finished": null, "size": 0,
        "status": "CREATING", "type": "MANUAL"}]})
    .to_string()
}

fn client(server: &ScriptedServer) -> Client {
    Client::builder()
        .endpoint(&server.url)
        .signer(RequestSigner::unsigned())
        .retry(RetryPolicy::default().with_backoff(Backoff::new(
            Duration::from_millis(1),
            Duration::from_millis(4),
        )))
        .build()
        .expect("loopback client")
}

async fn create(
    client: &Client,
) -> Result<
    snapspec_dws::ResponseValue<types::CreateSnapshotResponse>,
    snapspec_dws::Error<types::ErrorResponse>,
> {
    client
        .create_snapshot()
        .project_id("p1")
        .body(types::CreateSnapshotRequestBody {
            snapshot: types::Snapshot {
                name: "Nightly-1".parse().unwrap(),
                cluster_id: "c1".into(),
                description: None,
            },
        })
        .send()
        .await
}

#[tokio::test]
async fn a_dropped_create_whose_snapshot_exists_is_not_sent_again() {
    let server = ScriptedServer::start(vec![
        Step::Drop,
        Step::answer(200, &listed("nightly-1", "c1")),
    ])
    .await;
    let created = create(&client(&server))
        .await
        .expect("the snapshot the dropped attempt made");
    assert_eq!(created.snapshot.id, "2a4d0f86-67cd-408a-8b66-017454fb7793");
    assert_eq!(created.headers()["x-snapspec-recovered"], "true");
    let methods: Vec<_> = server.received().iter().map(|r| r.method.clone()).collect();
    assert_eq!(methods, ["POST", "GET"]);
}

#[tokio::test]
async fn a_snapshot_of_the_same_name_on_another_cluster_does_not_count() {
    let created = r#"{"snapshot": {"id": "4af11460-06ec-48a4-b3ad-0e3bbdcd8ab1"}}"#;
    let server = ScriptedServer::start(vec![
        Step::answer(
            504,
            r#"{"error_code":"DWS.9999","error_msg":"gateway timeout"}"#,
        ),
        Step::answer(200, &listed("Nightly-1", "another-cluster")),
        Step::answer(200, created),
    ])
    .await;
    let answer = create(&client(&server))
        .await
        .expect("created by the second POST");
    assert_eq!(answer.snapshot.id, "4af11460-06ec-48a4-b3ad-0e3bbdcd8ab1");
    let methods: Vec<_> = server.received().iter().map(|r| r.method.clone()).collect();
    assert_eq!(methods, ["POST", "GET", "POST"]);
}
