//! Throughput of signed requests through the generated CSS client, next to the same client
//! unsigned, a hand-written reqwest call without signing, and that call carrying the headers a
//! signed request carries (computed once: the floor for any signer), all against the same
//! loopback server (a fixed 201 with the documented response), in the same run. Prints requests
//! per second, the client's CPU time per request, and the ratios to the hand-written call.
//!
//! cargo bench -p snapspec-bench --bench signed_throughput
//!
//! Layout (`SNAPSPEC_BENCH_LAYOUT`):
//! - `pinned` (default): the client runs on a single-threaded runtime on CPU 0, the server on its
//!   own single-threaded runtime on CPU 1, so the client's own cost decides the throughput and the
//!   server never competes with it for a core. The server's CPU use is printed: if it is near 100 %
//!   the server, not the client, is the bottleneck, and the ratios say nothing.
//! - `shared`: client and server tasks on one two-worker runtime, as a single process on two
//!   cores would run them; the scheduler's placement of tasks then varies from round to round.
//!
//! Rounds alternate the clients, so that a slow period of the machine hits all of them;
//! the ratio reported is the median of the per-round ratios. `SNAPSPEC_BENCH_ONLY=signed|signed-once|
//! generated|hand-written|headers-only` runs one client alone (for profiling).
//!
//! The process uses mimalloc: with glibc's malloc, client and server tasks on the same 2 cores
//! spend their time waking each other on arena locks (futex wakes from `__lll_lock_wake_private`
//! were the top symbol under perf), which hides what the client code itself costs.

use std::future::Future;
use std::pin::Pin;
use std::time::Instant;

use snapspec_css::{Client, RequestSigner, types};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Tasks sending at once (`SNAPSPEC_BENCH_CONCURRENCY`, default 32): many in flight keep the
/// client busy, so its own cost shows; 1 measures one call after another, as a backup script
/// makes them.
fn concurrency() -> usize {
    static CONCURRENCY: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CONCURRENCY.get_or_init(|| match std::env::var("SNAPSPEC_BENCH_CONCURRENCY") {
        Err(_) => 32,
        Ok(text) => text
            .parse()
            .ok()
            .filter(|n| (1..=1000).contains(n))
            .unwrap_or_else(|| {
                eprintln!("SNAPSPEC_BENCH_CONCURRENCY={text}: expected a number from 1 to 1000");
                std::process::exit(2);
            }),
    })
}
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

fn core_ids() -> &'static [core_affinity::CoreId] {
    static CORES: std::sync::OnceLock<Vec<core_affinity::CoreId>> = std::sync::OnceLock::new();
    CORES.get_or_init(|| core_affinity::get_core_ids().unwrap_or_default())
}

/// Pins the calling thread to the `core`-th CPU of those the process started with (read once,
/// before any thread is pinned: a pinned thread sees only its own CPU).
fn pin_to(core: usize) {
    match core_ids().get(core) {
        Some(id) if core_affinity::set_for_current(*id) => {}
        _ => eprintln!("warning: could not pin a thread to CPU {core}; figures will be noisier"),
    }
}

/// What the clients speak to the server: plain HTTP, or HTTPS with a certificate made for the run
/// (the clouds' endpoints are HTTPS only).
#[derive(Clone)]
enum Transport {
    Http,
    Https {
        acceptor: tokio_rustls::TlsAcceptor,
        certificate: reqwest::Certificate,
    },
}

impl Transport {
    fn https() -> Transport {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let generated = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()])
            .expect("a self-signed certificate");
        let certificate_der = generated.cert.der().clone();
        let key = rustls::pki_types::PrivateKeyDer::try_from(generated.key_pair.serialize_der())
            .expect("a private key");
        let config = rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(vec![certificate_der.clone()], key)
            .expect("a server TLS configuration");
        Transport::Https {
            acceptor: tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config)),
            certificate: reqwest::Certificate::from_der(&certificate_der).expect("the certificate"),
        }
    }

    fn scheme(&self) -> &'static str {
        match self {
            Transport::Http => "http",
            Transport::Https { .. } => "https",
        }
    }

    /// The HTTP client of every contender: snapspec's settings, trusting the run's certificate.
    fn client(&self) -> reqwest::Client {
        let builder = snapspec_runtime::http_client_builder();
        let builder = match self {
            Transport::Http => builder,
            Transport::Https { certificate, .. } => {
                builder.add_root_certificate(certificate.clone())
            }
        };
        builder.build().expect("an HTTP client")
    }

    async fn serve(self, listener: tokio::net::TcpListener) {
        let Transport::Https { acceptor, .. } = self else {
            return axum::serve(listener, app()).await.expect("serving");
        };
        loop {
            let (tcp, _) = listener.accept().await.expect("accepting");
            tcp.set_nodelay(true).expect("TCP_NODELAY");
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let service = hyper_util::service::TowerToHyperService::new(app());
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(tls), service)
                    .await;
            });
        }
    }
}

