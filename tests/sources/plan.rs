//! The planner on real repositories: what changed between a branch and its base, or in the working tree, and
//! which symbols to test; the user's git settings do not change what it reads.

use std::collections::BTreeMap;

use ato::git::Tree;
use ato::model::SymbolKind;
use ato::plan::{PlanConfig, plan};

use crate::git::{CALC_V1, CALC_V2, Open};
use crate::support::git_repo::Repo as TestRepo;

#[test]
fn plan_end_to_end_on_a_branch_and_on_the_working_tree() {
    let repo = TestRepo::new();
    repo.write("pkg/calc.py", CALC_V1);
    repo.write("pkg/shapes.py", "class Square:\n    def __init__(self, side):\n        self.side = side\n\n    def area(self):\n        return self.side ** 2\n");
    repo.write("README.md", "# calc\n");
    repo.commit("base");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("pkg/calc.py", CALC_V2);
    repo.write("tests/test_calc.py", "def test_add():\n    pass\n");
    repo.write("README.md", "# calc, better\n");
    repo.commit("feature");
    let git = repo.open();
    let base = git
        .merge_base(&git.default_branch().unwrap(), "feature")
        .unwrap();
    let head = Tree::Commit(git.resolve("feature").unwrap());
    let diff = git.diff(&base, &head).unwrap();
    let read = |tree: &Tree, path: &str| {
        git.read_file(tree, path)
            .unwrap()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    };
    let base_tree = Tree::Commit(base.clone());
    let result = plan(
        &diff,
        &|p| read(&head, p),
        &|p| read(&base_tree, p),
        &PlanConfig::default(),
    )
    .unwrap();
    assert_eq!(result.targets.len(), 1, "{result:?}");
    let calc = &result.targets[0];
    assert_eq!(calc.path, "pkg/calc.py");
    let symbols: Vec<(&str, bool)> = calc
        .symbols
        .iter()
        .map(|s| (s.name.as_str(), s.is_new))
        .collect();
    assert_eq!(symbols, vec![("sub", false), ("mul", true)]);
    let skipped: Vec<(&str, &str)> = result
        .skipped
        .iter()
        .map(|s| (s.path.as_str(), s.reason.as_str()))
        .collect();
    assert_eq!(
        skipped,
        vec![
            ("README.md", "unsupported language"),
            ("tests/test_calc.py", "test file")
        ]
    );

    // Uncommitted work on top: a constructor change lists the class, an untracked module is all new.
    repo.write("pkg/shapes.py", "class Square:\n    def __init__(self, side):\n        self.side = abs(side)\n\n    def area(self):\n        return self.side ** 2\n");
    repo.write("pkg/extra.py", "def helper():\n    return 1\n");
    let diff = git.diff(&base, &Tree::WorkingTree).unwrap();
    let result = plan(
        &diff,
        &|p| read(&Tree::WorkingTree, p),
        &|p| read(&base_tree, p),
        &PlanConfig::default(),
    )
    .unwrap();
    let by_path: BTreeMap<&str, Vec<(&str, SymbolKind, bool)>> = result
        .targets
        .iter()
        .map(|t| {
            let symbols = t
                .symbols
                .iter()
                .map(|s| (s.name.as_str(), s.kind, s.is_new))
                .collect();
            (t.path.as_str(), symbols)
        })
        .collect();
    assert_eq!(
        by_path["pkg/shapes.py"],
        vec![("Square", SymbolKind::Class, false)]
    );
    assert_eq!(
        by_path["pkg/extra.py"],
        vec![("helper", SymbolKind::Function, true)]
    );
    assert_eq!(by_path["pkg/calc.py"].len(), 2);
}

#[test]
fn user_diff_settings_do_not_change_what_the_planner_reads() {
    let repo = TestRepo::new();
    repo.write("pkg/calc.py", CALC_V1);
    let base = repo.commit("one").head();
    repo.write("pkg/calc.py", CALC_V2);
    let head = repo.commit("two").head();
    for (key, value) in [
        ("diff.noprefix", "true"),
        ("diff.mnemonicPrefix", "true"),
        ("color.ui", "always"),
        ("diff.interHunkContext", "5"),
        ("diff.context", "7"),
        ("diff.external", "false"),
        ("core.quotePath", "true"),
    ] {
        repo.git(&["config", key, value]);
    }
    let git = repo.open();
    let diff = git.diff(&base, &Tree::Commit(head.clone())).unwrap();
    let read = |sha: &str, path: &str| {
        git.read_file(&Tree::Commit(sha.into()), path)
            .unwrap()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    };
    let result = plan(
        &diff,
        &|p| read(&head, p),
        &|p| read(&base, p),
        &PlanConfig::default(),
    )
    .unwrap();
    assert_eq!(result.targets.len(), 1, "{diff}");
    assert_eq!(result.targets[0].path, "pkg/calc.py");
    assert_eq!(result.targets[0].changed_lines, vec![6, 7, 8, 9, 10]);
}
