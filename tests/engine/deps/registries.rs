//! The dependency phase with its default network: the dependency container reaches only the configured package
//! indexes, through ato's allow-list proxy. Real packages from PyPI (through this machine's TLS-intercepting
//! network, whose CA the host's `SSL_CERT_FILE` names), a fake npm registry served by the test, and a
//! destination no setting allows, refused and named.

use ato::model::{ProblemKind, Runner, SandboxOutcome, TestStatus};

use super::{assert_nothing_left, commit_tiny_npm_project, passed_doctest_of};
use crate::support::ato_run::{run_last_commit, runner_result};
use crate::support::deps::{
    HttpServer, bridge_gateway, deps_phase, nonce, npm_tarball, volumes_named_in,
};
use crate::support::docker::require_docker;
use crate::support::git_repo::Repo;

const REGISTRIES: &[(&str, &str)] = &[("ATO_DEPS_NETWORK", "registries")];

const CALC_BASE: &str = "def shout(text: str) -> str:\n    return text.upper()\n";

/// Uses `six` (a runtime requirement), `iniconfig` (the test extra) and `tomli` (a feature extra), all from
/// PyPI.
const CALC_HEAD: &str = r#"import iniconfig
import six
import tomli


def shout(text: str) -> str:
    """Upper case, through six.

    >>> shout("hi")
    'HI'
    """
    return six.ensure_str(text).upper()


def section_names(text: str) -> list:
    r"""The sections of an INI text, through iniconfig.

    >>> section_names("[a]\nx = 1\n[b]\n")
    ['a', 'b']
    """
    return list(iniconfig.IniConfig("x.ini", data=text).sections)


def table_names(text: str) -> list:
    """The tables of a TOML text, through tomli.

    >>> table_names("[a]\\nx = 1\\n[b]\\n")
    ['a', 'b']
    """
    return list(tomli.loads(text))
"#;

#[test]
fn python_setup_cfg_requirements_come_from_pypi_through_the_allow_list_proxy() {
    require_docker();
    let repo = Repo::new();
    let setup_cfg = format!(
        "[metadata]\nname = calc\ndescription = fixture {}\n\n[options]\npackages = find:\n\
         install_requires =\n    six>=1.16\n\n[options.extras_require]\ntest =\n    iniconfig>=2\n\
         toml =\n    tomli>=2\ndocs =\n    ato-no-such-package-on-pypi\n",
        nonce()
    );
    repo.write("setup.cfg", &setup_cfg)
        .write("setup.py", "from setuptools import setup\n\nsetup()\n")
        .write("calc/__init__.py", "")
        .write("calc/text.py", CALC_BASE)
        .commit("base");
    repo.write("calc/text.py", CALC_HEAD)
        .commit("shout through six, sections through iniconfig");

    let run = run_last_commit(&repo, REGISTRIES);
    let _volumes = crate::support::deps::RemoveVolumes(volumes_named_in(&run));
    let python = runner_result(run.results(), Runner::Python);
    assert_eq!(
        python.outcome,
        SandboxOutcome::Completed { exit_code: 0 },
        "{}",
        run.stderr
    );
    assert!(
        !python
            .problems
            .iter()
            .any(|p| matches!(p.kind, ProblemKind::ImportError | ProblemKind::Dependencies)),
        "six and iniconfig are installed: {:#?}\n{:#?}",
        python.problems,
        python.notes
    );
    assert!(passed_doctest_of(python, "shout"), "{:#?}", python.tests);
    assert!(
        passed_doctest_of(python, "section_names"),
        "{:#?}",
        python.tests
    );
    assert!(
        passed_doctest_of(python, "table_names"),
        "the feature extra is installed, the docs extra (no such package) never tried: {:#?}",
        python.tests
    );
    assert!(
        python
            .notes
            .iter()
            .any(|n| n.contains("installed into the cache")
                && n.contains("through the allow-list proxy")),
        "{:#?}",
        python.notes
    );
    let (what, ms) = deps_phase(&run, "python");
    assert_eq!(what, "installed");
    eprintln!("six and iniconfig from PyPI through the proxy: {ms} ms");
    assert_nothing_left(&run);
}

#[test]
fn an_index_no_setting_allows_is_refused_by_the_proxy_and_named() {
    require_docker();
    // A server on the host the dependency container must never reach: it counts what it gets.
    let server = HttpServer::start(Vec::new());
    let host = format!("{}:{}", bridge_gateway(), server.port);
    let index = format!("http://{host}/simple/");
    let repo = Repo::new();
    repo.write(
        "requirements.txt",
        &format!(
            "# fixture {}\n--index-url {index}\n--trusted-host {host}\nsix\n",
            nonce()
        ),
    )
    .write("app/__init__.py", "")
    .write("app/calc.py", "def one():\n    return 1\n")
    .commit("base");
    repo.write("app/calc.py", "import six\n\n\ndef one():\n    return 1\n")
        .commit("import six");

    let run = run_last_commit(&repo, REGISTRIES);
    let _volumes = crate::support::deps::RemoveVolumes(volumes_named_in(&run));
    let python = runner_result(run.results(), Runner::Python);
    let refused = format!("GET http://{}:{}", bridge_gateway(), server.port);
    let problem = python
        .problems
        .iter()
        .find(|p| p.kind == ProblemKind::Dependencies)
        .unwrap_or_else(|| panic!("a dependencies problem: {:#?}", python.problems));
    assert!(
        problem.message.contains(&refused) && problem.message.contains("refused"),
        "the refusal is named: {problem:#?}"
    );
    assert!(problem.message.contains("`six`"), "{problem:#?}");
    assert!(
        python
            .notes
            .iter()
            .any(|n| n.contains("tried to reach") && n.contains(&refused)),
        "{:#?}",
        python.notes
    );
    assert!(
        python
            .notes
            .iter()
            .any(|n| n.contains("runners/python/deps-install.log")),
        "{:#?}",
        python.notes
    );
    let log = run.read("runners/python/deps-install.log");
    assert!(
        log.contains("No matching distribution found for six"),
        "pip's own output is kept: {log}"
    );
    assert!(
        server.requests().is_empty(),
        "the server was never reached: {:?}",
        server.requests()
    );
    let (what, ms) = deps_phase(&run, "python");
    assert_eq!(what, "not installed");
    eprintln!("refused install: {ms} ms");
    assert_nothing_left(&run);
}

