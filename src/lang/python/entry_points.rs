//! Python files that are programs or tool configuration, not library modules: importing one runs it (or
//! configures a tool), so generated unit tests would test the import's side effects, never the change. The
//! planner skips them with the reason given here, which the report shows.
//!
//! The list, each with why:
//! - `setup.py`: setuptools' build script; importing it calls `setup()`, which builds or installs.
//! - `noxfile.py`, `fabfile.py`, `dodo.py`: task definitions whose names are fixed by their tool (nox,
//!   Fabric, doit), run by that tool. (`tasks.py`, Invoke's, is too common a module name to assume.)
//! - `conf.py` under a `docs`/`doc` folder: Sphinx's configuration, executed by Sphinx.
//! - `manage.py`: Django's command-line entry point; importing it wants a settings module and a command.
//! - `__main__.py`: a package's `python -m` entry point; importing it runs the program.
//! - `wsgi.py`, `asgi.py`: a web server's entry point; importing it boots the whole application with its
//!   settings, and it holds no logic of its own to test.
//! - a file under `scripts/` or `bin/` that starts with a `#!` line or has an
//!   `if __name__ == "__main__":` guard: a command-line script, run rather than imported.
//!
//! `conftest.py` is not here: it is pytest's, and skipped with the tests.

/// Why the Python file at `path` (whose head text is `source`) is not a library module, if it is not one.
pub fn entry_point_reason(path: &str, source: &str) -> Option<&'static str> {
    let mut parts: Vec<&str> = path.split('/').collect();
    let name = parts.pop().unwrap_or(path);
    let in_folder = |names: &[&str]| parts.iter().any(|folder| names.contains(folder));
    match name {
        "setup.py" => Some("entry point: setup.py is a build script (importing it runs setup())"),
        "noxfile.py" | "fabfile.py" | "dodo.py" => {
            Some("entry point: a task runner's file (nox, Fabric, doit), run by the tool")
        }
        "conf.py" if in_folder(&["docs", "doc"]) => {
            Some("entry point: Sphinx's configuration, executed by Sphinx")
        }
        "manage.py" => Some("entry point: Django's manage.py, a command-line program"),
        "__main__.py" => Some("entry point: a package's __main__.py, run by `python -m`"),
        "wsgi.py" | "asgi.py" => {
            Some("entry point: a web server's wsgi/asgi module; importing it boots the application")
        }
        _ if in_folder(&["scripts", "bin"]) && is_script(source) => {
            Some("entry point: a command-line script (a #! line or a __main__ guard)")
        }
        _ => None,
    }
}

/// A `#!` first line, or an `if __name__ == "__main__":` guard at the top level.
fn is_script(source: &str) -> bool {
    source.starts_with("#!")
        || source.lines().any(|line| {
            let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
            compact.starts_with("if__name__==")
                && (compact.contains("\"__main__\"") || compact.contains("'__main__'"))
        })
}

#[cfg(test)]
mod tests {
    use super::entry_point_reason;

    #[test]
    fn build_task_and_server_files_are_entry_points_anywhere() {
        for path in [
            "setup.py",
            "sub/setup.py",
            "noxfile.py",
            "fabfile.py",
            "manage.py",
            "pkg/__main__.py",
            "site/wsgi.py",
            "site/asgi.py",
        ] {
            let reason = entry_point_reason(path, "x = 1\n");
            assert!(
                reason.is_some_and(|r| r.starts_with("entry point: ")),
                "{path}"
            );
        }
    }

    #[test]
    fn conf_py_only_in_a_docs_folder() {
        assert!(entry_point_reason("docs/conf.py", "").is_some());
        assert!(entry_point_reason("doc/source/conf.py", "").is_some());
        assert_eq!(entry_point_reason("pkg/conf.py", ""), None);
    }

    #[test]
    fn scripts_only_when_they_look_like_scripts() {
        let guarded = "def main():\n    pass\n\nif __name__ == '__main__':\n    main()\n";
        assert!(entry_point_reason("scripts/release.py", guarded).is_some());
        assert!(entry_point_reason("bin/tool.py", "#!/usr/bin/env python3\nprint(1)\n").is_some());
        assert!(
            entry_point_reason("tools/bin/x.py", "if __name__ == \"__main__\": run()\n").is_some()
        );
        assert_eq!(
            entry_point_reason("scripts/helpers.py", "def helper():\n    return 1\n"),
            None
        );
        assert_eq!(entry_point_reason("pkg/cli.py", guarded), None);
    }
}
