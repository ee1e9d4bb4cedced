//! Every variable `ato serve` reads, with its default: the text of `ato serve --help` (and of the README's
//! table, which a test keeps in step with this list).

/// One setting: its variable(s), its default, and what it is.
pub struct Setting {
    pub vars: &'static str,
    pub default: &'static str,
    pub meaning: &'static str,
}

const fn s(vars: &'static str, default: &'static str, meaning: &'static str) -> Setting {
    Setting {
        vars,
        default,
        meaning,
    }
}

/// Grouped as the README's table is.
pub const SETTINGS: &[(&str, &[Setting])] = &[
    (
        "Server",
        &[
            s(
                "ATO_PUBLIC_URL",
                "required",
                "the https:// address GitHub reaches this server at",
            ),
            s(
                "ATO_DATA_DIR",
                "required",
                "database, reports, report-link key, credentials made by /setup",
            ),
            s("ATO_BIND", "0.0.0.0:3000", "address to listen on"),
            s("ATO_WORKERS", "2", "jobs run at once (1 to 64)"),
            s("ATO_RUN_DRAFTS", "false", "test draft pull requests"),
            s("RUST_LOG", "info in the image, else warn", "log filter"),
        ],
    ),
    (
        "GitHub App (all three, or none: then open ATO_PUBLIC_URL/setup)",
        &[
            s("GITHUB_APP_ID", "from /setup", "the app's id"),
            s(
                "GITHUB_PRIVATE_KEY, GITHUB_PRIVATE_KEY_PATH",
                "from /setup",
                "the app's private key (PEM), or a file holding it",
            ),
            s(
                "GITHUB_WEBHOOK_SECRET",
                "from /setup",
                "webhook secret; a comma-separated list while rotating",
            ),
            s(
                "GITHUB_API_URL",
                "https://api.github.com",
                "GitHub's REST API (GitHub Enterprise: https://HOST/api/v3)",
            ),
        ],
    ),
    (
        "Docker engine of the runner containers (as the Docker CLI reads them)",
        &[
            s(
                "DOCKER_HOST",
                "unix:///var/run/docker.sock",
                "unix:///PATH, tcp://HOST:PORT, https://HOST:PORT or ssh://USER@HOST",
            ),
            s(
                "DOCKER_TLS_VERIFY",
                "unset",
                "any value: tcp:// with TLS, verifying the engine and showing a client certificate",
            ),
            s(
                "DOCKER_CERT_PATH",
                "~/.docker",
                "folder with ca.pem, cert.pem, key.pem for TLS",
            ),
            s(
                "DOCKER_TLS",
                "unset",
                "TLS without verification: refused, use DOCKER_TLS_VERIFY",
            ),
            s(
                "RUNNER_RUNTIME",
                "the engine's default (runc)",
                "OCI runtime of the runner containers, e.g. runsc (gVisor); the engine must offer it",
            ),
            s(
                "RUNNER_CPU_LIMIT, RUNNER_MEM_LIMIT, RUNNER_TIMEOUT_SECS",
                "1.0, 2g, 600",
                "each runner container's limits",
            ),
        ],
    ),
    (
        "Dependencies",
        &[
            s(
                "ATO_DEPS_NETWORK",
                "registries",
                "registries (through ato's allow-list proxy), off, or open",
            ),
            s(
                "ATO_PIP_INDEX_URL, ATO_PIP_EXTRA_INDEX_URL",
                "https://pypi.org/simple/, none",
                "pip's indexes",
            ),
            s(
                "ATO_NPM_REGISTRY",
                "https://registry.npmjs.org/",
                "npm's registry",
            ),
            s(
                "ATO_MAVEN_MIRROR",
                "https://repo.maven.apache.org/maven2/",
                "mirror of Maven Central",
            ),
            s(
                "ATO_CA_BUNDLE",
                "SSL_CERT_FILE when set, else none",
                "PEM bundle the dependency container trusts",
            ),
        ],
    ),
    (
        "Model (optional)",
        &[
            s(
                "LLM_BASE_URL, LLM_MODEL, LLM_API_KEY (OPENAI_API_BASE, OPENAI_MODEL, OPENAI_API_KEY)",
                "none: builtin generators only",
                "an OpenAI-compatible model that writes more tests",
            ),
            s(
                "LLM_TIMEOUT_SECS, LLM_MAX_ATTEMPTS, LLM_BACKOFF_MS, LLM_MAX_RETRY_AFTER_SECS",
                "60, 4, 500, 60",
                "request deadline, tries, first back-off, longest retry-after",
            ),
            s("LLM_CONCURRENCY", "8", "model requests in flight"),
            s(
                "ATO_LLM_MAX_FILES, ATO_LLM_MAX_TOKENS, ATO_LLM_REPAIRS",
                "20, 400000, 2",
                "a run's model budget",
            ),
        ],
    ),
];

/// The text after `ato serve --help`'s options.
pub fn render() -> String {
    let mut text = String::from(
        "Settings (environment variables). Every missing or malformed one is reported at start, together.\n\
         With no GitHub App settings the server starts in set-up mode: open ATO_PUBLIC_URL/setup.\n",
    );
    for (group, settings) in SETTINGS {
        text.push_str(&format!("\n{group}:\n"));
        for setting in *settings {
            text.push_str(&format!(
                "  {}\n      {} [default: {}]\n",
                setting.vars, setting.meaning, setting.default
            ));
        }
    }
    text
}

/// Every variable named in [`SETTINGS`].
pub fn variables() -> Vec<&'static str> {
    SETTINGS
        .iter()
        .flat_map(|(_, settings)| settings.iter())
        .flat_map(|setting| setting.vars.split([',', ' ', '(', ')']))
        .filter(|word| !word.is_empty() && word.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    /// The `"GITHUB_…"`, `"ATO_…"`, … literals of every source file: what the code reads.
    fn variables_in_sources(dir: &Path, found: &mut Vec<String>) {
        let prefixes = ["GITHUB_", "ATO_", "RUNNER_", "DOCKER_", "LLM_", "OPENAI_"];
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                variables_in_sources(&path, found);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for piece in text.split('"').skip(1).step_by(2) {
                let is_var = prefixes
                    .iter()
                    .any(|p| piece.starts_with(p) && piece.len() > p.len())
                    && !piece.ends_with('_')
                    && piece
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
                if is_var && !found.iter().any(|f| f == piece) {
                    found.push(piece.to_string());
                }
            }
        }
    }

    #[test]
    fn every_variable_the_code_reads_is_in_the_help_and_the_readme() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut read = Vec::new();
        variables_in_sources(&root.join("src"), &mut read);
        assert!(read.len() > 30, "the scan finds the variables: {read:?}");
        let listed = variables();
        let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
        for var in &read {
            assert!(
                listed.contains(&var.as_str()),
                "{var} is read but not in `serve --help`"
            );
            assert!(
                readme.contains(&format!("`{var}`")),
                "{var} is not in the README"
            );
        }
    }

    #[test]
    fn the_help_shows_each_variable_with_its_default() {
        let text = render();
        assert!(
            text.contains("  ATO_PUBLIC_URL\n      the https:// address"),
            "{text}"
        );
        assert!(
            text.contains("[default: unix:///var/run/docker.sock]"),
            "{text}"
        );
        assert!(text.contains("RUNNER_RUNTIME"), "{text}");
    }
}
