//! Throughput of signed requests through the generated CSS client, next to a hand-written reqwest
//! call without signing, against the same loopback server (a fixed 201 with the documented
//! response), in the same run. Prints requests per second and the ratio.
//!
//! cargo bench -p snapspec-css --bench signed_throughput
//!
//! The process uses mimalloc: with glibc's malloc, client and server tasks on the same 2 cores
//! spend their time waking each other on arena locks (futex wakes from `__lll_lock_wake_private`
//! were the top symbol under perf), which hides what the client code itself costs.

use std::time::{Duration, Instant};

use snapspec_css::{Client, RequestSigner, types};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CONCURRENCY: usize = 32;
const REQUESTS_PER_ROUND: usize = 20_000;
const ROUNDS: usize = 3;

const RESPONSE: &str = r#"{"backup":{"id":"9dc4f5c9-33c0-45c7-9378-ae35ae350682","name":"snapshot_101","status":"BUILDING"}}"#;
const BODY: &str = r#"{"name":"snapshot_001","indices":"myindex1,myindex2","description":""}"#;

async fn serve() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = axum::Router::new().fallback(|| async {
        (
            axum::http::StatusCode::CREATED,
            [("content-type", "application/json")],
            RESPONSE,
        )
    });
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{address}")
}

/// Runs `REQUESTS_PER_ROUND` calls of `one` on `CONCURRENCY` tasks; returns requests per second.
async fn measure<F, Fut>(one: F) -> f64
where
    F: Fn() -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let start = Instant::now();
    let tasks: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let one = one.clone();
            tokio::spawn(async move {
                for _ in 0..REQUESTS_PER_ROUND / CONCURRENCY {
                    one().await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap();
    }
    (REQUESTS_PER_ROUND / CONCURRENCY * CONCURRENCY) as f64 / start.elapsed().as_secs_f64()
}

/// One call through the generated client: `CreateSnapshot` with `body`, answer checked.
fn generated_call(
    client: Client,
    body: types::CreateSnapshotReq,
) -> impl Fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>> + Clone + Send + 'static
{
    move || {
        let (client, body) = (client.clone(), body.clone());
        Box::pin(async move {
            let answer = client
                .create_snapshot()
                .project_id("p1")
                .cluster_id("c1")
                .body(body)
                .send()
                .await;
            assert!(answer.unwrap().backup.is_some());
        })
    }
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let base = serve().await;
        let signer = RequestSigner::huawei(
            snapspec_auth::HuaweiCredentials::new("BENCHAK000000000001", "bench-secret").with_project_id("p1"),
        );
        let client = Client::with_endpoint(&base, signer).unwrap();
        let body: types::CreateSnapshotReq = serde_json::from_str(BODY).unwrap();
        let raw = snapspec_runtime::http_client().unwrap();
        let url = format!("{base}/v1.0/p1/clusters/c1/index_snapshot");

        let signed = generated_call(client.clone(), body.clone());
        let generated_unsigned =
            generated_call(Client::with_endpoint(&base, RequestSigner::unsigned()).unwrap(), body.clone());
        let unsigned = {
            let raw = raw.clone();
            let url = url.clone();
            let body = body.clone();
            move || {
                let raw = raw.clone();
                let url = url.clone();
                let body = body.clone();
                async move {
                    let answer = raw.post(&url).json(&body).send().await.unwrap();
                    let parsed: types::CreateSnapshotResponse = answer.json().await.unwrap();
                    assert!(parsed.backup.is_some());
                }
            }
        };
        // Warm both paths (connections, allocator) before measuring.
        measure(signed.clone()).await;
        measure(unsigned.clone()).await;
        let (mut best_signed, mut best_unsigned) = (0f64, 0f64);
        for round in 1..=ROUNDS {
            let s = measure(signed.clone()).await;
            let g = measure(generated_unsigned.clone()).await;
            let u = measure(unsigned.clone()).await;
            println!(
                "round {round}: signed generated client {s:.0} req/s, unsigned generated client {g:.0} req/s, hand-written reqwest unsigned {u:.0} req/s, ratio signed/hand-written {:.2}",
                s / u
            );
            best_signed = best_signed.max(s);
            best_unsigned = best_unsigned.max(u);
        }
        println!(
            "best of {ROUNDS}: signed {best_signed:.0} req/s, unsigned {best_unsigned:.0} req/s, ratio {:.2} ({CONCURRENCY} concurrent, {REQUESTS_PER_ROUND} requests per round)",
            best_signed / best_unsigned
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    });
}