/// Starts the server on its own thread and runtime, pinned to CPU 1; returns its base URL and
/// the server thread's kernel id.
fn serve_pinned(transport: &Transport) -> (String, i32) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binding a loopback port");
    let address = listener.local_addr().expect("a bound address");
    listener
        .set_nonblocking(true)
        .expect("non-blocking listener");
    let (tid_sender, tid_receiver) = std::sync::mpsc::channel();
    let server_transport = transport.clone();
    std::thread::spawn(move || {
        pin_to(1);
        // SAFETY: gettid has no preconditions.
        tid_sender
            .send(unsafe { libc::gettid() })
            .expect("the main thread waits for the id");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("server runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
            server_transport.serve(listener).await;
        });
    });
    let tid = tid_receiver.recv().expect("the server thread's id");
    (format!("{}://{address}", transport.scheme()), tid)
}

async fn serve_in_runtime(transport: &Transport) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binding a loopback port");
    let address = listener.local_addr().expect("a bound address");
    tokio::spawn(transport.clone().serve(listener));
    format!("{}://{address}", transport.scheme())
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

/// Runs `REQUESTS_PER_ROUND` calls of `one` on `concurrency()` tasks.
async fn measure(one: &'static Call, server_tid: Option<i32>) -> Round {
    let tasks_at_once = concurrency();
    let per_task = REQUESTS_PER_ROUND / tasks_at_once;
    let (client_cpu_before, server_cpu_before) =
        (thread_cpu_nanos(), server_tid.map(other_thread_cpu_nanos));
    let start = Instant::now();
    let tasks: Vec<_> = (0..tasks_at_once)
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
    let requests = (per_task * tasks_at_once) as f64;
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
/// Clients live for the whole run and every task borrows them, as a program holding one client
/// would; cloning a client per call would add a cost that is the benchmark's, not the client's.
fn generated_call(client: Client, body: types::CreateSnapshotReq) -> Call {
    let client: &'static Client = Box::leak(Box::new(client));
    Box::new(move || {
        let body = body.clone();
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

/// Where the hand-written calls send `CreateSnapshot` (project `p1`, cluster `c1`).
fn create_snapshot_url(base: &str) -> String {
    format!("{base}/v1.0/p1/clusters/c1/index_snapshot")
}

/// The same call written by hand with reqwest, unsigned: same body, same response type. With
/// `headers`, every request also carries those (computed once, before the run).
fn hand_written_call(
    raw: reqwest::Client,
    base: &str,
    body: types::CreateSnapshotReq,
    headers: Option<reqwest::header::HeaderMap>,
) -> Call {
    let raw: &'static reqwest::Client = Box::leak(Box::new(raw));
    let url: &'static str = create_snapshot_url(base).leak();
    Box::new(move || {
        let (body, headers) = (body.clone(), headers.clone());
        Box::pin(async move {
            let mut request = raw.post(url).json(&body);
            if let Some(headers) = headers {
                request = request.headers(headers);
            }
            let answer = request.send().await.expect("a response");
            let parsed: types::CreateSnapshotResponse = answer.json().await.expect("the body");
            assert!(parsed.backup.is_some());
        })
    })
}

/// The headers `signer` adds to the hand-written request (`X-Project-Id`, `X-Sdk-Date`, `Host`,
/// `Authorization`), computed once: sending these costs what any signer's output costs, with
/// none of the signing itself.
fn precomputed_signing_headers(
    raw: &reqwest::Client,
    base: &str,
    body: &types::CreateSnapshotReq,
    signer: &RequestSigner,
) -> reqwest::header::HeaderMap {
    let url = create_snapshot_url(base);
    let mut request = raw.post(&url).json(body).build().expect("a request");
    let before = request.headers().clone();
    signer
        .sign_request(&mut request, "create_snapshot")
        .expect("signing");
    let mut added = request.headers().clone();
    for name in before.keys() {
        added.remove(name);
    }
    assert_eq!(added.len(), 4, "expected 4 signing headers, got {added:?}");
    added
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

/// A client under measurement.
struct Contender {
    name: &'static str,
    what: &'static str,
    call: &'static Call,
}

async fn run(transport: &Transport, base: String, server_tid: Option<i32>) {
    let signer = RequestSigner::huawei(
        snapspec_auth::HuaweiCredentials::new("BENCHAK000000000001", "bench-secret")
            .with_project_id("p1"),
    );
    let body: types::CreateSnapshotReq = serde_json::from_str(BODY).expect("the documented body");
    let leak = |call: Call| -> &'static Call { Box::leak(Box::new(call)) };
    let signing_headers = precomputed_signing_headers(&transport.client(), &base, &body, &signer);
    let contenders = [
        Contender {
            name: "signed",
            what: "generated CSS client, Huawei AK/SK signing, default retry policy",
            call: leak(generated_call(
                Client::new_with_client(&base, transport.client(), signer.clone().into()),
                body.clone(),
            )),
        },
        Contender {
            name: "signed-once",
            what: "the same with retries off (RetryPolicy::none)",
            call: leak(generated_call(
                Client::new_with_client(
                    &base,
                    transport.client(),
                    snapspec_css::Transport::new(signer.clone())
                        .with_retry(snapspec_css::RetryPolicy::none()),
                ),
                body.clone(),
            )),
        },
        Contender {
            name: "generated",
            what: "generated CSS client, unsigned",
            call: leak(generated_call(
                Client::new_with_client(
                    &base,
                    transport.client(),
                    RequestSigner::unsigned().into(),
                ),
                body.clone(),
            )),
        },
        Contender {
            name: "hand-written",
            what: "hand-written reqwest call, unsigned",
            call: leak(hand_written_call(
                transport.client(),
                &base,
                body.clone(),
                None,
            )),
        },
        Contender {
            name: "headers-only",
            what: "hand-written call carrying the 4 signing headers, computed once",
            call: leak(hand_written_call(
                transport.client(),
                &base,
                body,
                Some(signing_headers),
            )),
        },
    ];
    const BASELINE: usize = 3;

    if let Ok(only) = std::env::var("SNAPSPEC_BENCH_ONLY") {
        let Some(contender) = contenders.iter().find(|c| c.name == only) else {
            let names: Vec<_> = contenders.iter().map(|c| c.name).collect();
            panic!("SNAPSPEC_BENCH_ONLY={only}: expected one of {names:?}");
        };
        measure(contender.call, server_tid).await;
        let rounds = measure_rounds(contender.call, server_tid).await;
        let best = rounds
            .iter()
            .map(|r| r.requests_per_second)
            .fold(0f64, f64::max);
        println!("{only}: best of {ROUNDS} rounds {best:.0} req/s");
        return;
    }

    // Warm every client (connections, allocator) before measuring.
    for contender in &contenders {
        measure(contender.call, server_tid).await;
    }
    let mut rounds: Vec<Vec<Round>> = vec![Vec::new(); contenders.len()];
    for round in 1..=ROUNDS {
        let mut line = format!("round {round}:");
        for (i, contender) in contenders.iter().enumerate() {
            let figure = measure(contender.call, server_tid).await;
            line += &format!(" {} {};", contender.name, describe(&figure));
            rounds[i].push(figure);
        }
        println!("{line}");
    }
    println!(
        "\nmedians of {ROUNDS} rounds ({} concurrent tasks, {REQUESTS_PER_ROUND} requests per client per round); ratios are per round, against {}, then the median:",
        concurrency(),
        contenders[BASELINE].name
    );
    println!("| client | req/s | throughput ratio | client CPU/request | CPU ratio |");
    println!("|---|---|---|---|---|");
    for (i, contender) in contenders.iter().enumerate() {
        let rate = median(rounds[i].iter().map(|r| r.requests_per_second).collect());
        let ratio = median(
            rounds[i]
                .iter()
                .zip(&rounds[BASELINE])
                .map(|(r, b)| r.requests_per_second / b.requests_per_second)
                .collect(),
        );
        let cpu: Vec<f64> = rounds[i]
            .iter()
            .filter_map(|r| r.client_cpu_micros)
            .collect();
        let cpu_ratio: Vec<f64> = rounds[i]
            .iter()
            .zip(&rounds[BASELINE])
            .filter_map(|(r, b)| Some(r.client_cpu_micros? / b.client_cpu_micros?))
            .collect();
        let (cpu, cpu_ratio) = if cpu.is_empty() {
            ("n/a".to_string(), "n/a".to_string())
        } else {
            (
                format!("{:.2} us", median(cpu)),
                format!("{:.2}", median(cpu_ratio)),
            )
        };
        println!(
            "| {} ({}) | {rate:.0} | {ratio:.2} | {cpu} | {cpu_ratio} |",
            contender.name, contender.what
        );
    }
}

async fn measure_rounds(call: &'static Call, server_tid: Option<i32>) -> Vec<Round> {
    let mut rounds = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        rounds.push(measure(call, server_tid).await);
    }
    rounds
}

fn main() {
    // Reads the CPUs while the process may still use all of them.
    core_ids();
    let layout = std::env::var("SNAPSPEC_BENCH_LAYOUT").unwrap_or_else(|_| "pinned".into());
    let transports = match std::env::var("SNAPSPEC_BENCH_SCHEME").as_deref() {
        Ok("http") => vec![Transport::Http],
        Ok("https") => vec![Transport::https()],
        Ok("both") | Err(_) => vec![Transport::Http, Transport::https()],
        Ok(other) => {
            eprintln!("SNAPSPEC_BENCH_SCHEME={other}: expected http, https or both");
            std::process::exit(2);
        }
    };
    for transport in &transports {
        println!("\nlayout: {layout}, scheme: {}", transport.scheme());
        match layout.as_str() {
            "pinned" => {
                let (base, server_tid) = serve_pinned(transport);
                pin_to(0);
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .expect("client runtime");
                runtime.block_on(run(transport, base, Some(server_tid)));
            }
            "shared" => {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("runtime");
                runtime.block_on(async {
                    let base = serve_in_runtime(transport).await;
                    run(transport, base, None).await;
                });
                runtime.shutdown_background();
            }
            other => {
                eprintln!("SNAPSPEC_BENCH_LAYOUT={other}: expected pinned or shared");
                std::process::exit(2);
            }
        }
    }
}
