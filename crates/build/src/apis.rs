//! The registry of the APIs snapspec covers: one entry per API, read by the umbrella crate's build
//! script (which spec to embed per feature), `cargo xtask` (which specs to check, generate and
//! publish) and anything else that lists the APIs, so that a fourth API is one entry here.
//! (`snapspec_codegen::apis` re-exports it.)

/// One API and where its pieces live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Api {
    /// Short name, also the umbrella crate's cargo feature: `css`, `dws`, `alibaba-es`.
    pub name: &'static str,
    /// The spec's file name under `spec/`.
    pub spec_file: &'static str,
    /// The generated client crate.
    pub crate_name: &'static str,
    /// The vendor and product, for people.
    pub title: &'static str,
}

impl Api {
    /// The client crate's folder in the workspace, `crates/<name>`: its committed generated code
    /// is [`GENERATED_FILE`](crate::GENERATED_FILE) there.
    pub fn crate_dir(&self) -> String {
        format!("crates/{}", self.name)
    }

    /// The spec as the workspace names it (`spec/dws.yaml`): the name a generated file's header
    /// carries, whichever folder the spec was generated from.
    pub fn spec_name(&self) -> String {
        format!("spec/{}", self.spec_file)
    }

    /// The feature as cargo exposes it to build scripts (`CARGO_FEATURE_ALIBABA_ES`).
    pub fn feature_env(&self) -> String {
        format!(
            "CARGO_FEATURE_{}",
            self.name.to_uppercase().replace('-', "_")
        )
    }
}

/// Every API, in the order they are checked and published.
pub const APIS: [Api; 3] = [
    Api {
        name: "css",
        spec_file: "css.yaml",
        crate_name: "snapspec-css",
        title: "Huawei Cloud CSS (Cloud Search Service)",
    },
    Api {
        name: "dws",
        spec_file: "dws.yaml",
        crate_name: "snapspec-dws",
        title: "Huawei Cloud GaussDB(DWS)",
    },
    Api {
        name: "alibaba-es",
        spec_file: "alibaba-es.yaml",
        crate_name: "snapspec-alibaba-es",
        title: "Alibaba Cloud Elasticsearch 2017-06-13",
    },
];

/// The API whose spec file is `spec_file`.
pub fn by_spec_file(spec_file: &str) -> Option<&'static Api> {
    APIS.iter().find(|api| api.spec_file == spec_file)
}

#[cfg(test)]
mod tests {
    #[test]
    fn feature_variables_follow_cargo_naming() {
        assert_eq!(
            super::by_spec_file("alibaba-es.yaml")
                .unwrap()
                .feature_env(),
            "CARGO_FEATURE_ALIBABA_ES"
        );
    }
}
