//! Throughput of signed requests through the generated CSS client, next to the same client
//! unsigned and a hand-written reqwest call without signing, against the same loopback server (a
//! fixed 201 with the documented response), in the same run. Prints requests per second, the
//! client's CPU time per request, and the ratios.
//!
//! cargo bench -p snapspec-css --bench signed_throughput
//!
//! Layout (`SNAPSPEC_BENCH_LAYOUT`):
//! - `pinned` (default): the client runs on a single-threaded runtime on CPU 0, the server on its
//!   own single-threaded runtime on CPU 1, so the client's own cost decides the throughput and the
//!   server never competes with it for a core. The server's CPU use is printed: if it is near 100 %
//!   the server, not the client, is the bottleneck, and the ratios say nothing.
//! - `shared`: client and server tasks on one two-worker runtime, as a single process on two
//!   cores would run them; the scheduler's placement of tasks then varies from round to round.
//!
//! Rounds alternate the three clients, so that a slow period of the machine hits all of them;
//! the ratio reported is the median of the per-round ratios. `SNAPSPEC_BENCH_ONLY=signed|generated|
//! hand-written` runs one client alone (for profiling).
//!
//! The process uses mimalloc: with glibc's malloc, client and server tasks on the same 2 cores
//! spend their time waking each other on arena locks (futex wakes from `__lll_lock_wake_private`
//! were the top symbol under perf), which hides what the client code itself costs.

use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;
use std::time::Instant;

use snapspec_css::{Client, RequestSigner, types};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const CONCURRENCY: usize = 32;
const REQUESTS_PER_ROUND: usize = 20_000;
const ROUNDS: usize = 7;

const RESPONSE: &str = r#"{"backup":{"id":"9dc4f5c9-33c0-45c7-9378-ae35ae350682","name":"snapshot_101","status":"BUILDING"}}"#;
const BODY: &str = r#"{"name":"snapshot_001","indices":"myindex1,myindex2","description":""}"#;

type Call = Box<dyn Fn() -> Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

fn app() -> axum::Router {
    axum::Router::new().fallback(|| async {
        (
            axum::http::StatusCode::CREATED,
            [("content-type", "application/json")],
            RESPONSE,
        )
    })
}

/// CPU time used so far by the calling thread.
fn thread_cpu_nanos() -> u64 {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid timespec for the call to write into.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    assert_eq!(status, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    now.tv_sec as u64 * 1_000_000_000 + now.tv_nsec as u64
}

/// CPU time used so far by the thread with kernel id `tid` (from /proc; Linux only).
fn other_thread_cpu_nanos(tid: i32) -> u64 {
    let path = format!("/proc/self/task/{tid}/schedstat");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"));
    text.split_whitespace()
        .next()
        .and_then(|field| field.parse().ok())
        .unwrap_or_else(|| panic!("{path}: expected the CPU time in ns first, got {text:?}"))
}

fn pin_to(core: usize) {
    let cores = core_affinity::get_core_ids().unwrap_or_default();
    match cores.get(core) {
        Some(id) if core_affinity::set_for_current(*id) => {}
        _ => eprintln!("warning: could not pin a thread to CPU {core}; figures will be noisier"),
    }
}

/// Starts the server on its own thread and runtime, pinned to CPU 1; returns its base URL and
/// the server thread's kernel id.
fn serve_pinned() -> (String, i32) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binding a loopback port");
    let address = listener.local_addr().expect("a bound address");
    listener
        .set_nonblocking(true)
        .expect("non-blocking listener");
    static SERVER_TID: OnceLock<i32> = OnceLock::new();
    std::thread::spawn(move || {
        pin_to(1);
        // SAFETY: gettid has no preconditions.
        SERVER_TID
            .set(unsafe { libc::gettid() })
            .expect("one server thread");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("server runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
            axum::serve(listener, app()).await.expect("serving");
        });
    });
    let tid = loop {
        if let Some(tid) = SERVER_TID.get() {
            break *tid;
        }
        std::thread::yield_now();
    };
    (format!("http://{address}"), tid)
}

