//! The model's tests end to end: the real `ato run` binary on real git repositories, a fake OpenAI-compatible
//! server over real HTTP with scripted answers, and the real Python runner validating the answers in its
//! sandbox. The funnel in results.json must be exactly what the script implies.

mod languages;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use ato::model::{CandidateStage, ModelTests, Runner};

use crate::support::ato_run::{AtoRun, ato_run, runner_result};
use crate::support::docker::{ato_containers, require_docker};
use crate::support::fake_llm::{FakeLlm, Reply, Rule, answer};
use crate::support::git_repo::Repo;

const API_KEY: &str = "sk-test-ato-fake-0123456789abcdef";

/// Secrets planted in the changed code: none may reach the model.
const PLANTED: [&str; 5] = [
    "sk_live_51HplantedStripeKey000000000",
    "hunter2-correct-horse-battery",
    "AKIAPLANTED0EXAMPLE1",
    "ghp_plantedGithubToken0123456789abcdefABCD",
    "MIIEplantedPrivateKeyBody",
];

const BASE: &str = "def price_good(x):\n    return x\n";

const HEAD: &str = r#"import os

STRIPE_KEY = "sk_live_51HplantedStripeKey000000000"
DB_PASSWORD = "hunter2-correct-horse-battery"
AWS_ACCESS_KEY_ID = "AKIAPLANTED0EXAMPLE1"


def price_good(x):
    if x < 0:
        raise ValueError("negative")
    return x * 2


def price_broken(x):
    return x + 1


def price_wrong(x):
    return x * 3


def price_flaky(x):
    return x - 1


def price_nocover(x):
    return x * 5


def price_server(x):
    return x * 6


def price_limited(x):
    return x * 7


def price_hang(x):
    return x * 8


def price_prose(x):
    return x * 9
"#;

const SECRETS_MODULE: &str = "TOKEN = \"ghp_plantedGithubToken0123456789abcdefABCD\"\n\n\ndef rotate():\n    return TOKEN[::-1]\n";
const ENV_FILE: &str = "GITHUB_TOKEN=ghp_plantedGithubToken0123456789abcdefABCD\n";
const KEY_FILE: &str =
    "-----BEGIN RSA PRIVATE KEY-----\nMIIEplantedPrivateKeyBody\n-----END RSA PRIVATE KEY-----\n";

fn test_for(name: &str, input: i64, expected: i64) -> String {
    format!(
        "from shop.pricing import {name}\n\n\ndef test_{name}():\n    assert {name}({input}) == {expected}\n"
    )
}

fn script() -> Vec<Rule> {
    // The question names its symbol on one line; a repair repeats the question.
    let rule = |symbol: &str, replies: Vec<Reply>| Rule {
        when: format!("Symbol to test: {symbol}\n"),
        replies,
    };
    let flaky = "import os\nimport tempfile\n\nfrom shop.pricing import price_flaky\n\n\n\
                 def test_price_flaky():\n    marker = os.path.join(tempfile.gettempdir(), \"ato-flaky-marker\")\n    \
                 first = not os.path.exists(marker)\n    open(marker, \"w\").close()\n    \
                 assert price_flaky(2) == 1 and first\n";
    let prose = format!(
        "Sure! Here is a test for price_prose.\n\n{}\nThis test checks the multiplication.",
        test_for("price_prose", 2, 18)
    );
    vec![
        rule(
            "price_good",
            vec![answer(&format!(
                "import pytest\n\n{}\n\ndef test_negative():\n    with pytest.raises(ValueError):\n        price_good(-1)\n",
                test_for("price_good", 2, 4)
            ))],
        ),
        rule(
            "price_broken",
            vec![answer(
                "from shop.nonexistent import price_broken\n\n\ndef test_it():\n    assert price_broken(1) == 2\n",
            )],
        ),
        rule(
            "price_wrong",
            vec![
                answer(&test_for("price_wrong", 2, 7)),
                answer(&test_for("price_wrong", 2, 6)),
            ],
        ),
        rule("price_flaky", vec![answer(flaky)]),
        rule(
            "price_nocover",
            vec![answer("def test_arithmetic():\n    assert 1 + 1 == 2\n")],
        ),
        rule(
            "price_server",
            vec![
                Reply::Status {
                    status: 500,
                    retry_after: None,
                    body: "upstream error".into(),
                },
                answer(&test_for("price_server", 2, 12)),
            ],
        ),
        rule(
            "price_limited",
            vec![
                Reply::Status {
                    status: 429,
                    retry_after: Some("1".into()),
                    body: "slow down".into(),
                },
                answer(&test_for("price_limited", 2, 14)),
            ],
        ),
        rule("price_hang", vec![Reply::Hang]),
        rule(
            "price_prose",
            vec![Reply::Answer {
                text: prose,
                prompt_tokens: 100,
                completion_tokens: 50,
            }],
        ),
    ]
}

