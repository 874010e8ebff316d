//! The retry layer of the generated Alibaba Cloud Elasticsearch client over the wire: throttling
//! codes in 400 bodies are retried, a `CreateSnapshot` carries one `ClientToken` on every attempt
//! (so a retry after an ambiguous failure takes no second snapshot), and a `POST` without a
//! token is not repeated after an ambiguous failure.

use std::time::Duration;

use snapspec_alibaba_es::{AlibabaCredentials, Backoff, Client, RequestSigner, RetryPolicy, types};
use snapspec_testkit::scripted::{ScriptedServer, Step};

const DONE: &str = r#"{"Result": true, "RequestId": "8EA34ABE-8015-4190-9B57-B3079AB2****"}"#;
const THROTTLED: &str = r#"{"Code":"Throttling.User","Message":"Request was denied due to user flow control.","RequestId":"R1"}"#;
const INTERNAL: &str = r#"{"Code":"InternalError","Message":"internal error","RequestId":"R2"}"#;

fn client(server: &ScriptedServer) -> Client {
    Client::builder()
        .endpoint(&server.url)
        .signer(RequestSigner::alibaba(
            AlibabaCredentials::new("LTAI1", "secret1"),
            "2017-06-13",
        ))
        .retry(RetryPolicy::default().with_backoff(Backoff::new(
            Duration::from_millis(1),
            Duration::from_millis(4),
        )))
        .build()
        .expect("loopback client")
}

#[tokio::test]
async fn a_throttling_code_in_a_400_answer_is_retried() {
    let server =
        ScriptedServer::start(vec![Step::answer(400, THROTTLED), Step::answer(200, DONE)]).await;
    client(&server)
        .add_snapshot_repo()
        .instance_id("es-1")
        .body(types::AddSnapshotRepoRequest {
            repo_path: "es-2".into(),
        })
        .send()
        .await
        .expect("accepted on the second attempt");
    let received = server.received();
    assert_eq!(received.len(), 2);
    let nonces: Vec<_> = received
        .iter()
        .map(|r| r.header("x-acs-signature-nonce").unwrap())
        .collect();
    assert_ne!(
        nonces[0], nonces[1],
        "each attempt is signed with its own nonce"
    );
}

#[tokio::test]
async fn a_client_error_that_is_not_throttling_is_not_retried() {
    let bad = r#"{"Code":"InstanceNotFound","Message":"no such instance","RequestId":"R3"}"#;
    let server = ScriptedServer::start(vec![Step::answer(400, bad)]).await;
    let error = client(&server)
        .create_snapshot()
        .instance_id("es-1")
        .client_token("token-1")
        .send()
        .await
        .unwrap_err();
    // The body read to classify the answer reaches the caller intact.
    let vendor = snapspec_alibaba_es::vendor_error(&error).expect("a documented error answer");
    assert_eq!(vendor.code.as_deref(), Some("InstanceNotFound"));
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn every_attempt_of_a_create_snapshot_carries_the_same_client_token() {
    let server = ScriptedServer::start(vec![
        Step::answer(503, INTERNAL),
        Step::Drop,
        Step::answer(200, DONE),
    ])
    .await;
    let token = snapspec_alibaba_es::new_client_token();
    client(&server)
        .create_snapshot()
        .instance_id("es-1")
        .client_token(token.clone())
        .send()
        .await
        .expect("created on the third attempt");
    let tokens: Vec<_> = server
        .received()
        .iter()
        .map(|r| r.query("ClientToken"))
        .collect();
    assert_eq!(tokens, vec![Some(token.clone()); 3]);
}

#[tokio::test]
async fn a_post_without_a_token_is_not_repeated_after_an_ambiguous_failure() {
    let server =
        ScriptedServer::start(vec![Step::answer(503, INTERNAL), Step::answer(200, DONE)]).await;
    let error = client(&server)
        .add_snapshot_repo()
        .instance_id("es-1")
        .body(types::AddSnapshotRepoRequest {
            repo_path: "es-2".into(),
        })
        .send()
        .await
        .unwrap_err();
    let vendor = snapspec_runtime::into_vendor_error(error).await.unwrap();
    assert_eq!(
        (vendor.status, vendor.code.as_deref()),
        (503, Some("InternalError"))
    );
    assert_eq!(server.received().len(), 1);
}

#[test]
fn fresh_tokens_differ_and_fit_the_documented_64_characters() {
    let (a, b) = (
        snapspec_alibaba_es::new_client_token(),
        snapspec_alibaba_es::new_client_token(),
    );
    assert_ne!(a, b);
    assert!(a.len() <= 64 && a.bytes().all(|c| c.is_ascii_hexdigit() || c == b'-'));
}