async fn serve_in_runtime() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binding a loopback port");
    let address = listener.local_addr().expect("a bound address");
    tokio::spawn(async move { axum::serve(listener, app()).await.expect("serving") });
    format!("http://{address}")
}

/// One round's figures for one client.
#[derive(Clone, Copy)]
struct Round {
    requests_per_second: f64,
    /// CPU time of the client thread per request (pinned layout only).
    client_cpu_micros: Option<f64>,
    /// Share of one core the server used during the round (pinned layout only).
    server_busy: Option<f64>,
}

/// Runs `REQUESTS_PER_ROUND` calls of `one` on `CONCURRENCY` tasks.
async fn measure(one: &'static Call, server_tid: Option<i32>) -> Round {
    let per_task = REQUESTS_PER_ROUND / CONCURRENCY;
    let (client_cpu_before, server_cpu_before) =
        (thread_cpu_nanos(), server_tid.map(other_thread_cpu_nanos));
    let start = Instant::now();
    let tasks: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            tokio::spawn(async move {
                for _ in 0..per_task {
                    one().await;
                }
            })
        })
        .collect();
    for task in tasks {
        task.await.expect("a benchmark task panicked");
    }
    let elapsed = start.elapsed();
    let requests = (per_task * CONCURRENCY) as f64;
    let pinned = server_tid.is_some();
    Round {
        requests_per_second: requests / elapsed.as_secs_f64(),
        client_cpu_micros: pinned
            .then(|| (thread_cpu_nanos() - client_cpu_before) as f64 / requests / 1e3),
        server_busy: server_tid.zip(server_cpu_before).map(|(tid, before)| {
            (other_thread_cpu_nanos(tid) - before) as f64 / elapsed.as_nanos() as f64
        }),
    }
}

/// One call through the generated client: `CreateSnapshot` with `body`, answer checked.
fn generated_call(client: Client, body: types::CreateSnapshotReq) -> Call {
    Box::new(move || {
        let (client, body) = (client.clone(), body.clone());
        Box::pin(async move {
            let answer = client
                .create_snapshot()
                .project_id("p1")
                .cluster_id("c1")
                .body(body)
                .send()
                .await;
            assert!(answer.expect("a 201").backup.is_some());
        })
    })
}

