//! The results of one run: the schema of `results.json`.
//!
//! Everything a report shows comes from these types, so the Markdown, the HTML, the check run and the PR
//! comment can never disagree. Bump [`SCHEMA_VERSION`] on any change that removes or renames a field.

use serde::{Deserialize, Serialize};

/// Version of the `results.json` schema.
pub const SCHEMA_VERSION: u32 = 1;

/// A language ato generates tests for. What ato knows about each (its runner, its name, its files…) is in
/// its module under [`crate::lang`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Python,
    JavaScript,
    TypeScript,
    Java,
}

impl Language {
    pub const ALL: [Language; 4] = [
        Language::Python,
        Language::JavaScript,
        Language::TypeScript,
        Language::Java,
    ];
}

/// A runner image family: one folder under `runners/`, one image, one container per run. What it knows is in
/// its module under [`crate::lang`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Runner {
    Python,
    Node,
    Java,
}

impl Runner {
    pub const ALL: [Runner; 3] = [Runner::Python, Runner::Node, Runner::Java];

    /// As `results.json` names it: the folder under `runners/` and the suffix of the image name.
    pub fn name(self) -> &'static str {
        match self {
            Runner::Python => "python",
            Runner::Node => "node",
            Runner::Java => "java",
        }
    }
}

/// The whole of `results.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunResults {
    pub schema_version: u32,
    pub ato_version: String,
    pub run_id: String,
    pub base: Revision,
    pub head: Revision,
    pub duration_ms: u64,
    pub verdict: Verdict,
    /// Why the verdict is what it is, in one sentence a reviewer can read.
    pub summary: String,
    /// Changed files that were not tested, and why (tests, vendored, unsupported language…).
    pub skipped_files: Vec<SkippedFile>,
    pub runners: Vec<RunnerResult>,
}

/// A revision as asked for and as resolved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Revision {
    /// What the user gave (`main`, `HEAD~1`, or `working tree`).
    pub name: String,
    /// The commit it resolved to; `None` for the working tree.
    pub sha: Option<String>,
}

/// The overall conclusion; maps onto a check run's conclusion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Everything ran and nothing failed or changed behaviour.
    Success,
    /// A generated test failed reliably, or behaviour changed between base and head.
    Failure,
    /// ato could not judge: nothing to test, or a runner could not do its job.
    Neutral,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SkippedFile {
    pub path: String,
    pub reason: String,
}

/// What one runner container did for the files of its languages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunnerResult {
    pub runner: Runner,
    pub image: String,
    pub outcome: SandboxOutcome,
    pub duration_ms: u64,
    /// The files this runner was given, with the symbols found changed in them.
    pub targets: Vec<TargetFile>,
    pub tests: Vec<TestCase>,
    pub behaviour_changes: Vec<BehaviourChange>,
    pub coverage: Vec<FileCoverage>,
    pub findings: Vec<Finding>,
    /// Problems with the PR's code that stopped some generation or running: syntax errors, imports that hang…
    pub problems: Vec<Problem>,
    /// Facts a reader should know (e.g. "vitest is not installed in this image; tests use node:test").
    pub notes: Vec<String>,
    /// The generated test files, relative to the output folder.
    pub generated_files: Vec<GeneratedFile>,
    pub logs: Logs,
    /// The tests a language model wrote, when one is configured and asked (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_tests: Option<ModelTests>,
    /// The interpreter or JDK version the runner ran on, why, and the ones tried before it (absent when the
    /// runner did not run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime: Option<RuntimeUse>,
}

/// Which runtime version a runner ran on and why (`Python 3.9: setup.cfg python_requires <3.10`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuntimeUse {
    /// `Python 3.9`, `Java 17`, `Node.js 18`.
    pub version: String,
    /// Why this version: what the project declares, or why the one before it failed.
    pub reason: String,
    /// The versions run before this one, in order, each with why it was left.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tried: Vec<TriedRuntime>,
}

