//! The `ato` command line: `ato run`, `ato runners build`, `ato serve`, `ato healthcheck`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use ato::engine::{self, RunRequest};
use ato::model::{Runner, Verdict};
use ato::repo_config::Generation;
use ato::runners::Runtime;

#[derive(Parser)]
#[command(
    name = "ato",
    version,
    about = "Generates and runs unit tests for what a change touched, in locked-down containers"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Generate and run tests for the changes between two revisions of a local git repository.
    ///
    /// Exit status: 0 everything was tested and nothing failed; 1 the change failed (generated tests failed,
    /// behaviour changed between base and head, or a changed file does not import on head when it did on
    /// base); 2 ato could not do its job (bad arguments, not a git repository, no Docker, --generate llm
    /// without a model); 3 incomplete: nothing failed, but something could not be tested because of the
    /// environment, a limit or ato (a package not installed, an import that hangs, a runner that did not
    /// finish).
    ///
    /// Settings come from .github/ato.yml of the base revision (as the GitHub App reads it from the default
    /// branch), else of the head; the flags override it.
    ///
    /// The project's dependencies (requirements files, pyproject.toml, setup.cfg…; package.json with
    /// package-lock.json; pom.xml) are installed first into a cache reused while they do not change, from
    /// what the repository vendors and the configured package indexes, reached only through ato's
    /// allow-list proxy (ATO_DEPS_NETWORK=registries, the default; off or open otherwise). The tests never
    /// have a network.
    Run(RunArgs),
    /// Manage the runner images.
    Runners {
        #[command(subcommand)]
        command: RunnersCommand,
    },
    /// Serve the GitHub App: webhooks in, check runs and PR comments out.
    ///
    /// Needs only ATO_PUBLIC_URL and ATO_DATA_DIR to start: without the app's credentials it serves /setup,
    /// which creates the GitHub App and takes its webhooks at once.
    #[command(after_help = ato::serve_config::help::render())]
    Serve,
    /// Exit 0 when the local `ato serve` (at ATO_BIND) answers /healthz: the image's HEALTHCHECK.
    Healthcheck,
}

#[derive(Args)]
struct RunArgs {
    /// The git repository.
    #[arg(long, default_value = ".")]
    repo: PathBuf,
    /// The revision the change is measured against [default: the merge base with the default branch].
    #[arg(long)]
    base: Option<String>,
    /// Test every public function of the head, not only those a change touched: a first look at a
    /// codebase (every file counts as new, so nothing is compared with a base).
    #[arg(long, conflicts_with = "base")]
    all: bool,
    /// The revision to test [default: the working tree, with uncommitted and untracked files].
    #[arg(long)]
    head: Option<String>,
    /// Where report.md, report.html, results.json, the generated tests and the patch are written.
    #[arg(long, default_value = "ato-out")]
    out: PathBuf,
    /// How often the generated tests run, to find flaky ones [default: `reruns:` of .github/ato.yml, else 3].
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=20))]
    reruns: Option<u32>,
    /// Seed for generated inputs and test order; the same seed gives the same tests.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Only test changed files matching this glob (repeatable; replaces `include:` of .github/ato.yml).
    #[arg(long)]
    include: Vec<String>,
    /// Never test changed files matching this glob (repeatable; replaces `exclude:` of .github/ato.yml).
    #[arg(long)]
    exclude: Vec<String>,
    /// Which generators run: builtin, llm, both or off (static checkers only) [default: `generate:` of
    /// .github/ato.yml, else builtin, plus the model when LLM_BASE_URL and LLM_MODEL configure one]. llm and
    /// both without a configured model are an error. The model's answers are cached under
    /// ATO_DATA_DIR (else ~/.cache/ato); ATO_LLM_MAX_FILES, ATO_LLM_MAX_TOKENS and ATO_LLM_REPAIRS bound a run.
    #[arg(long, value_enum)]
    generate: Option<GenerateArg>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum GenerateArg {
    Builtin,
    Llm,
    Both,
    Off,
}

impl From<GenerateArg> for Generation {
    fn from(arg: GenerateArg) -> Generation {
        match arg {
            GenerateArg::Builtin => Generation::Builtin,
            GenerateArg::Llm => Generation::Llm,
            GenerateArg::Both => Generation::Both,
            GenerateArg::Off => Generation::Off,
        }
    }
}

#[derive(Subcommand)]
enum RunnersCommand {
    /// Build the runner images from `runners/<name>/` (skipped when the image's recipe label matches).
    Build {
        /// Rebuild even when the image is up to date.
        #[arg(long)]
        force: bool,
        /// Which runner images: a family (`python`, `node`, `java`: its newest runtime) or a runtime
        /// version (`python3.9`, `python3.11`, `node18`, `java17`, `java11`) [default: each family's newest].
        runners: Vec<String>,
    },
    /// Print the image a runner's containers run, as `docker run` takes it (built or not).
    Image {
        /// The runner: python, node or java (the newest runtime), or a version: python3.9, python3.11, node18,
        /// java11, java17
        runner: String,
    },
}