#[test]
fn javascript_packages_come_from_the_configured_registry_through_the_proxy() {
    require_docker();
    let (tarball, integrity) = npm_tarball();
    let packument = format!(
        r#"{{"name":"tiny","dist-tags":{{"latest":"1.0.0"}},"versions":{{"1.0.0":{{"name":"tiny","version":"1.0.0",
"main":"index.js","dist":{{"tarball":"https://registry.npmjs.org/tiny/-/tiny-1.0.0.tgz","integrity":"{integrity}"}}}}}}}}"#
    );
    let server = HttpServer::start(vec![
        ("/tiny".into(), "application/json", packument.into_bytes()),
        (
            "/tiny/-/tiny-1.0.0.tgz".into(),
            "application/octet-stream",
            tarball,
        ),
    ]);
    let registry = format!("http://{}:{}/", bridge_gateway(), server.port);
    let repo = Repo::new();
    commit_tiny_npm_project(
        &repo,
        "^1.0.0",
        "https://registry.npmjs.org/tiny/-/tiny-1.0.0.tgz",
        &integrity,
    );

    let env = [
        ("ATO_DEPS_NETWORK", "registries"),
        ("ATO_NPM_REGISTRY", registry.as_str()),
    ];
    let run = run_last_commit(&repo, &env);
    let _volumes = crate::support::deps::RemoveVolumes(volumes_named_in(&run));
    let node = runner_result(run.results(), Runner::Node);
    assert!(
        !node
            .problems
            .iter()
            .any(|p| matches!(p.kind, ProblemKind::ImportError | ProblemKind::Dependencies)),
        "tiny came from the registry: {:#?}\n{:#?}\n{}",
        node.problems,
        node.notes,
        run.stderr
    );
    assert!(
        node.tests.iter().any(|t| t.status == TestStatus::Passed),
        "{:#?}",
        node.tests
    );
    assert!(
        server
            .requests()
            .iter()
            .any(|r| r.starts_with("GET /tiny/-/tiny-1.0.0.tgz")),
        "npm fetched the tarball from the configured registry: {:?}",
        server.requests()
    );
    assert_eq!(deps_phase(&run, "node").0, "installed");
    assert_nothing_left(&run);
}

/// A `setup.py` that, while pip builds it, tries to reach `url` through the proxy (urllib follows
/// `HTTP_PROXY`) and `host:port` directly, then fails the build saying what it got.
fn reaching_setup_py(url: &str, host: &str, port: u16) -> String {
    format!(
        r#"import socket
import urllib.request

from setuptools import setup

results = []
try:
    urllib.request.urlopen("{url}", timeout=10)
    results.append("through the proxy: reached")
except Exception as error:
    results.append(f"through the proxy: {{error}}")
try:
    socket.create_connection(("{host}", {port}), timeout=5)
    results.append("directly: reached")
except OSError as error:
    results.append(f"directly: {{error}}")
raise SystemExit("helper build: " + "; ".join(results))
setup(name="helper", version="1.0")
"#
    )
}

#[test]
fn a_build_that_reaches_for_the_host_is_refused_and_named_and_gets_nowhere_directly() {
    require_docker();
    let server = HttpServer::start(Vec::new());
    let host = bridge_gateway();
    let url = format!("http://{host}:{}/exfiltrate", server.port);
    let repo = Repo::new();
    repo.write(
        "requirements.txt",
        &format!("# fixture {}\n./helper\n", nonce()),
    )
    .write(
        "helper/setup.py",
        &reaching_setup_py(&url, &host, server.port),
    )
    .write("app/__init__.py", "")
    .write("app/calc.py", "def one():\n    return 1\n")
    .commit("base");
    repo.write("app/calc.py", "def one():\n    return 1 + 0\n")
        .commit("one");

    let run = run_last_commit(&repo, REGISTRIES);
    let _volumes = crate::support::deps::RemoveVolumes(volumes_named_in(&run));
    let python = runner_result(run.results(), Runner::Python);
    let refused = format!("GET http://{host}:{}", server.port);
    let problem = python
        .problems
        .iter()
        .find(|p| p.kind == ProblemKind::Dependencies)
        .unwrap_or_else(|| panic!("a dependencies problem: {:#?}", python.problems));
    assert!(
        problem.message.contains(&refused) && problem.message.contains("refused"),
        "the refusal is named: {problem:#?}"
    );
    let log = run.read("runners/python/deps-install.log");
    assert!(
        log.contains("through the proxy: HTTP Error 403"),
        "the proxy answered 403: {log}"
    );
    assert!(
        !log.contains("directly: reached"),
        "no direct way to the host: {log}"
    );
    assert!(
        server.requests().is_empty(),
        "the server was never reached: {:?}",
        server.requests()
    );
    assert_nothing_left(&run);
}