/// A runtime version a runner ran on first and then left for another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TriedRuntime {
    /// `Python 3.13`.
    pub version: String,
    /// Why the run moved on ("`pipes` was removed in Python 3.13").
    pub why_not: String,
}

/// What a language model wrote for one runner, and how much of it survived the validation funnel.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelTests {
    /// The model's name as configured (`LLM_MODEL`).
    pub model: String,
    pub funnel: Funnel,
    pub usage: ModelUsage,
    /// One per symbol the model was asked about, in plan order.
    pub candidates: Vec<Candidate>,
    /// Facts a reader should know: budget reached, a file withheld as secret, the model unreachable…
    pub notes: Vec<String>,
}

/// The funnel: each stage counts the generated test modules that got that far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Funnel {
    /// The model answered with code.
    pub generated: u32,
    /// It imported or compiled and had at least one test.
    pub builds: u32,
    /// Every test in it passed on the first run.
    pub passes: u32,
    /// It passed on every rerun (not flaky).
    pub stable: u32,
    /// It ran changed lines that no builtin test and no earlier kept module ran.
    pub adds_coverage: u32,
}

/// The model calls of a runner.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelUsage {
    /// Requests answered by the model (repairs included), not counting retries.
    pub requests: u32,
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    /// Symbols answered from the cache, with no request.
    pub cache_hits: u32,
    /// Repair requests: a failing module sent back with its error.
    pub repairs: u32,
    /// Secrets replaced before anything was sent.
    pub redactions: u32,
}

/// One test module the model was asked for, and where it left the funnel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    /// `pkg/calc.py::add`.
    pub target: String,
    pub stage: CandidateStage,
    /// The module, relative to the output folder, when there is code.
    pub file: Option<String>,
    /// Where the patch of tests you can add puts it.
    pub repo_path: String,
    /// Repairs it went through.
    pub repairs: u32,
    /// Outcome of each run of the last version.
    pub runs: Vec<RunStatus>,
    /// The changed lines it ran that nothing before it ran, per file.
    pub new_lines: std::collections::BTreeMap<String, Vec<u32>>,
    /// Why it did not build or pass, or why there is no code (escaped when rendered).
    pub error: Option<String>,
    /// The answer came from the cache.
    pub cached: bool,
}

/// Where a candidate left the funnel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CandidateStage {
    /// No code: the model failed, timed out, answered without code, or the budget ran out.
    NoCode,
    /// It did not import or compile (after the repairs).
    DoesNotBuild,
    /// It failed on every run (after the repairs): a possible bug, or a wrong test.
    Fails,
    /// Mixed outcomes over the reruns.
    Flaky,
    /// It passed every run but ran no changed line that was not already covered.
    NoNewCoverage,
    /// It passed every run and added coverage: offered in the patch of tests you can add.
    Kept,
}

/// How the runner container ended. Distinct on purpose: each is reported differently.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SandboxOutcome {
    /// The runner finished and wrote its results.
    Completed { exit_code: i64 },
    /// Killed after the wall-clock limit.
    TimedOut { limit_secs: u64 },
    /// Killed by the kernel for using more memory than allowed.
    OutOfMemory { limit_bytes: u64 },
    /// The runner exited without writing its results.
    Crashed { exit_code: i64, message: String },
    /// The container could not be run at all (image missing, Docker error).
    Failed { message: String },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TargetFile {
    pub path: String,
    pub language: Language,
    /// Changed (added or modified) line numbers on the head side, 1-based, sorted.
    pub changed_lines: Vec<u32>,
    pub symbols: Vec<Symbol>,
}

/// A public function, method or class whose body intersects the change, or which is new.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Symbol {
    /// Qualified within its file: `parse`, `Parser.parse`.
    pub name: String,
    pub kind: SymbolKind,
    pub start_line: u32,
    pub end_line: u32,
    /// Absent on the base side.
    pub is_new: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SymbolKind {
    Function,
    Class,
    Method,
}

