//! How the runners of a run run: reruns, seed, the sandbox's limits, the dependency phase and which generators
//! write tests. The same for every runner of a run; chosen by `ato run` or by the worker from the repository's
//! configuration.

use crate::deps::DepsSettings;
use crate::generate::ModelSettings;
use crate::sandbox::Limits;

/// How runners run: the same for every runner of a run.
#[derive(Debug, Clone)]
pub struct RunnerSettings {
    pub reruns: u32,
    pub seed: u64,
    pub limits: Limits,
    /// The dependency phase: its network (by default only the package indexes, through the allow-list
    /// proxy), the indexes, the CA bundle.
    pub deps: DepsSettings,
    /// Whether the builtin generator runs (without it, the runner only runs the static checker).
    pub builtin: bool,
    /// The model that writes more tests, when one is configured and the repository wants it.
    pub model: Option<ModelSettings>,
    /// Said in every runner's notes (e.g. a wish for a model that is not configured).
    pub notes: Vec<String>,
}

impl RunnerSettings {
    /// Settings with the given generators.
    pub fn with_generators(mut self, generators: crate::generate::Generators) -> RunnerSettings {
        self.builtin = generators.builtin;
        self.model = generators.model;
        self.notes.extend(generators.note);
        self
    }
}

impl RunnerSettings {
    /// Each step inside the runner (an import, a test run) gets a share of the container's wall clock, so one
    /// hanging module costs a step, not the whole run.
    pub(super) fn step_timeout_secs(&self) -> u64 {
        (self.limits.timeout.as_secs() / 5).clamp(5, 120)
    }
}

impl RunnerSettings {
    /// The settings a reader of the report may want, as `(name, value)` (never a key or a URL's secret).
    pub fn described(&self) -> Vec<(String, String)> {
        let generators = match (&self.builtin, &self.model) {
            (true, Some(m)) => format!("builtin and model {}", m.config.model),
            (true, None) => "builtin".to_string(),
            (false, Some(m)) => format!("model {}", m.config.model),
            (false, None) => "none (static checkers only)".to_string(),
        };
        vec![
            ("Generated tests".into(), generators),
            ("Runs of each test".into(), self.reruns.to_string()),
            ("Seed".into(), self.seed.to_string()),
            (
                "Runner limits".into(),
                format!(
                    "{} s, {} CPU, {} MiB",
                    self.limits.timeout.as_secs(),
                    self.limits.cpus,
                    self.limits.memory_bytes / (1024 * 1024)
                ),
            ),
        ]
    }
}
