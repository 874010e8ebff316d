//! snapspec's benchmarks live in `benches/` (`cargo bench -p snapspec-bench --bench NAME`);
//! BENCHMARKS.md gives their figures. This library is empty: the crate exists so that the
//! benchmarks' dependencies stay out of the published crates.