/// One generated test over all its runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestCase {
    /// Stable id, e.g. `tests/ato_test_calc.py::test_add_doctest`.
    pub id: String,
    /// Generated test file it lives in, relative to its runner's folder (`runners/<name>/` in the output).
    pub file: String,
    pub kind: TestKind,
    /// The changed symbol it exercises, if any.
    pub target: Option<String>,
    pub status: TestStatus,
    /// Outcome of each run, in run order.
    pub runs: Vec<RunStatus>,
    /// Failure message of the first failing run (escaped when rendered).
    pub message: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TestKind {
    Doctest,
    Property,
    Smoke,
    Characterization,
    Regression,
    Llm,
}

/// The verdict on a test over all runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TestStatus {
    Passed,
    /// Failed on every run, and either passed on base or could not be compared with it (a file new on head,
    /// a runner that does not compare): the change's doing, as far as ato can tell.
    Failed,
    /// Passed on some runs and failed on others.
    Flaky,
    Skipped,
    /// Failed on every run and on the base revision too: it says nothing about the change.
    FailsOnBase,
    /// The generated test could not run because of itself (ato's fault; its message says why).
    NotRunnable,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    Passed,
    Failed,
    Error,
    Skipped,
}

/// The same input gave a different result on base and head.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BehaviourChange {
    pub file: String,
    pub symbol: String,
    /// The call, as source text: `add(1, -2)`.
    pub input: String,
    pub base: Observation,
    pub head: Observation,
}

/// What a call did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Observation {
    Returned { value: String },
    Raised { error: String, message: String },
}

/// Coverage of the changed lines of one file by the generated tests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileCoverage {
    pub path: String,
    /// Changed executable lines that ran.
    pub covered: Vec<u32>,
    /// Changed executable lines that did not run.
    pub missed: Vec<u32>,
    /// Changed lines that branch, with how many of their outcomes were taken, where the tool measures
    /// branches (coverage.py, lcov's `BRDA`, JaCoCo); absent otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub branches: Vec<LineBranches>,
}

/// The branch outcomes of one line: `taken` of `total` (a line with `0 < taken < total` was partly taken).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineBranches {
    pub line: u32,
    pub taken: u32,
    pub total: u32,
}

/// A static checker's finding (bandit, eslint, SpotBugs/FindBugs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub tool: String,
    pub rule: String,
    pub severity: Severity,
    pub path: String,
    pub line: u32,
    pub message: String,
    /// Findings on unchanged lines are kept for the full report but never annotated.
    pub on_changed_line: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Low,
    Medium,
    High,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    pub path: Option<String>,
    pub line: Option<u32>,
    pub kind: ProblemKind,
    pub message: String,
    /// An import that failed: the module that could not be found (`six`, `pipes`), as the runner read it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing_module: Option<String>,
    /// Whether the base revision fails the same way; `None` when the file is new or base was not tried.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_on_base: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// The file does not parse or compile.
    SyntaxError,
    /// Importing or loading the module failed.
    ImportError,
    /// A step ran past its time limit (e.g. a module that hangs on import).
    Timeout,
    /// Dependencies could not be installed or resolved.
    Dependencies,
    /// A tool the runner needs failed.
    Tool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GeneratedFile {
    /// Relative to the output folder, e.g. `runners/python/tests/test_ato_calc_doctest.py`.
    pub path: String,
    /// Where the patch of tests you can add puts it in the repository.
    pub repo_path: String,
    /// Every test in it passed on every run: it is in the patch of tests you can add.
    pub in_patch: bool,
}

/// Captured container output, capped.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Logs {
    pub stdout: String,
    pub stderr: String,
    /// Output beyond the cap was dropped.
    pub truncated: bool,
}

impl Observation {
    /// Plain text, for places that are not Markdown (check-run annotations, logs).
    pub fn plain(&self) -> String {
        match self {
            Observation::Returned { value } => format!("returned {value}"),
            Observation::Raised { error, message } if message.is_empty() => {
                format!("raised {error}")
            }
            Observation::Raised { error, message } => format!("raised {error}: {message}"),
        }
    }
}
