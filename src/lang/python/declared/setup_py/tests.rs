//! Tests of the static `setup.py` reader, on the shapes real projects use.

use super::*;
use crate::declared::fixtures::REQUESTS_SETUP_PY;

fn strs(items: &[&str]) -> Literal {
    Literal::List(items.iter().map(|s| Literal::Str(s.to_string())).collect())
}

#[test]
fn requests_setup_py_is_read_through_its_names() {
    let setup = SetupPy::parse(REQUESTS_SETUP_PY);
    let python = setup.keyword("python_requires").unwrap();
    assert_eq!(python.value, Ok(Literal::Str(">=3.9".into())));
    assert_eq!(python.line, 52);
    let install = setup.keyword("install_requires").unwrap();
    assert_eq!(
        install.value,
        Ok(strs(&[
            "charset_normalizer>=2,<4",
            "idna>=2.5,<4",
            "urllib3>=1.21.1,<3",
            "certifi>=2017.4.17"
        ]))
    );
    assert_eq!(install.caveat, None);
    let Ok(Literal::List(tests)) = setup.keyword("tests_require").unwrap().value else {
        panic!("tests_require is a list");
    };
    assert_eq!(tests.len(), 6);
    let Ok(Literal::Dict(extras)) = setup.keyword("extras_require").unwrap().value else {
        panic!("extras_require is a dict");
    };
    assert_eq!(extras[0], (Literal::Str("security".into()), strs(&[])));
    assert_eq!(extras[1].1, strs(&["PySocks>=1.5.6, !=1.5.7"]));
    // `name=about["__title__"]` is not a literal: its text says what it is.
    assert_eq!(
        setup.keyword("name").unwrap().value,
        Err("about[\"__title__\"]".to_string())
    );
    assert!(
        setup
            .strings()
            .any(|s| s == "Programming Language :: Python :: 3.11")
    );
    assert!(setup.keyword("setup_requires").is_none());
}

#[test]
fn quotes_prefixes_concatenation_and_escapes() {
    let text = "setup(\n    python_requires='>=3.8'  # comment\n    , description=\"\"\"two\nlines\"\"\",\n\
                    url=r'C:\\x', long=('a' \"b\"\n 'c'), name=f'{x}', version=u'1.0',\n\
                    esc='a\\'b\\n',\n)\n";
    let setup = SetupPy::parse(text);
    let value = |key: &str| setup.keyword(key).unwrap().value;
    assert_eq!(value("python_requires"), Ok(Literal::Str(">=3.8".into())));
    assert_eq!(value("description"), Ok(Literal::Str("two\nlines".into())));
    assert_eq!(value("url"), Ok(Literal::Str("C:\\x".into())));
    assert_eq!(value("long"), Ok(Literal::Str("abc".into())));
    assert_eq!(value("name"), Err("f'{x}'".into()));
    assert_eq!(value("version"), Ok(Literal::Str("1.0".into())));
    assert_eq!(value("esc"), Ok(Literal::Str("a'b\n".into())));
    assert_eq!(setup.keyword("esc").unwrap().line, 7);
}

#[test]
fn expressions_are_not_literals_and_say_what_they_are() {
    let text = "BASE = ['a']\nsetup(install_requires=BASE + ['b'],\n      tests_require=read('req.txt').splitlines(),\n      extras_require=EXTRAS)\n";
    let setup = SetupPy::parse(text);
    assert_eq!(
        setup.keyword("install_requires").unwrap().value,
        Err("BASE + ['b']".into())
    );
    assert_eq!(
        setup.keyword("tests_require").unwrap().value,
        Err("read('req.txt').splitlines()".into())
    );
    assert_eq!(
        setup.keyword("extras_require").unwrap().value,
        Err("EXTRAS (not defined as a literal in setup.py)".into())
    );
}

#[test]
fn a_name_changed_after_its_definition_carries_a_caveat() {
    let text = "requires = ['a']\nif sys.platform == 'win32':\n    requires.append('pywin32')\n\
                    setup(install_requires=requires)\n";
    let found = SetupPy::parse(text).keyword("install_requires").unwrap();
    assert_eq!(found.value, Ok(strs(&["a"])));
    assert!(found.caveat.unwrap().contains(".append"));

    let text = "deps = ['a']\ndeps += ['b']\nsetup(install_requires=deps)\n";
    let found = SetupPy::parse(text).keyword("install_requires").unwrap();
    assert!(found.caveat.is_some());
}

#[test]
fn arguments_in_a_dict_or_a_dict_call_are_found_too() {
    let text = "kwargs = dict(\n    install_requires=('a', 'b'),\n)\nmeta = {'python_requires': '>=3.7'}\nsetup(**kwargs, **meta)\n";
    let setup = SetupPy::parse(text);
    assert_eq!(
        setup.keyword("install_requires").unwrap().value,
        Ok(strs(&["a", "b"]))
    );
    assert_eq!(
        setup.keyword("python_requires").unwrap().value,
        Ok(Literal::Str(">=3.7".into()))
    );
}