/// The same call written by hand with reqwest, unsigned: same body, same response type.
fn hand_written_call(base: &str, body: types::CreateSnapshotReq) -> Call {
    let raw = snapspec_runtime::http_client().expect("an HTTP client");
    let url = format!("{base}/v1.0/p1/clusters/c1/index_snapshot");
    Box::new(move || {
        let (raw, url, body) = (raw.clone(), url.clone(), body.clone());
        Box::pin(async move {
            let answer = raw.post(&url).json(&body).send().await.expect("a response");
            let parsed: types::CreateSnapshotResponse = answer.json().await.expect("the body");
            assert!(parsed.backup.is_some());
        })
    })
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn describe(round: &Round) -> String {
    let mut text = format!("{:.0} req/s", round.requests_per_second);
    if let Some(cpu) = round.client_cpu_micros {
        text += &format!(" ({cpu:.2} us client CPU/request");
        if let Some(busy) = round.server_busy {
            text += &format!(", server {:.0} % busy", busy * 100.0);
        }
        text += ")";
    }
    text
}

async fn run(base: String, server_tid: Option<i32>) {
    let signer = RequestSigner::huawei(
        snapspec_auth::HuaweiCredentials::new("BENCHAK000000000001", "bench-secret")
            .with_project_id("p1"),
    );
    let body: types::CreateSnapshotReq = serde_json::from_str(BODY).expect("the documented body");
    let clients: [(&str, &'static Call); 3] = [
        (
            "signed",
            Box::leak(Box::new(generated_call(
                Client::with_endpoint(&base, signer).expect("a client"),
                body.clone(),
            ))),
        ),
        (
            "generated",
            Box::leak(Box::new(generated_call(
                Client::with_endpoint(&base, RequestSigner::unsigned()).expect("a client"),
                body.clone(),
            ))),
        ),
        (
            "hand-written",
            Box::leak(Box::new(hand_written_call(&base, body))),
        ),
    ];

    if let Ok(only) = std::env::var("SNAPSPEC_BENCH_ONLY") {
        let Some((_, call)) = clients.iter().find(|(name, _)| *name == only) else {
            panic!("SNAPSPEC_BENCH_ONLY={only}: expected signed, generated or hand-written");
        };
        measure(call, server_tid).await;
        let rounds = measure_rounds(call, server_tid).await;
        let best = rounds
            .iter()
            .map(|r| r.requests_per_second)
            .fold(0f64, f64::max);
        println!("{only}: best of {ROUNDS} rounds {best:.0} req/s");
        return;
    }

    // Warm every client (connections, allocator) before measuring.
    for (_, call) in &clients {
        measure(call, server_tid).await;
    }
    let mut by_client: [Vec<Round>; 3] = Default::default();
    let mut ratios = (Vec::new(), Vec::new());
    for round in 1..=ROUNDS {
        let mut figures = [None; 3];
        for (i, (_, call)) in clients.iter().enumerate() {
            figures[i] = Some(measure(call, server_tid).await);
        }
        let [signed, generated, hand] = figures.map(|f| f.expect("measured"));
        let ratio = signed.requests_per_second / hand.requests_per_second;
        ratios.0.push(ratio);
        if let (Some(s), Some(h)) = (signed.client_cpu_micros, hand.client_cpu_micros) {
            ratios.1.push(s / h);
        }
        println!(
            "round {round}: signed generated client {}, unsigned generated client {}, hand-written reqwest unsigned {}; throughput ratio signed/hand-written {ratio:.2}",
            describe(&signed),
            describe(&generated),
            describe(&hand),
        );
        for (all, figure) in by_client.iter_mut().zip([signed, generated, hand]) {
            all.push(figure);
        }
    }
    let rate = |i: usize| median(by_client[i].iter().map(|r| r.requests_per_second).collect());
    println!(
        "median of {ROUNDS} rounds: signed {:.0} req/s, unsigned generated {:.0} req/s, hand-written {:.0} req/s; throughput ratio signed/hand-written {:.2} (per-round {:.2}..{:.2})",
        rate(0),
        rate(1),
        rate(2),
        median(ratios.0.clone()),
        ratios.0.iter().copied().fold(f64::INFINITY, f64::min),
        ratios.0.iter().copied().fold(0f64, f64::max),
    );
    if !ratios.1.is_empty() {
        let cpu = |i: usize| {
            median(
                by_client[i]
                    .iter()
                    .filter_map(|r| r.client_cpu_micros)
                    .collect(),
            )
        };
        println!(
            "median client CPU per request: signed {:.2} us, unsigned generated {:.2} us, hand-written {:.2} us; signed costs {:.2}x the hand-written call",
            cpu(0),
            cpu(1),
            cpu(2),
            median(ratios.1),
        );
    }
    println!(
        "({CONCURRENCY} concurrent tasks, {REQUESTS_PER_ROUND} requests per client per round)"
    );
}

async fn measure_rounds(call: &'static Call, server_tid: Option<i32>) -> Vec<Round> {
    let mut rounds = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        rounds.push(measure(call, server_tid).await);
    }
    rounds
}

fn main() {
    let layout = std::env::var("SNAPSPEC_BENCH_LAYOUT").unwrap_or_else(|_| "pinned".into());
    println!("layout: {layout}");
    match layout.as_str() {
        "pinned" => {
            let (base, server_tid) = serve_pinned();
            pin_to(0);
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("client runtime");
            runtime.block_on(run(base, Some(server_tid)));
        }
        "shared" => {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                let base = serve_in_runtime().await;
                run(base, None).await;
            });
        }
        other => {
            eprintln!("SNAPSPEC_BENCH_LAYOUT={other}: expected pinned or shared");
            std::process::exit(2);
        }
    }
}
