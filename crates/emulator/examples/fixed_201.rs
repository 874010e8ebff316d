//! The ceiling for the load benchmark: a bare axum handler answering every request with a fixed
//! 201 and the documented CSS response, no checks, no state.
//!
//! cargo run --release -p snapspec-emulator --example fixed_201 -- 127.0.0.1:PORT

const RESPONSE: &str =
    r#"{"backup":{"id":"9dc4f5c9-33c0-45c7-9378-ae35ae350682","name":"snapshot_101"}}"#;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let address = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8081".to_string());
    let listener = tokio::net::TcpListener::bind(&address).await?;
    let app = axum::Router::new().fallback(|| async {
        (
            axum::http::StatusCode::CREATED,
            [("content-type", "application/json")],
            RESPONSE,
        )
    });
    axum::serve(listener, app).await
}