fn main() -> ExitCode {
    init_tracing();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(err) => return fail(&format!("cannot start the async runtime: {err}")),
    };
    runtime.block_on(async {
        match cli.command {
            Command::Run(args) => run(args).await,
            Command::Runners {
                command: RunnersCommand::Build { force, runners },
            } => build_runners(force, &runners).await,
            Command::Runners {
                command: RunnersCommand::Image { runner },
            } => print_image(&runner),
            Command::Serve => serve().await,
            Command::Healthcheck => match ato::healthcheck::check().await {
                Ok(()) => ExitCode::SUCCESS,
                Err(why) => fail(&format!("unhealthy: {why}")),
            },
        }
    })
}

async fn run(args: RunArgs) -> ExitCode {
    let request = RunRequest {
        repo: args.repo,
        base: args.base,
        all: args.all,
        head: args.head,
        out: args.out,
        reruns: args.reruns,
        seed: args.seed,
        include: args.include,
        exclude: args.exclude,
        generate: args.generate.map(Generation::from),
    };
    let terminal = Terminal::new();
    let progress = |line: &str| terminal.line(line);
    let outcome = engine::run_local(request, &progress).await;
    terminal.finish();
    match outcome {
        Ok(outcome) => {
            eprintln!("{}", outcome.results.summary);
            eprintln!("report: {}", outcome.report_path.display());
            let incomplete = ato::report::verdict::is_incomplete(&outcome.results.runners);
            match outcome.results.verdict {
                Verdict::Failure => ExitCode::from(1),
                Verdict::Success | Verdict::Neutral if incomplete => ExitCode::from(3),
                Verdict::Success | Verdict::Neutral => ExitCode::SUCCESS,
            }
        }
        Err(err) => fail(&err.to_string()),
    }
}

async fn build_runners(force: bool, names: &[String]) -> ExitCode {
    let mut runners = Vec::new();
    for name in names {
        match runtime_named(name) {
            Ok(runner) => runners.push(runner),
            Err(code) => return code,
        }
    }
    match engine::build_runners(&runners, force, &progress).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => fail(&err.to_string()),
    }
}

fn print_image(name: &str) -> ExitCode {
    let runtime = match runtime_named(name) {
        Ok(runtime) => runtime,
        Err(code) => return code,
    };
    match ato::runners::runtime_image_ref(runtime) {
        Ok(image) => {
            println!("{image}");
            ExitCode::SUCCESS
        }
        Err(err) => fail(&err.to_string()),
    }
}

/// A runner family's name (its newest runtime) or a runtime's (`python3.9`) this ato has a recipe for.
fn runtime_named(name: &str) -> Result<Runtime, ExitCode> {
    let offered = |runtime: &Runtime| ato::runners::buildable(runtime.runner).contains(runtime);
    Runtime::parse(name).filter(offered).ok_or_else(|| {
        let mut known: Vec<String> = Runner::ALL.iter().map(|r| r.name().to_string()).collect();
        for runner in Runner::ALL {
            let versions = ato::runners::buildable(runner);
            known.extend(
                versions
                    .iter()
                    .filter(|r| !r.is_default())
                    .map(|r| r.name()),
            );
        }
        fail(&format!(
            "unknown runner `{name}`; known: {}",
            known.join(", ")
        ))
    })
}

async fn serve() -> ExitCode {
    match ato::serve::run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => fail(&format!("{err:#}")),
    }
}

fn progress(line: &str) {
    eprintln!("ato: {line}");
}

/// `ato run`'s progress on stderr: elapsed time on every line, one updating line per phase on a terminal.
struct Terminal {
    started: std::time::Instant,
    state: std::sync::Mutex<ato::progress::Progress>,
}

impl Terminal {
    fn new() -> Terminal {
        let tty = std::io::IsTerminal::is_terminal(&std::io::stderr());
        Terminal {
            started: std::time::Instant::now(),
            state: std::sync::Mutex::new(ato::progress::Progress::new(tty)),
        }
    }

    fn line(&self, line: &str) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        let text = state.line(line, self.started.elapsed());
        let mut err = std::io::stderr().lock();
        let _ = std::io::Write::write_all(&mut err, text.as_bytes());
        let _ = std::io::Write::flush(&mut err);
    }

    fn finish(&self) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        eprint!("{}", state.finish());
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("ato: error: {message}");
    ExitCode::from(2)
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    // Colours only on a terminal: a log file, journald or a CI capture would get raw escape codes.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(ansi)
        .init();
}