fn fixture() -> Repo {
    let repo = Repo::new();
    repo.write("shop/__init__.py", "")
        .write("shop/pricing.py", BASE)
        .commit("base");
    repo.write("shop/pricing.py", HEAD)
        .write("shop/secrets.py", SECRETS_MODULE)
        .write(".env", ENV_FILE)
        .write("deploy/id_rsa", KEY_FILE)
        .commit("head");
    repo
}

/// `ato run --generate llm` on the last commit of `repo`, with the fake as the model and `data_dir` as
/// ATO_DATA_DIR (the answers cache). The binary runs on a blocking thread while the runtime serves the fake.
async fn run_with_model(fake: &FakeLlm, repo: &Repo, data_dir: &Path) -> AtoRun {
    let vars: Vec<(&'static str, String)> = vec![
        ("LLM_BASE_URL", fake.url.clone()),
        ("LLM_MODEL", "fake-model".into()),
        ("LLM_API_KEY", API_KEY.into()),
        ("LLM_TIMEOUT_SECS", "3".into()),
        ("LLM_BACKOFF_MS", "100".into()),
        ("ATO_DATA_DIR", data_dir.to_str().unwrap().into()),
    ];
    let path = repo.path().to_path_buf();
    tokio::task::spawn_blocking(move || {
        let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
        ato_run(
            &path,
            &["--base", "HEAD~1", "--head", "HEAD", "--generate", "llm"],
            &vars,
        )
    })
    .await
    .expect("ato ran")
}

fn model_tests(run: &AtoRun) -> &ModelTests {
    runner_result(run.results(), Runner::Python)
        .model_tests
        .as_ref()
        .unwrap_or_else(|| panic!("model tests in results.json; ato said:\n{}", run.stderr))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_funnel_counts_what_the_script_implies_and_no_secret_is_sent() {
    require_docker();
    let fake = FakeLlm::start(script(), Duration::ZERO).await;
    let repo = fixture();
    let data = tempfile::tempdir().unwrap();
    let run = run_with_model(&fake, &repo, data.path()).await;
    let tests = model_tests(&run);
    let stages: BTreeMap<&str, CandidateStage> = tests
        .candidates
        .iter()
        .map(|c| (c.target.rsplit("::").next().unwrap(), c.stage))
        .collect();
    use CandidateStage::*;
    assert_eq!(
        stages,
        BTreeMap::from([
            ("price_good", Kept),
            ("price_broken", DoesNotBuild),
            ("price_wrong", Kept),
            ("price_flaky", Flaky),
            ("price_nocover", NoNewCoverage),
            ("price_server", Kept),
            ("price_limited", Kept),
            ("price_hang", NoCode),
            ("price_prose", Kept),
        ]),
        "{tests:#?}\n{}",
        run.stderr
    );
    let f = tests.funnel;
    assert_eq!(
        (f.generated, f.builds, f.passes, f.stable, f.adds_coverage),
        (8, 7, 7, 6, 5),
        "{tests:#?}"
    );
    // Answered requests: one per symbol with an answer, plus two repairs of the broken import and one of the
    // wrong assertion; the 500, the 429 and the hang are not answers.
    assert_eq!(tests.usage.requests, 8 + 2 + 1, "{:#?}", tests.usage);
    assert_eq!(tests.usage.repairs, 3);
    assert_eq!(tests.usage.cache_hits, 0);
    assert!(tests.usage.redactions >= 3, "{:#?}", tests.usage);
    let wrong = tests
        .candidates
        .iter()
        .find(|c| c.target.ends_with("price_wrong"))
        .unwrap();
    assert_eq!(wrong.repairs, 1);
    let hang = tests
        .candidates
        .iter()
        .find(|c| c.target.ends_with("price_hang"))
        .unwrap();
    assert!(
        hang.error.as_deref().unwrap_or("").contains("3 s"),
        "{hang:#?}"
    );
    assert!(
        tests.notes.iter().any(|n| n.contains("shop/secrets.py")),
        "{:#?}",
        tests.notes
    );

    let requests = fake.requests();
    assert_eq!(
        requests.len(),
        11 + 3,
        "every answer, the 500, the 429 and the hang"
    );
    for request in &requests {
        for secret in PLANTED {
            assert!(
                !request.body.contains(secret),
                "{secret} was sent: {}",
                request.body
            );
        }
        assert_eq!(
            request.authorization.as_deref(),
            Some(&*format!("Bearer {API_KEY}"))
        );
    }
    for file in ["results.json", "report.md", "report.html"] {
        assert!(
            !run.read(file).contains(API_KEY),
            "the API key is in {file}"
        );
    }
    assert!(!run.stderr.contains(API_KEY));

    // The kept modules are the tests you can add; the possible bug is shown apart.
    let patch = run.read("ato-tests.patch");
    assert!(
        patch.contains("tests/ato/test_llm_pricing_price_good.py"),
        "{patch}"
    );
    assert!(!patch.contains("price_flaky"), "{patch}");
    let report = run.read("report.md");
    assert!(report.contains("### 🤖 Model-written tests"), "{report}");
    assert!(report.contains("| 8 | 7 | 7 | 6 | 5 |"), "{report}");
    assert!(ato_containers(Some(&run.results().run_id)).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_on_the_same_files_sends_nothing() {
    require_docker();
    let rules = vec![
        Rule::new(
            "Symbol to test: price_good\n",
            vec![answer(&test_for("price_good", 2, 4))],
        ),
        Rule::new(
            "Symbol to test: price_wrong\n",
            vec![answer(&test_for("price_wrong", 2, 6))],
        ),
    ];
    let fake = FakeLlm::start(rules, Duration::ZERO).await;
    let repo = Repo::new();
    repo.write("shop/__init__.py", "")
        .write("shop/pricing.py", BASE)
        .commit("base");
    repo.write(
        "shop/pricing.py",
        "def price_good(x):\n    return x * 2\n\n\ndef price_wrong(x):\n    return x * 3\n",
    )
    .commit("head");
    let data = tempfile::tempdir().unwrap();
    let mut funnels = Vec::new();
    for round in 0..2 {
        let run = run_with_model(&fake, &repo, data.path()).await;
        let tests = model_tests(&run).clone();
        assert_eq!(
            fake.requests().len(),
            2,
            "round {round}: only the first run asks"
        );
        assert_eq!(tests.usage.cache_hits, if round == 0 { 0 } else { 2 });
        assert_eq!(tests.usage.requests, if round == 0 { 2 } else { 0 });
        funnels.push(tests.funnel);
    }
    assert_eq!(funnels[0], funnels[1]);
    assert_eq!(funnels[0].adds_coverage, 2, "{funnels:?}");
}
